"""`evidence-bot run <process>`: the long-running bots. `console` is built in; the Discord,
Reddit and enricher processes add their own subcommands to this group."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import click
from rich.console import Console

from bot.cli.context import AppContext, pass_app, warn_if_atlas_empty
from bot.cli.enrich_cmd import run_enricher
from bot.cli.renderings import FORMATS
from bot.cli.run_discord_cmd import discord_cmd as run_discord
from bot.cli.run_forum_cmd import discourse as run_discourse
from bot.cli.run_forum_cmd import feeds as run_feeds
from bot.cli.run_forum_cmd import lemmy as run_lemmy
from bot.cli.run_forum_cmd import xenforo as run_xenforo
from bot.cli.run_reddit_cmd import reddit as run_reddit
from bot.cli.tables import format_option
from bot.console import ConsoleBot, read_thread
from bot.core.factory import build_service
from records.wording import counted


@click.group("run")
def run() -> None:
    """Run a bot: console (no tokens), a platform's (discord, reddit, xenforo, discourse,
    lemmy), feeds or the enricher."""


@run.command("console")
@click.option(
    "--thread",
    "thread_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read posts from this thread file instead of stdin.",
)
@format_option(
    "output",
    FORMATS,
    "Show replies as plain text, or raw as Markdown, BBCode or Discord embed JSON.",
)
@click.option("--place", default="console", show_default=True, help="Place name for settings.")
@click.option("--thread-id", help="Thread name for cooldowns [default: a new one per run].")
@pass_app
def console(
    app: AppContext, thread_file: Path | None, output: str, place: str, thread_id: str | None
) -> None:
    """Print what the bot would reply to each post (one line each, `name: text`)."""
    warn_if_atlas_empty(app)
    bot = ConsoleBot(
        build_service(app.db, app.settings),
        Console(highlight=False),
        place=place,
        thread=thread_id,
        output=output,
    )
    if thread_file is not None:
        # Bytes that are not UTF-8 become U+FFFD instead of ending the run.
        with thread_file.open(encoding="utf-8", errors="replace") as handle:
            stats = bot.run(read_thread(handle))
    else:
        if sys.stdin.isatty():
            click.echo("Type posts as `name: text`, one per line; Ctrl-D ends.", err=True)
        stdin = sys.stdin
        if isinstance(stdin, io.TextIOWrapper):
            stdin.reconfigure(errors="replace")
        stats = bot.run(read_thread(stdin, continuation=False))
    click.echo(
        f"{counted(stats.posts, 'post')}, {counted(stats.replies, 'reply')} with "
        f"{counted(stats.cards, 'card')}, {counted(stats.unmatched_logged, 'new sighting')} "
        "of papers not in the atlas.",
        err=True,
    )


run.add_command(run_reddit)
run.add_command(run_discord)
run.add_command(run_enricher)
run.add_command(run_xenforo)
run.add_command(run_discourse)
run.add_command(run_lemmy)
run.add_command(run_feeds)
