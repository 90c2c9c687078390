"""The Discourse process's entry point: build everything once from the settings, then run."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx

from bot.core.factory import build_service
from bot.core.refresh import Refresher, refreshing
from bot.discourse_bot.bot import DiscourseBot
from bot.discourse_bot.card_editor import DiscourseCardEditor
from bot.discourse_bot.convert import read_error, wait_seconds
from bot.discourse_bot.outlet import TopicOutlet
from bot.discourse_bot.reporting import ModReport
from bot.discourse_bot.startup import check_identity
from bot.errors import DiscourseConfigError as DiscourseConfigError  # noqa: PLC0414 - tests import it here
from bot.forums.api import ApiClient, build_http
from bot.forums.polling import ForumProcess, Poll, Wait
from config.settings import Settings
from records.db import Database

log = logging.getLogger(__name__)


def api_client(settings: Settings, wait: Callable[[float], None]) -> tuple[httpx.Client, ApiClient]:
    """The polite HTTP client for the configured forum, as the bot's key, and its API client."""
    config = settings.discourse
    assert config.base_url is not None  # checked at start-up (`check`)
    assert config.api_key is not None
    assert config.api_username is not None
    headers = {"Api-Key": config.api_key.get_secret_value(), "Api-Username": config.api_username}
    http = build_http(
        str(config.base_url),
        headers,
        config.timeout_seconds,
        settings.atlas.user_agent,
        max_retries=config.max_retries,
        sleep=wait,
        wait_hint=wait_seconds,
    )
    return http, ApiClient(http, read_error=read_error)


@contextmanager
def _started(settings: Settings, db: Database, wait: Wait) -> Iterator[tuple[DiscourseBot, Poll]]:
    """The bot watching the forum's latest posts as the key's user, and its poll (posted
    cards brought up to date between polls); the HTTP client is closed at the end."""
    config = settings.discourse
    assert config.api_username is not None  # checked at start-up (`check`)
    http, client = api_client(settings, wait)
    try:
        report = ModReport(db, config.api_username)
        outlet = TopicOutlet(client, username=config.api_username, mod_groups=config.mod_groups,
                             report=report, category_ids=config.category_ids,
                             base_url=str(config.base_url))  # fmt: skip
        service = build_service(db, settings)
        bot = DiscourseBot(service, outlet)
        # Posted cards are brought up to date between polls (issue 26).
        refresher = Refresher(service, DiscourseCardEditor(client), settings.reply.refresh_seconds)
        log.info("watching Discourse at %s as %s", config.base_url, config.api_username)
        check_identity(client, config.api_username)
        yield bot, refreshing(bot.poll, refresher)
    finally:
        http.close()


# Watch the forum's latest posts until `stop` is set (or after `max_polls` polls).
run_discourse_bot = ForumProcess("discourse", DiscourseConfigError, _started)


@contextmanager
def discourse_editor(settings: Settings) -> Iterator[DiscourseCardEditor]:
    """A `DiscourseCardEditor` for the configured forum, its HTTP client closed afterwards."""
    settings.discourse.check(DiscourseConfigError)
    http, client = api_client(settings, time.sleep)
    try:
        yield DiscourseCardEditor(client)
    finally:
        http.close()
