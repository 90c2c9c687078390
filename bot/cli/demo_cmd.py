"""`evidence-bot demo`: the sample atlas and a sample forum thread through the console bot.

Needs no tokens and no network: a fresh demo database, the bundled atlas, the bundled
thread, and the unmatched-paper log it leaves behind.
"""

from __future__ import annotations

from datetime import timedelta
from importlib import resources
from pathlib import Path

import click
from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from bot.cli.atlas_cmd import import_file
from bot.cli.context import DEMO_DB, AppContext, pass_app, program_name
from bot.cli.tables import fits, print_lines
from bot.cli.unmatched_cmd import papers_lines, papers_table
from bot.console import ConsoleBot, ConsoleStats, read_thread
from bot.core.factory import build_service
from records.atlas_store import atlas_stats
from records.unmatched import list_papers
from records.wording import counted

PLACE = "sample-forum"


def sample_path(name: str) -> Path:
    """A file bundled in config/sample/."""
    return Path(str(resources.files("config") / "sample" / name))


@click.command("demo")
@pass_app
def demo(app: AppContext) -> None:
    """Import the sample atlas into a fresh demo database, run the sample thread through the
    console bot, and show the papers it logged as missing from the atlas."""
    db_path = app.db_path or DEMO_DB
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    app.db_path = db_path
    console = Console(highlight=False)

    console.print(Rule("[bold]evidence-bot demo[/bold]"))
    counts, rejected = import_file(app, sample_path("atlas.jsonl"), "jsonl")
    console.print(
        f"Imported the sample atlas into [bold]{db_path}[/bold]: {counted(counts.added, 'study')}"
        f"{f', {rejected} rejected' if rejected else ''} ({_pem_summary(app)})."
    )
    console.print(
        "The studies, their atlas links, identifiers and badges are real (a badge the atlas "
        "is not known to show is left unrecorded); the summaries and caveats are sample text "
        "written for this demo, not the atlas's own words (config/sample/README.md)."
    )
    console.print(
        "Now a forum thread, post by post, and what the bot replies under the same rules it "
        "follows on Discord and Reddit.\n"
    )
    service = build_service(app.db, app.settings)
    # The thread's posts are a minute apart, ending about now.
    start = service.clock() - timedelta(hours=1)
    bot = ConsoleBot(service, console, place=PLACE, thread="thread-1", start=start)
    with sample_path("thread.txt").open(encoding="utf-8") as handle:
        stats = bot.run(read_thread(handle))

    console.print(Rule("[bold]What happened[/bold]"))
    console.print(_summary(stats))
    console.print()
    _print_unmatched(app, console)
    # One command a line, never wrapped, so each can be copied and run as it is.
    program = program_name()
    console.print("\nTry:")
    for command in ("lookup 'deep phenotyping'", "unmatched list"):
        console.print(f"  [bold]{program} --db {db_path} {command}[/bold]", soft_wrap=True)


def _pem_summary(app: AppContext) -> str:
    names = {
        "required": "PEM required",
        "not_required": "PEM not required",
        "unclear": "PEM unclear",
    }
    pem = dict(atlas_stats(app.db)["pem"])
    parts = [f"{pem[key]} {label}" for key, label in names.items() if pem.get(key)]
    other = sum(n for key, n in pem.items() if key not in names)
    return ", ".join([*parts, f"{other} with no PEM badge recorded"] if other else parts)


def _summary(stats: ConsoleStats) -> str:
    lines = [
        f"{counted(stats.posts, 'post')}: {counted(stats.replies, 'reply')} carrying "
        f"{counted(stats.cards, 'study card')}, {counted(stats.commands, 'command')}."
    ]
    if stats.quiet:
        quiet = "; ".join(f"{reason} ({n})" for reason, n in sorted(stats.quiet.items()))
        lines.append(f"Stayed quiet because: {quiet}.")
    return "\n".join(lines)


def _print_unmatched(app: AppContext, console: Console) -> None:
    """The unmatched-paper log as `unmatched list` shows it (a table when it fits)."""
    papers = list_papers(app.db, sort="mentions")
    title = "Unmatched-paper log: cited in the thread, not in the atlas"
    table = papers_table(papers, title)
    if fits(console, table):
        console.print(table)
    else:
        print_lines(console, [Text(title, style="italic"), *papers_lines(papers)])
    console.print(
        "Curators: `evidence-bot unmatched list`; metadata via `evidence-bot enrich`.",
        style="dim",
    )
