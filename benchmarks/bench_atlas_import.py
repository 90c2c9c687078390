"""How fast `atlas import` takes a 100,000-entry JSON Lines file (target: under 30 s)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from click.testing import CliRunner

from benchmarks.common import Figure, peak_rss_mb, timed
from benchmarks.synthetic_atlas import write_synthetic_atlas
from bot.cli.main import cli

ENTRIES = 100_000


def run() -> list[Figure]:
    """Import the synthetic atlas into a fresh file, then re-import it (all unchanged)."""
    with tempfile.TemporaryDirectory() as folder:
        atlas = write_synthetic_atlas(Path(folder) / "atlas.jsonl", ENTRIES)
        db_path = str(Path(folder) / "bench.db")
        runner = CliRunner()
        with timed() as first:
            result = runner.invoke(cli, ["--db", db_path, "atlas", "import", str(atlas)])
        assert f"{ENTRIES} added" in result.output, result.output
        with timed() as second:
            result = runner.invoke(cli, ["--db", db_path, "atlas", "import", str(atlas)])
        assert f"{ENTRIES} unchanged" in result.output, result.output
    name = "atlas import"
    return [
        Figure(name, f"{ENTRIES:,} new entries", f"{first.seconds:.1f} s", "< 30 s"),
        Figure(name, "entries/s (new)", f"{ENTRIES / first.seconds:,.0f}"),
        Figure(name, f"{ENTRIES:,} unchanged re-import", f"{second.seconds:.1f} s"),
        Figure(name, "peak memory", f"{peak_rss_mb():.0f} MB"),
    ]
