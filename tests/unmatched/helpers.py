"""Build unmatched-log content through the real logging function."""

from __future__ import annotations

from datetime import UTC, datetime

from records.atlas_store import upsert_entries
from records.db import Database
from records.models import AtlasEntry, Match, Post, Reference, RefKind
from records.unmatched import record_sightings

SALT = "test-salt"


def mention(
    db: Database,
    kind: str,
    value: str,
    *,
    platform: str = "discord",
    place: str = "general",
    message_id: str = "m1",
    author: str = "alice",
    when: datetime | None = None,
    text: str | None = None,
    permalink: str | None = None,
) -> int:
    """Log one unmatched mention of `kind:value`; return how many sightings were new."""
    reference = Reference(kind=RefKind(kind), value=value, start=0, end=1, text=text or value)
    post = Post(
        platform=platform,
        place=place,
        thread=place,
        message_id=message_id,
        author_id=author,
        text=text or value,
        permalink=permalink,
        created_at=when or datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
    )
    return record_sightings(db, post, [Match(reference=reference)], salt=SALT)


def add_entry(db: Database, slug: str, **fields: object) -> AtlasEntry:
    """Put one entry into the local atlas."""
    entry = AtlasEntry.model_validate({"id": slug, "title": f"Study {slug}", **fields})
    upsert_entries(db, [entry])
    return entry
