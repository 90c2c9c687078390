"""`evidence-bot run xenforo`, `discourse`, `lemmy`, `feeds`: the web forum processes."""

from __future__ import annotations

import signal
import threading

import click

from bot.cli import bounds
from bot.cli.context import AppContext, pass_app
from bot.cli.run_reddit_cmd import _stop_on_sigterm
from bot.forums.polling import B, ForumProcess

MAX_POLLS = click.option(
    "--max-polls",
    type=bounds.COUNT,
    default=None,
    help="Stop after this many polls (a smoke test); by default run until stopped.",
)


def run_until_stopped(
    app: AppContext, max_polls: int | None, banner: str, run: ForumProcess[B]
) -> B:
    """Run a forum process until SIGTERM or Ctrl-C; its settings error as a clear message.

    Every problem of the process's settings is named before the banner claims the process
    is watching. Returns what `run` returned.
    """
    stop = threading.Event()
    previous = _stop_on_sigterm(stop)
    try:
        run.check(app.settings)
        click.echo(banner, err=True)
        return run(app.settings, app.db, stop=stop, max_polls=max_polls)
    except run.error as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


@click.command("xenforo")
@MAX_POLLS
@pass_app
def xenforo(app: AppContext, max_polls: int | None) -> None:
    """Watch XenForo forums through their REST API and reply with evidence cards.

    Needs EVBOT_XENFORO__BASE_URL (the forum's /api address), EVBOT_XENFORO__API_KEY (a key
    acting as the bot's user) and EVBOT_XENFORO__NODE_IDS (the forums to watch).
    """
    from bot.xenforo_bot.app import run_xenforo_bot  # noqa: PLC0415

    run_until_stopped(app, max_polls, "Watching XenForo forums; Ctrl-C stops.", run_xenforo_bot)


@click.command("discourse")
@MAX_POLLS
@pass_app
def discourse(app: AppContext, max_polls: int | None) -> None:
    """Watch a Discourse forum's latest posts and reply with evidence cards.

    Needs EVBOT_DISCOURSE__BASE_URL, EVBOT_DISCOURSE__API_KEY and EVBOT_DISCOURSE__API_USERNAME.
    """
    from bot.discourse_bot.app import run_discourse_bot  # noqa: PLC0415

    run_until_stopped(app, max_polls, "Watching Discourse; Ctrl-C stops.", run_discourse_bot)


@click.command("lemmy")
@MAX_POLLS
@pass_app
def lemmy(app: AppContext, max_polls: int | None) -> None:
    """Watch Lemmy communities' posts and comments and reply with evidence cards.

    Needs EVBOT_LEMMY__BASE_URL, EVBOT_LEMMY__USERNAME, EVBOT_LEMMY__PASSWORD and
    EVBOT_LEMMY__COMMUNITIES.
    """
    from bot.lemmy_bot.app import run_lemmy_bot  # noqa: PLC0415

    run_until_stopped(app, max_polls, "Watching Lemmy communities; Ctrl-C stops.", run_lemmy_bot)


@click.command("feeds")
@MAX_POLLS
@pass_app
def feeds(app: AppContext, max_polls: int | None) -> None:
    """Read forums' RSS/Atom feeds: log every citation, write the moderator digest.

    Read-only: nothing is posted to the forums. Needs EVBOT_FEEDS__URLS.
    """
    from bot.feeds.app import run_feeds  # noqa: PLC0415

    done = run_until_stopped(app, max_polls, "Reading feeds; Ctrl-C stops.", run_feeds)
    click.echo(done.line())
