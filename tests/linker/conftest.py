"""Fixtures for the atlas page parser: the seed renderings and the HTML pages we wrote."""

from __future__ import annotations

from tests.fakes.seeds import ATLAS_PAGES, REPO_ROOT, SEEDS, read_page, read_seed

# Re-exported: tests import these from here; benchmarks import them from tests.fakes.seeds.
__all__ = ["ATLAS_PAGES", "REPO_ROOT", "SEEDS", "read_page", "read_seed"]
