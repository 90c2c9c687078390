"""The Reddit process's entry point: build everything once from the settings, then run."""

from __future__ import annotations

import logging
import threading

from bot.core.factory import build_service
from bot.core.refresh import Refresher
from bot.errors import RedditConfigError
from bot.reddit_bot.bot import RedditBot
from bot.reddit_bot.card_editor import RedditCardEditor
from bot.reddit_bot.client import build_reddit
from config.settings import Settings
from records.db import Database

log = logging.getLogger(__name__)


def run_reddit_bot(
    settings: Settings,
    db: Database,
    *,
    stop: threading.Event | None = None,
    max_polls: int | None = None,
) -> RedditBot:
    """Watch `settings.reddit.subreddits` until `stop` is set (or after `max_polls` polls).

    Raises `RedditConfigError` before any network use when the settings cannot work.
    Waiting between polls, and waiting out Reddit's request budget, end as soon as `stop`
    is set: no request starts after it.
    """
    settings.reddit.check(RedditConfigError)
    stop = stop or threading.Event()
    reddit = build_reddit(settings.reddit, stop=stop)
    service = build_service(db, settings)

    def wait(seconds: float) -> None:
        stop.wait(seconds)

    bot = RedditBot(
        reddit,
        service,
        settings.reddit.subreddits,
        sleep=wait,
        poll_seconds=settings.reddit.poll_seconds,
        sweep_seconds=settings.reddit.sweep_seconds,
        # Posted cards are brought up to date between polls (issue 26).
        after_poll=Refresher(
            service, RedditCardEditor(reddit), settings.reply.refresh_seconds
        ).maybe,
    )
    log.info("watching r/%s", ", r/".join(settings.reddit.subreddits))
    bot.run(max_polls=max_polls, should_stop=stop.is_set)
    return bot
