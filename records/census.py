"""The citation census: atlas studies cited in scanned archives, and the report's numbers.

Citations of atlas studies live in `cited_studies` (one row per post and study, so a
rescan adds nothing); papers the atlas lacks live in the unmatched log's sightings. Every
query of `evidence-bot report` is here, filtered the same way by `CensusFilter`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC

import sqlite_utils

from records.db import write_transaction
from records.models import Post
from records.replies import stamp
from records.unmatched import hash_author


def record_cited(
    db: sqlite_utils.Database, post: Post, entry_ids: Iterable[str], *, salt: str
) -> int:
    """Store that `post` cites these atlas studies; how many citations were new."""
    author = hash_author(post.author_id, salt) if post.author_id else None
    rows = [
        (
            post.platform,
            post.place,
            post.message_id,
            entry_id,
            post.permalink,
            None,
            stamp(post.created_at.astimezone(UTC)),
            author,
        )
        for entry_id in dict.fromkeys(entry_ids)
    ]
    if not rows:
        return 0
    with write_transaction(db):
        before = db.conn.total_changes
        db.conn.executemany(
            """INSERT OR IGNORE INTO cited_studies
               (platform, place, message_id, entry_id, permalink, title, cited_at, author_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
        return db.conn.total_changes - before
