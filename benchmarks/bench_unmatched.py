"""The unmatched-paper log at forum scale: logging, listing, exporting and enriching.

Targets: logging well above the rate messages arrive (a few a second); `unmatched list` and
a CSV export of 5,000 papers and 50,000 sightings fast enough to feel instant (< 1 s); the
enricher's own cost per paper small next to the polite wait (NCBI: 1/3 s a request).
"""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from click.testing import CliRunner

from benchmarks.common import Figure, peak_rss_mb, timed
from bot.cli.main import cli
from bot.enrich.clients import build_clients
from bot.enrich.worker import enrich
from bot.http.limits import RetryPolicy
from records.db import open_db
from records.models import Match, Post, Reference, RefKind
from records.unmatched import list_papers, papers_to_enrich, record_sightings
from tests.enrich.fakes import FakeClock, FakePaper, FakeServices, settings_for

PAPERS = 5_000
SIGHTINGS = 50_000
ENRICHED = 300
NAME = "unmatched log"


def _log(db_path: Path) -> float:
    db = open_db(db_path)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with timed() as timer:
        for number in range(SIGHTINGS):
            paper = number % PAPERS
            reference = Reference(kind=RefKind.DOI, value=f"10.5555/bench.{paper}", start=0,
                                  end=1, text=f"10.5555/bench.{paper}")  # fmt: skip
            post = Post(platform="discord" if number % 3 else "reddit",
                        place=f"place-{number % 40}", thread="t", message_id=str(number),
                        author_id=f"member-{number % 900}",
                        text="x", created_at=start + timedelta(minutes=number))  # fmt: skip
            record_sightings(db, post, [Match(reference=reference)], salt="bench")
    db.close()
    return timer.seconds


def _enrich_seconds(db_path: Path) -> float:
    db = open_db(db_path)
    due = [paper.value for paper in papers_to_enrich(db, limit=ENRICHED)]
    papers = [FakePaper(doi=doi, title=f"Bench study {doi}", pmid=str(1000 + n))
              for n, doi in enumerate(due)]  # fmt: skip
    services = FakeServices(papers)
    clock = FakeClock()  # no real waiting: this measures the enricher's own work
    clients = build_clients(
        settings_for("https://fake.test"), db,
        transport_factory=lambda: httpx.MockTransport(services.handler),
        clock=clock, sleep=clock.sleep, retry=RetryPolicy(max_retries=0),
    )  # fmt: skip
    try:
        with timed() as timer:
            summary = enrich(db, clients, ENRICHED)
        assert summary.enriched == ENRICHED, summary.line()
    finally:
        clients.close()
        db.close()
    return timer.seconds


def run() -> list[Figure]:
    """Log 50,000 sightings, list and export them, then enrich 300 papers against fakes."""
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        log_seconds = _log(db_path)
        db = open_db(db_path)
        with timed() as listing:
            papers = list_papers(db, limit=50)
        assert len(papers) == 50
        db.close()
        runner = CliRunner()
        with timed() as export:
            csv_path = str(db_path) + ".csv"
            result = runner.invoke(
                cli,
                ["--db", str(db_path), "unmatched", "export", "--format", "csv", "-o", csv_path],
            )
        assert result.exit_code == 0, result.output
        enrich_seconds = _enrich_seconds(db_path)
    return [
        Figure(NAME, f"log {SIGHTINGS:,} sightings", f"{log_seconds:.1f} s"),
        Figure(NAME, "sightings logged/s", f"{SIGHTINGS / log_seconds:,.0f}", "> 100/s"),
        Figure(NAME, f"list top 50 of {PAPERS:,} papers", f"{listing.seconds * 1000:.0f} ms",
               "< 1 s"),
        Figure(NAME, f"CSV export of {PAPERS:,} papers", f"{export.seconds:.2f} s", "< 1 s"),
        Figure(NAME, "enrichment, own cost per paper",
               f"{enrich_seconds / ENRICHED * 1000:.1f} ms", "< 50 ms"),
        Figure(NAME, "peak memory", f"{peak_rss_mb():.0f} MB"),
    ]  # fmt: skip
