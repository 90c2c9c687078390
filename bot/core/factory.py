"""Building the service once, in an entry point: the atlas index and the EvidenceService."""

from __future__ import annotations

from bot.core.service import Clock, EvidenceService, utc_now
from config.settings import Settings
from linker import AtlasIndex
from records.atlas_store import iter_aliases
from records.db import Database
from records.entry_metadata import iter_enriched_entries


def load_index(db: Database, settings: Settings) -> AtlasIndex:
    """The in-memory atlas index over every stored entry and alias."""
    return AtlasIndex.build(iter_enriched_entries(db), iter_aliases(db), settings.linker)


def build_service(db: Database, settings: Settings, *, clock: Clock = utc_now) -> EvidenceService:
    """An EvidenceService over the records database, with the atlas index loaded from it."""
    return EvidenceService(db, load_index(db, settings), settings, clock=clock)
