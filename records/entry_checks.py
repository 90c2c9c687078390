"""The `entry_checks` table: when each atlas entry was last checked for retractions and
corrections by the enricher, and whether that check failed (to try again next pass)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from records.db import write_transaction
from records.store import Database


def entries_due_for_check(
    db: Database, *, checked_before: datetime, limit: int | None
) -> list[dict[str, Any]]:
    """Entries with a DOI or PMID never checked, last failed, or checked before the cutoff
    (id, doi, pmid, title), longest unchecked first."""
    rows = db.query(
        f"""SELECT a.id, a.doi, a.pmid, a.title FROM atlas_entries a
           LEFT JOIN entry_checks c ON c.entry_id = a.id
           WHERE (a.doi IS NOT NULL OR a.pmid IS NOT NULL)
             AND (c.entry_id IS NULL OR c.status = 'failed' OR c.checked_at < ?)
           ORDER BY c.checked_at IS NOT NULL, c.checked_at, a.id
           {"LIMIT ?" if limit is not None else ""}""",  # noqa: S608 - a fixed fragment
        [checked_before.isoformat(timespec="seconds"), *([] if limit is None else [limit])],
    )
    return list(rows)


def record_entry_check(
    db: Database, entry_id: str, *, error: str | None, at: datetime | None = None
) -> None:
    """Note a check of `entry_id`: ok (error None) or failed, counting failed attempts."""
    with write_transaction(db):
        db.execute(
            """INSERT INTO entry_checks (entry_id, status, attempts, error, checked_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(entry_id) DO UPDATE SET
                   status = excluded.status, error = excluded.error,
                   checked_at = excluded.checked_at,
                   attempts = CASE WHEN excluded.status = 'failed'
                                   THEN entry_checks.attempts + 1 ELSE 0 END""",
            [
                entry_id,
                "failed" if error is not None else "ok",
                1 if error is not None else 0,
                error,
                (at or datetime.now(UTC)).isoformat(timespec="seconds"),
            ],
        )
