"""Retraction and correction notices for atlas entries, found by the enricher.

The atlas may miss a retraction; the enricher checks Crossref and Europe PMC and stores what
it finds in `entry_flags`. The bot core reads it here so a card can carry the warning even
when the atlas page shows no red banner.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from records.db import write_transaction
from records.store import Database

FlagKind = Literal["retraction", "expression_of_concern", "correction", "withdrawal"]
FLAG_KINDS: tuple[FlagKind, ...] = (
    "retraction",
    "withdrawal",
    "expression_of_concern",
    "correction",
)
# A card shows one warning: the most serious notice wins.
_SEVERITY = {kind: rank for rank, kind in enumerate(FLAG_KINDS)}
_RETRACTING = ("retraction", "withdrawal")


@dataclass(frozen=True)
class EntryFlag:
    """One notice about an atlas entry: what kind, where it was found and how to find it."""

    entry_id: str
    kind: FlagKind
    notice_id: str
    source: str
    label: str | None = None
    notice_doi: str | None = None
    notice_date: str | None = None
    detected_at: str | None = None

    @property
    def is_retraction(self) -> bool:
        """True for a retraction or withdrawal: the study should no longer be relied on."""
        return self.kind in _RETRACTING

    @property
    def warning(self) -> str:
        """A one-line warning for a card, e.g. `Retracted (notice: doi 10.1/x, 2021-03-04)`."""
        headline = {
            "retraction": "Retracted",
            "withdrawal": "Withdrawn",
            "expression_of_concern": "Expression of concern",
            "correction": "Corrected",
        }[self.kind]
        details = [f"doi {self.notice_doi}" if self.notice_doi else None, self.notice_date]
        shown = ", ".join(d for d in details if d)
        return f"{headline} (notice: {shown})" if shown else headline


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def store_flags(db: Database, flags: Iterable[EntryFlag]) -> int:
    """Store notices (a notice already stored is kept as it was); return how many were new."""
    added = 0
    with write_transaction(db):
        for flag in flags:
            cursor = db.execute(
                """INSERT OR IGNORE INTO entry_flags
                       (entry_id, kind, notice_id, label, notice_doi, notice_date, source,
                        detected_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [
                    flag.entry_id,
                    flag.kind,
                    flag.notice_id,
                    flag.label,
                    flag.notice_doi,
                    flag.notice_date,
                    flag.source,
                    flag.detected_at or _now(),
                ],
            )
            added += cursor.rowcount
    return added


def entry_flags(db: Database, entry_id: str) -> list[EntryFlag]:
    """Every notice stored for the entry, most serious and best documented first."""
    rows = db.query(
        """SELECT entry_id, kind, notice_id, source, label, notice_doi, notice_date, detected_at
           FROM entry_flags WHERE entry_id = ?
           -- Undated notices last on both stores (SQLite sorts NULL first, PostgreSQL last).
           ORDER BY notice_date IS NULL, notice_date, id""",
        [entry_id],
    )
    flags = [EntryFlag(**row) for row in rows]
    # Most serious first; among equals, the notice a reader can follow (DOI, date) first.
    return sorted(
        flags,
        key=lambda f: (_SEVERITY[f.kind], f.notice_doi is None, f.notice_date is None),
    )


def retraction_notice(db: Database, entry_id: str) -> EntryFlag | None:
    """The most serious notice for the entry (retraction first), or None when there is none."""
    flags = entry_flags(db, entry_id)
    return flags[0] if flags else None


def retracted_entry_ids(db: Database) -> set[str]:
    """Slugs of entries retracted or withdrawn, by the atlas's own flag or by a found notice."""
    rows = db.execute(
        """SELECT entry_id FROM entry_flags WHERE kind IN ('retraction', 'withdrawal')
           UNION SELECT id FROM atlas_entries WHERE retracted = 1"""
    ).fetchall()
    return {str(row[0]) for row in rows}


def unflagged_by_atlas(db: Database) -> list[EntryFlag]:
    """Retractions found by the enricher that the atlas itself does not show: curator work."""
    rows = db.query(
        """SELECT f.entry_id, f.kind, f.notice_id, f.source, f.label, f.notice_doi,
                  f.notice_date, f.detected_at
           FROM entry_flags f JOIN atlas_entries a ON a.id = f.entry_id
           WHERE f.kind IN ('retraction', 'withdrawal') AND a.retracted = 0
           ORDER BY f.detected_at DESC, f.id"""
    )
    return [EntryFlag(**row) for row in rows]
