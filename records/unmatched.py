"""The unmatched-paper log: one row per paper the atlas lacks, one sighting per message.

A paper's key is its normalised reference key (`doi:10.1/x`, `pmid:123`, `title:...`), so
every mention of the same paper, on any platform, lands on the same row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import UTC

import sqlite_utils

from records.db import write_transaction
from records.models import Match, Post


def hash_author(author_id: str, salt: str) -> str:
    """A stable pseudonym for an author: counts distinct people without storing who they are."""
    return hashlib.sha256(f"{salt}\x00{author_id}".encode()).hexdigest()[:16]


def record_sightings(
    db: sqlite_utils.Database, post: Post, matches: Iterable[Match], *, salt: str
) -> int:
    """Log every unmatched match of `post`; return how many new sightings were stored.

    Seeing the same message again (a redelivery, a restart, an edit) adds no sighting and
    does not inflate the mention count. All writes happen in one transaction.
    """
    unmatched = [m for m in matches if m.entry is None]
    if not unmatched:
        return 0
    seen_at = post.created_at.astimezone(UTC).isoformat(timespec="seconds")
    author = hash_author(post.author_id, salt)
    added = 0
    with write_transaction(db):
        for match in unmatched:
            reference = match.reference
            metadata = {
                k: v
                for k, v in (("doi", match.doi), ("pmid", match.pmid), ("pmcid", match.pmcid))
                if v
            }
            db.execute(
                """INSERT INTO unmatched_papers
                       (key, kind, value, raw_text, first_seen, last_seen, mention_count, metadata)
                   VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                   ON CONFLICT(key) DO NOTHING""",
                [
                    reference.key,
                    reference.kind.value,
                    reference.value,
                    reference.text[:500],
                    seen_at,
                    seen_at,
                    json.dumps({"identifiers": metadata}) if metadata else None,
                ],
            )
            cursor = db.execute(
                """INSERT OR IGNORE INTO sightings
                       (paper_key, platform, place, message_id, permalink, author_hash, seen_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [
                    reference.key,
                    post.platform,
                    post.place,
                    post.message_id,
                    post.permalink,
                    author,
                    seen_at,
                ],
            )
            if cursor.rowcount:
                added += 1
                db.execute(
                    """UPDATE unmatched_papers
                       SET mention_count = mention_count + 1,
                           first_seen = min(first_seen, ?), last_seen = max(last_seen, ?)
                       WHERE key = ?""",
                    [seen_at, seen_at, reference.key],
                )
    return added
