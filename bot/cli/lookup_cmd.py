"""`evidence-bot lookup QUERY`: the card for a DOI, PMID, PMCID, link, slug or title words."""

from __future__ import annotations

import click

from bot.cli.context import AppContext, pass_app, warn_if_atlas_empty
from bot.cli.renderings import FORMATS
from bot.cli.tables import format_option, text_width
from bot.core.factory import build_service
from bot.core.rendering import as_text


@click.command("lookup")
@click.argument("query", nargs=-1, required=True)
@format_option(
    "fmt",
    FORMATS,
    "Plain text, or a platform's rendering: Markdown, BBCode, Discord message JSON.",
)
@click.option(
    "--log",
    "log_unmatched",
    is_flag=True,
    help="Log a recognised identifier the atlas lacks as a sighting for the curators.",
)
@pass_app
def lookup(app: AppContext, query: tuple[str, ...], fmt: str, log_unmatched: bool) -> None:
    """Show the atlas card for QUERY, a numbered list when several studies fit, or say the
    study is not in the atlas. A curator's question is no sighting: nothing is logged unless
    --log is given."""
    text = " ".join(query).strip()
    if not text:
        raise click.UsageError("QUERY is empty.")
    warn_if_atlas_empty(app)
    result = build_service(app.db, app.settings).lookup(text, log_unmatched=log_unmatched)
    if fmt == "text":
        click.echo(result.text(width=text_width()))
    else:
        click.echo(as_text(result.render(fmt)))
