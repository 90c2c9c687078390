"""`evidence-bot report --out DIR [--since DATE] [--platform P] [--place X]`: the census."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import AppContext, pass_app
from bot.report.build import write_report
from records.census import CensusFilter
from records.unmatched import SIGHTING_PLATFORMS
from records.wording import counted


@click.command("report")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write index.html, atlas-queue.csv/.jsonl, top-studies.csv, monthly.csv.",
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m"]),
    help="Count only citations from this date on (UTC), e.g. 2024-01-01.",
)
@click.option("--platform", type=click.Choice(SIGHTING_PLATFORMS), help="Only this platform.")
@click.option("--place", help="Only this place (a subreddit, a channel, a forum).")
@pass_app
def report(
    app: AppContext, out: Path, since: object, platform: str | None, place: str | None
) -> None:
    """Write the community's citation census: a page with charts, the atlas queue, CSVs."""
    since_text = since.strftime("%Y-%m-%d") if hasattr(since, "strftime") else None
    written = write_report(app.db, out, CensusFilter(since_text, platform, place))
    click.echo(
        f"{written.folder / 'index.html'}: {counted(written.citations, 'citation')} of "
        f"{counted(written.studies, 'atlas study', 'atlas studies')} over "
        f"{counted(written.months, 'month')}; "
        f"{counted(written.missing_papers, 'paper')} the atlas lacks in atlas-queue.csv"
    )
