"""Tens of thousands of pending papers are planned in batches (issue 17).

One `IN (?, …)` with a variable per paper failed every pass with "too many SQL variables"
once the backlog passed SQLite's limit (32,766 by default; 999 in builds before 3.32).
"""

from __future__ import annotations

import sqlite3

from records.db import Database
from records.unmatched import papers_to_enrich

PENDING = 30_000


def test_papers_to_enrich_handles_a_backlog_beyond_the_variable_limit(
    db: Database,
) -> None:
    db.conn.executemany(
        "INSERT INTO unmatched_papers (key, kind, value, raw_text, first_seen, last_seen, mention_count) "
        "VALUES (?, 'pmid', ?, ?, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00', ?)",
        [(f"pmid:{n}", str(n), str(n), n % 7) for n in range(1, PENDING + 1)],
    )
    db.conn.commit()
    if isinstance(db.conn, sqlite3.Connection):
        # As strict as the oldest SQLite builds, whatever this one allows.
        db.conn.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, 999)
    planned = papers_to_enrich(db)
    assert len(planned) == PENDING
    assert len({paper.key for paper in planned}) == PENDING
    assert [paper.mentions for paper in planned[:1]] == [0]  # counts still computed
