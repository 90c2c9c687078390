"""The bundled sample atlas, for tests and benchmarks (importable without conftest)."""

from __future__ import annotations

import json
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ATLAS = REPO_ROOT / "config" / "sample" / "atlas.jsonl"


def sample_dois() -> list[str]:
    """The DOIs of the sample atlas's studies, in file order (not every study has one)."""
    lines = SAMPLE_ATLAS.read_text(encoding="utf-8").splitlines()
    return [entry["doi"] for entry in map(json.loads, filter(None, lines)) if entry.get("doi")]
