"""`evidence-bot cards refresh [--dry-run]`: bring posted cards up to date, one pass.

For every platform with posted cards the command builds that platform's card editor from
the settings, runs the core's refresh pass (bot.core.refresh) with a progress bar, and
prints a table of what was edited, skipped and failed. `--dry-run` talks to no platform: it
lists the cards that would change and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import click
from rich.console import Console
from rich.table import Table

from bot.cli.context import AppContext, pass_app
from bot.cli.progress import progress_bar
from bot.cli.tables import cell
from bot.core.factory import build_service
from bot.core.refresh import CardEditor, Refresh, Refreshed, out_of_date, refresh_pass
from bot.core.service import EvidenceService, ReplyPlan
from config.settings import Settings
from records import posted_cards
from records.posted_cards import PostedCard

EditorFactory = Callable[[Settings], AbstractContextManager[CardEditor]]
EXIT_FAILED = 1


def _discord(settings: Settings) -> AbstractContextManager[CardEditor]:
    from bot.discord_bot.card_editor import discord_editor  # noqa: PLC0415

    return discord_editor(settings.discord)


def _discourse(settings: Settings) -> AbstractContextManager[CardEditor]:
    from bot.discourse_bot.app import discourse_editor  # noqa: PLC0415

    return discourse_editor(settings)


def _xenforo(settings: Settings) -> AbstractContextManager[CardEditor]:
    from bot.xenforo_bot.app import xenforo_editor  # noqa: PLC0415

    return xenforo_editor(settings)


def _lemmy(settings: Settings) -> AbstractContextManager[CardEditor]:
    from bot.lemmy_bot.app import lemmy_editor  # noqa: PLC0415

    return lemmy_editor(settings)


def _reddit(settings: Settings) -> AbstractContextManager[CardEditor]:
    from bot.reddit_bot.card_editor import reddit_editor  # noqa: PLC0415

    return reddit_editor(settings)


# The platforms whose cards can be edited, each building its editor from the settings.
EDITORS: dict[str, EditorFactory] = {
    "discord": _discord,
    "discourse": _discourse,
    "lemmy": _lemmy,
    "reddit": _reddit,
    "xenforo": _xenforo,
}


class _NoEditor:
    """What a dry run passes to the pass: it never asks the platform anything."""

    def __init__(self, platform: str) -> None:
        self.platform = platform

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        raise AssertionError("a dry run edits nothing")

    def shows(self, card: PostedCard, line: str) -> bool:
        raise AssertionError("a dry run reads nothing")

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        raise AssertionError("a dry run posts nothing")

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        raise AssertionError("a dry run reads nothing")


@contextmanager
def _no_editor(platform: str) -> Iterator[CardEditor]:
    yield _NoEditor(platform)


@click.group("cards")
def cards() -> None:
    """Posted cards: keep them true when the atlas or the literature changes."""


@cards.command("refresh")
@click.option("--dry-run", is_flag=True, help="List the cards that would change; edit nothing.")
@pass_app
def refresh(app: AppContext, dry_run: bool) -> None:
    """Edit every posted card whose study changed since it was posted (one pass)."""
    service = build_service(app.db, app.settings)
    platforms = sorted({c.platform for c in posted_cards.posted_cards(app.db, state=None)})
    done: list[tuple[str, Refreshed]] = []
    problems: list[str] = []
    for platform in platforms:
        factory = EDITORS.get(platform)
        if factory is None:
            continue  # the console and scans post nowhere a card could be edited
        try:
            with _no_editor(platform) if dry_run else factory(app.settings) as editor:
                done += [(platform, r) for r in _one_platform(service, editor, dry_run=dry_run)]
        except Exception as exc:  # one platform's failure must not stop the others
            problems.append(f"{platform}: {exc}")
    _print_table(done, dry_run=dry_run)
    for problem in problems:
        click.echo(f"Could not refresh cards on {problem}", err=True)
    if problems or any(r.status is Refresh.FAILED for _p, r in done):
        raise SystemExit(EXIT_FAILED)


def _one_platform(
    service: EvidenceService, editor: CardEditor, *, dry_run: bool
) -> list[Refreshed]:
    total = len(out_of_date(service, editor.platform, include_frozen=True))
    with progress_bar(f"{editor.platform} cards", total, min_total=1) as bar:
        return refresh_pass(service, editor, dry_run=dry_run, on_card=lambda _r: bar.advance())


def _print_table(done: list[tuple[str, Refreshed]], *, dry_run: bool) -> None:
    if not done:
        click.echo("Every posted card is up to date.")
        return
    table = Table(title="Cards that would change" if dry_run else "Posted cards refreshed")
    for name in ("platform", "card", "place", "status", "what changed"):
        table.add_column(name, no_wrap=name in {"platform", "card"})
    for platform, result in done:
        said = "; ".join(result.changes) or result.reason
        table.add_row(
            cell(platform),
            cell(result.card.reply_id),
            cell(result.card.place),
            cell(_word(result.status)),
            cell(said),
        )
    Console(soft_wrap=False).print(table)
    counts: dict[str, int] = {}
    for _platform, result in done:
        word = _word(result.status)
        counts[word] = counts.get(word, 0) + 1
    click.echo(", ".join(f"{n} {status}" for status, n in sorted(counts.items())))


def _word(status: Refresh) -> str:
    """`would edit`, `edited`, `gone`: the status in a word or two (its value says more)."""
    return status.name.lower().replace("_", " ")
