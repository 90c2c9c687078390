"""Atlas entries and aliases in the records database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlite_utils

from records.models import AtlasEntry

IDENTIFIER_KINDS = ("doi", "pmid", "pmcid")


@dataclass
class UpsertCounts:
    """What one import did to the atlas table."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0

    def __iadd__(self, other: UpsertCounts) -> UpsertCounts:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        return self


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _content_hash(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def upsert_entries(db: sqlite_utils.Database, entries: Iterable[AtlasEntry]) -> UpsertCounts:
    """Insert new entries and replace changed ones, all in one transaction.

    Callers feed batches (see atlas import) so an interruption loses at most one batch and
    never leaves a half-written entry. Pending unmatched papers that an entry now covers are
    resolved in the same transaction.
    """
    rows = [_row(entry) for entry in entries]
    counts = UpsertCounts()
    if not rows:
        return counts
    with db.atomic():
        existing = _existing_rows(db, [row["id"] for row in rows])
        changed = []
        for row in rows:
            old = existing.get(row["id"])
            if old is None:
                counts.added += 1
            elif old["content_hash"] == row["content_hash"]:
                counts.unchanged += 1
                continue
            else:
                counts.updated += 1
                row["created_at"] = old["created_at"]
            changed.append(row)
        if changed:
            columns = list(changed[0])
            # An upsert, not INSERT OR REPLACE: a replace deletes the row first, and the
            # delete would cascade to the entry's aliases.
            updates = ", ".join(
                f"{c} = excluded.{c}" for c in columns if c not in ("id", "created_at")
            )
            db.conn.executemany(
                f"INSERT INTO atlas_entries ({', '.join(columns)}) "  # noqa: S608 - fixed column names
                f"VALUES ({', '.join('?' for _ in columns)}) "
                f"ON CONFLICT(id) DO UPDATE SET {updates}",
                [[row[c] for c in columns] for row in changed],
            )
            resolve_unmatched_covered_by_atlas(db)
    return counts


def _existing_rows(db: sqlite_utils.Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT id, content_hash, created_at FROM atlas_entries WHERE id IN ({marks})"  # noqa: S608
        for row in db.query(sql, chunk):
            found[row["id"]] = row
    return found


def _row(entry: AtlasEntry) -> dict[str, Any]:
    data = json.dumps(entry.to_json_dict(), ensure_ascii=False, sort_keys=True)
    now = _now()
    return {
        "id": entry.id,
        "title": entry.title,
        "doi": entry.doi,
        "pmid": entry.pmid,
        "pmcid": entry.pmcid,
        "year": entry.year,
        "first_author": (entry.first_author_surname or "").lower() or None,
        "pem": entry.pem,
        "evidence_level": entry.evidence_level,
        "retracted": int(entry.retracted),
        "data": data,
        "content_hash": _content_hash(data),
        "created_at": now,
        "updated_at": now,
    }


def resolve_unmatched_covered_by_atlas(db: sqlite_utils.Database) -> int:
    """Mark pending unmatched papers resolved when the atlas (or an alias) now holds them."""
    before = db.conn.total_changes
    for kind in IDENTIFIER_KINDS:
        db.execute(
            f"""UPDATE unmatched_papers SET status = 'resolved', atlas_id = a.id
                FROM atlas_entries a
                WHERE unmatched_papers.status = 'pending' AND unmatched_papers.kind = ?
                  AND unmatched_papers.value = a.{kind}""",  # noqa: S608 - kind is a fixed column name
            [kind],
        )
    db.execute(
        """UPDATE unmatched_papers SET status = 'resolved', atlas_id = al.entry_id
           FROM aliases al
           WHERE unmatched_papers.status = 'pending' AND unmatched_papers.kind = al.kind
             AND unmatched_papers.value = al.value"""
    )
    return db.conn.total_changes - before


def get_entry(db: sqlite_utils.Database, entry_id: str) -> AtlasEntry | None:
    """The entry with this slug, or None."""
    rows = list(db.query("SELECT data FROM atlas_entries WHERE id = ?", [entry_id]))
    return AtlasEntry.model_validate_json(rows[0]["data"]) if rows else None


def iter_entries(db: sqlite_utils.Database) -> Iterator[AtlasEntry]:
    """Every atlas entry, in slug order."""
    for row in db.query("SELECT data FROM atlas_entries ORDER BY id"):
        yield AtlasEntry.model_validate_json(row["data"])


def count_entries(db: sqlite_utils.Database) -> int:
    """How many entries the atlas table holds."""
    return int(db.execute("SELECT count(*) FROM atlas_entries").fetchone()[0])


def find_entry_id(db: sqlite_utils.Database, kind: str, value: str) -> str | None:
    """The slug of the entry with this DOI/PMID/PMCID, directly or through an alias."""
    if kind in IDENTIFIER_KINDS:
        sql = f"SELECT id FROM atlas_entries WHERE {kind} = ? LIMIT 1"  # noqa: S608 - fixed column
        row = db.execute(sql, [value]).fetchone()
        if row:
            return str(row[0])
    row = db.execute(
        "SELECT entry_id FROM aliases WHERE kind = ? AND value = ?", [kind, value]
    ).fetchone()
    return str(row[0]) if row else None


def add_alias(
    db: sqlite_utils.Database, kind: str, value: str, entry_id: str, source: str = "manual"
) -> None:
    """Point an extra identifier at an entry, then resolve logged papers it covers."""
    with db.atomic():
        db.execute(
            "INSERT OR REPLACE INTO aliases (kind, value, entry_id, source, created_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [kind, value, entry_id, source, _now()],
        )
        resolve_unmatched_covered_by_atlas(db)


def iter_aliases(db: sqlite_utils.Database) -> Iterator[tuple[str, str, str]]:
    """(kind, value, entry_id) for every alias."""
    for row in db.execute("SELECT kind, value, entry_id FROM aliases ORDER BY kind, value"):
        yield str(row[0]), str(row[1]), str(row[2])


def atlas_stats(db: sqlite_utils.Database) -> dict[str, list[tuple[str, int]]]:
    """Entry counts by PEM badge, evidence level and year (None shown as 'unknown')."""
    stats: dict[str, list[tuple[str, int]]] = {}
    for column in ("pem", "evidence_level", "year"):
        sql = (
            f"SELECT coalesce(CAST({column} AS TEXT), 'unknown') AS k, count(*) AS n "  # noqa: S608
            f"FROM atlas_entries GROUP BY k ORDER BY k"
        )
        stats[column] = [(str(k), int(n)) for k, n in db.execute(sql).fetchall()]
    return stats
