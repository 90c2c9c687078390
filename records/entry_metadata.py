"""What the enricher learned about atlas entries (every author's affiliations, the journal's
abbreviations, volume, issue, article number, publication date, keywords), kept apart from
the atlas's own fields and laid over them where the entry says nothing.

An atlas import never erases it, and it never overrides what the atlas (or a curator) says.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any

from records import fulltext
from records.atlas_store import get_entry, iter_entries
from records.db import write_transaction
from records.models import AtlasEntry
from records.store import Database

TABLE = "atlas_entry_metadata"
FIELDS = (
    "affiliations", "journal_abbrevs", "volume", "issue", "article_number", "published",
    "keywords",
)  # fmt: skip


def store_entry_metadata(db: Database, entry_id: str, found: Mapping[str, Any]) -> bool:
    """Keep the description fields of `found` for the entry; False when there are none (or
    the entry is gone). The entry's search row is updated in the same transaction."""
    data = {k: found[k] for k in FIELDS if found.get(k) not in (None, "", [], ())}
    if not data:
        return False
    with write_transaction(db):
        entry = get_entry(db, entry_id)
        if entry is None:
            return False
        db.execute(
            f"INSERT INTO {TABLE} (entry_id, data, updated_at) VALUES (?, ?, ?) "  # noqa: S608
            "ON CONFLICT(entry_id) DO UPDATE SET data = excluded.data, "
            "updated_at = excluded.updated_at",
            [entry_id, json.dumps(data, ensure_ascii=False), datetime.now(UTC).isoformat()],
        )
        fulltext.reindex(db, [with_metadata(entry, data)])
    return True


def entry_metadata(db: Database) -> dict[str, dict[str, Any]]:
    """The stored fields of every enriched entry, by slug."""
    rows = db.execute(f"SELECT entry_id, data FROM {TABLE}")  # noqa: S608 - fixed table name
    return {str(entry_id): json.loads(data) for entry_id, data in rows}


def with_metadata(entry: AtlasEntry, data: Mapping[str, Any]) -> AtlasEntry:
    """`entry` with the enricher's fields where the entry has none of its own."""
    missing = {k: v for k, v in data.items() if k in FIELDS and not getattr(entry, k)}
    if not missing:
        return entry
    return AtlasEntry.model_validate({**entry.model_dump(mode="json"), **missing})


def iter_enriched_entries(db: Database) -> Iterator[AtlasEntry]:
    """Every atlas entry in slug order, with what the enricher learned laid over it."""
    known = entry_metadata(db)
    for entry in iter_entries(db):
        data = known.get(entry.id)
        yield entry if data is None else with_metadata(entry, data)
