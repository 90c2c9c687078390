"""The bundled sample atlas (12 real studies) as entries and as a built index, for tests."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from linker import AtlasIndex
from records.models import AtlasEntry

SAMPLE_ATLAS = Path(__file__).resolve().parents[2] / "config" / "sample" / "atlas.jsonl"


@cache
def sample_entries() -> tuple[AtlasEntry, ...]:
    """Every entry of config/sample/atlas.jsonl."""
    lines = SAMPLE_ATLAS.read_text(encoding="utf-8").splitlines()
    return tuple(AtlasEntry.model_validate_json(line) for line in lines if line.strip())


@cache
def sample_index() -> AtlasIndex:
    """The sample atlas indexed once per test session (the index is immutable)."""
    return AtlasIndex.build(sample_entries())


def found(text: str, index: AtlasIndex | None = None) -> list[str]:
    """What `index.match` finds, as atlas slugs or, for unmatched studies, reference keys."""
    matches = (index or sample_index()).match(text)
    return [m.atlas_id or m.reference.key for m in matches]
