"""The Discourse process's entry point: build everything once from the settings, then run."""

from __future__ import annotations

import logging
import threading

from bot.core.factory import build_service
from bot.discourse_bot.bot import DiscourseBot
from bot.discourse_bot.convert import read_error, wait_seconds
from bot.discourse_bot.outlet import TopicOutlet
from bot.discourse_bot.reporting import ModReport
from bot.discourse_bot.startup import check_identity
from bot.errors import DiscourseConfigError as DiscourseConfigError  # noqa: PLC0414 - re-exported for callers
from bot.forums.api import ApiClient, build_http
from bot.forums.polling import run_polls
from bot.forums.settings_check import missing_settings
from config.settings import DiscourseSettings, Settings
from records.db import Database

log = logging.getLogger(__name__)


def check_discourse_settings(settings: DiscourseSettings) -> None:
    """Raise `DiscourseConfigError` naming every missing setting at once."""
    problem = missing_settings(
        (
            ("EVBOT_DISCOURSE__BASE_URL (the forum's address)", settings.base_url is None),
            ("EVBOT_DISCOURSE__API_KEY (an API key for the bot)", settings.api_key is None),
            ("EVBOT_DISCOURSE__API_USERNAME (the bot's user name)", not settings.api_username),
        )
    )
    if problem:
        raise DiscourseConfigError(problem)


def run_discourse_bot(
    settings: Settings,
    db: Database,
    *,
    stop: threading.Event | None = None,
    max_polls: int | None = None,
) -> DiscourseBot:
    """Watch the forum's latest posts until `stop` is set (or after `max_polls` polls)."""
    config = settings.discourse
    check_discourse_settings(config)
    assert config.base_url is not None  # checked above
    assert config.api_key is not None
    assert config.api_username is not None
    halt = stop or threading.Event()

    def wait(seconds: float) -> None:
        halt.wait(seconds)

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
    client = ApiClient(http, read_error=read_error)
    report = ModReport(db, config.api_username)
    outlet = TopicOutlet(client, username=config.api_username, mod_groups=config.mod_groups,
                         report=report, category_ids=config.category_ids,
                         base_url=str(config.base_url))  # fmt: skip
    bot = DiscourseBot(build_service(db, settings), outlet)
    log.info("watching Discourse at %s as %s", config.base_url, config.api_username)
    try:
        check_identity(client, config.api_username)
        run_polls(bot.poll, wait=wait, should_stop=halt.is_set,
                  poll_seconds=config.poll_seconds, max_polls=max_polls)  # fmt: skip
    finally:
        http.close()
    return bot
