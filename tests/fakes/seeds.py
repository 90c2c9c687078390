"""The seed renderings and HTML atlas pages tests and benchmarks read (tests/fixtures)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
# Copies of ../shared/seeds: tests read nothing outside the repository.
SEEDS = REPO_ROOT / "tests" / "fixtures" / "seeds"
ATLAS_PAGES = REPO_ROOT / "tests" / "fixtures" / "atlas_pages"


def read_seed(prefix: str) -> str:
    """The seed document whose name starts with `prefix` (e.g. `000`); fails if absent."""
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not found:
        pytest.fail(f"seed {prefix} missing: expected {SEEDS}/{prefix}_*.txt")
    return found[0].read_text(encoding="utf-8")


def read_page(name: str) -> str:
    """An HTML fixture from tests/fixtures/atlas_pages."""
    return (ATLAS_PAGES / name).read_text(encoding="utf-8")
