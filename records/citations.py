"""Atlas studies cited in posts the bot reads without answering (feeds), for digests.

One row per (platform, post, study): reading a feed again, or an item it repeats, adds
nothing. Unmatched papers go to the unmatched log as sightings instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from records.db import write_transaction
from records.replies import stamp
from records.store import Database


@dataclass(frozen=True)
class Citation:
    """One post citing one atlas study."""

    platform: str
    place: str
    message_id: str
    entry_id: str
    permalink: str | None
    title: str | None
    cited_at: str


def record_citations(
    db: Database,
    *,
    platform: str,
    place: str,
    message_id: str,
    entry_ids: Iterable[str],
    permalink: str | None,
    title: str | None,
    at: datetime,
) -> int:
    """Store that the post cites these studies; how many were new."""
    rows = [
        (platform, place, message_id, entry_id, permalink, title, stamp(at))
        for entry_id in dict.fromkeys(entry_ids)
    ]
    with write_transaction(db):
        before = db.conn.total_changes
        db.conn.executemany(
            """INSERT OR IGNORE INTO cited_studies
               (platform, place, message_id, entry_id, permalink, title, cited_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
        return db.conn.total_changes - before


def citations_since(db: Database, platform: str, since: datetime) -> list[Citation]:
    """Every citation recorded at or after `since`, oldest first."""
    rows = db.execute(
        """SELECT platform, place, message_id, entry_id, permalink, title, cited_at
           FROM cited_studies WHERE platform = ? AND cited_at >= ?
           ORDER BY cited_at, message_id, entry_id""",
        [platform, stamp(since)],
    ).fetchall()
    return [
        Citation(str(r[0]), str(r[1]), str(r[2]), str(r[3]), r[4], r[5], str(r[6])) for r in rows
    ]
