"""Parsing atlas pages and syncing from a local fake atlas (no delay, so the crawler's own cost).

A real sync is bound by the polite delay (1 s a request: about 1 h 45 min for 6,100 pages);
these figures show the crawler and parser add little to that.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import Figure, peak_rss_mb, timed
from bot.http.limits import RetryPolicy
from bot.sync.crawler import AtlasSync
from bot.sync.fetcher import open_fetcher
from records.atlas_page import parse_atlas_page
from records.db import open_db
from tests.fakes.seeds import read_seed
from tests.records.page_shapes import SHAPES
from tests.sync.fake_atlas import FakeAtlas, FakePage, serve, study_html

PARSES = 300
PAGES = 300


def _parse_figures() -> list[Figure]:
    figures = []
    for layout in ("new", "old"):
        html = study_html("kim-2021-gut-flora", "Gut flora", layout=layout)
        with timed() as timer:
            for _ in range(PARSES):
                parse_atlas_page(html)
        figures.append(
            Figure(
                "atlas page parse",
                f"{layout} layout, ms per page",
                f"{1000 * timer.seconds / PARSES:.2f}",
                "< 20 ms",
            )
        )
    figures.extend(_shape_figures())
    return figures


def _shape_figures() -> list[Figure]:
    """Seed 003 rendered in the five unknown-markup shapes (structured data, visible text)."""
    text = read_seed("003")
    url = "https://www.mecfsatlas.com/evidence/meeus-2013-role-mitochondrial"
    entry = parse_atlas_page(text, url=url).entry
    lines = [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line]
    badges = ["E2 Moderate", "PEM required", "Systematic-Review"]
    figures = []
    for name, shape in SHAPES.items():
        html = shape(lines, entry, badges)
        with timed() as timer:
            for _ in range(PARSES):
                parse_atlas_page(html, url=url)
        figures.append(
            Figure(
                "atlas page parse",
                f"{name} page, ms per page",
                f"{1000 * timer.seconds / PARSES:.2f}",
                "< 20 ms",
            )
        )
    return figures


def _sync_once(atlas: FakeAtlas, db_path: Path) -> float:
    db = open_db(db_path)
    try:
        fetcher = open_fetcher(
            user_agent="bench", delay=0, timeout=10, retry=RetryPolicy(max_retries=0)
        )
        try:
            with timed() as timer:
                AtlasSync(db, fetcher, atlas.base_url).run()
        finally:
            fetcher.close()
        return timer.seconds
    finally:
        db.close()


def run() -> list[Figure]:
    """Parse both layouts repeatedly; sync a 300-page fake atlas twice (new, then all 304)."""
    figures = _parse_figures()
    atlas = FakeAtlas(page_size=50)
    for number in range(PAGES):
        slug = f"study-{number:04d}-bench-page"
        atlas.add(slug, FakePage(study_html(slug, f"Study {number}")))
    with tempfile.TemporaryDirectory() as folder, serve(atlas):
        db_path = Path(folder) / "bench.db"
        first = _sync_once(atlas, db_path)
        second = _sync_once(atlas, db_path)
    name = "atlas sync (local, no delay)"
    return [
        *figures,
        Figure(name, f"{PAGES} new pages, pages/s", f"{PAGES / first:,.0f}"),
        Figure(name, f"{PAGES} unchanged pages (304), pages/s", f"{PAGES / second:,.0f}"),
        Figure(name, "peak memory", f"{peak_rss_mb():.0f} MB"),
    ]
