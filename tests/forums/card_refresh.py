"""Shared steps of the forum card-refresh tests: the atlas in the records, a retraction."""

from __future__ import annotations

from pathlib import Path

from records.atlas_io import GoodRecord, read_records
from records.atlas_store import get_entry, upsert_entries
from records.db import open_db
from tests.conftest import SAMPLE_ATLAS

NEW_SUMMARY = "The atlas now reads this study differently."
BANNER = "RETRACTED since this card was posted"


def import_atlas(db_path: Path) -> None:
    """The sample atlas into the records file (the forum harnesses index it in memory)."""
    db = open_db(db_path)
    try:
        upsert_entries(
            db, [r.entry for r in read_records(SAMPLE_ATLAS) if isinstance(r, GoodRecord)]
        )
    finally:
        db.close()


def retract_with_new_summary(db_path: Path, entry_id: str) -> None:
    """Re-import a study as retracted with a new summary (what `atlas import` stores)."""
    db = open_db(db_path)
    try:
        entry = get_entry(db, entry_id)
        assert entry is not None
        upsert_entries(db, [entry.model_copy(update={"retracted": True, "summary": NEW_SUMMARY})])
    finally:
        db.close()
