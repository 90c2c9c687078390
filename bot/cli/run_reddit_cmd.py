"""`evidence-bot run reddit`: the Reddit bot process (Procfile `reddit`)."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

import click

from bot.cli import bounds
from bot.cli.context import AppContext, pass_app
from bot.errors import RedditConfigError


@click.command("reddit")
@click.option(
    "--max-polls",
    type=bounds.COUNT,
    default=None,
    help="Stop after this many polls (a smoke test); by default run until stopped.",
)
@pass_app
def reddit(app: AppContext, max_polls: int | None) -> None:
    """Watch the configured subreddits and reply with evidence cards.

    Needs a Reddit script app: EVBOT_REDDIT__CLIENT_ID, __CLIENT_SECRET, __USERNAME,
    __PASSWORD, a descriptive EVBOT_REDDIT__USER_AGENT and EVBOT_REDDIT__SUBREDDITS.
    """
    # praw loads only for this command, and only bot/reddit_bot imports it.
    from bot.reddit_bot.app import run_reddit_bot  # noqa: PLC0415

    settings = app.settings
    try:
        settings.reddit.check(RedditConfigError)
    except RedditConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    stop = threading.Event()
    click.echo(
        f"Watching r/{', r/'.join(settings.reddit.subreddits)} as u/{settings.reddit.username}; "
        "Ctrl-C stops.",
        err=True,
    )
    previous = _stop_on_sigterm(stop)
    try:
        run_reddit_bot(settings, app.db, stop=stop, max_polls=max_polls)
    except RedditConfigError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm(stop: threading.Event) -> signal.Handlers | Callable[..., Any] | int | None:
    """Let `kill` (and platform restarts) end the loop between two polls; return the old handler."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    return signal.signal(signal.SIGTERM, handler)
