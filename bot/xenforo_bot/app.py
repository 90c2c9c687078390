"""The XenForo process's entry point: build everything once from the settings, then run."""

from __future__ import annotations

import logging
import threading

import sqlite_utils

from bot.core.factory import build_service
from bot.forums.api import ApiClient, ApiError
from bot.forums.polling import run_polls
from bot.xenforo_bot.bot import XenForoBot
from bot.xenforo_bot.client import read_error, xenforo_http
from bot.xenforo_bot.outlet import ForumOutlet
from config.settings import Settings, XenForoSettings

log = logging.getLogger(__name__)


class XenForoConfigError(ValueError):
    """The XenForo settings cannot work (say which one is missing)."""


def check_xenforo_settings(settings: XenForoSettings) -> None:
    """Raise `XenForoConfigError` naming the first missing setting."""
    if settings.base_url is None:
        raise XenForoConfigError("set EVBOT_XENFORO__BASE_URL (the forum's /api address)")
    if settings.api_key is None:
        raise XenForoConfigError("set EVBOT_XENFORO__API_KEY (an API key for the bot's user)")
    if not settings.node_ids:
        raise XenForoConfigError("set EVBOT_XENFORO__NODE_IDS (the forums to watch)")


def run_xenforo_bot(
    settings: Settings,
    db: sqlite_utils.Database,
    *,
    stop: threading.Event | None = None,
    max_polls: int | None = None,
) -> XenForoBot:
    """Watch `settings.xenforo.node_ids` until `stop` is set (or after `max_polls` polls)."""
    config = settings.xenforo
    check_xenforo_settings(config)
    assert config.base_url is not None  # checked above
    assert config.api_key is not None
    stop = stop or threading.Event()
    halt = stop

    def wait(seconds: float) -> None:
        halt.wait(seconds)

    http = xenforo_http(
        str(config.base_url),
        config.api_key.get_secret_value(),
        config.api_user,
        config.timeout_seconds,
        settings.atlas.user_agent,
        max_retries=config.max_retries,
        sleep=wait,
    )
    client = ApiClient(http, read_error=read_error)
    try:
        me = client.get("me/")["me"]
    except ApiError as exc:
        raise XenForoConfigError(f"the forum refused the API key: {exc}") from exc
    outlet = ForumOutlet(
        client,
        bot_user_id=str(me["user_id"]),
        mod_group_ids=frozenset(config.mod_group_ids),
    )
    bot = XenForoBot(
        client,
        build_service(db, settings),
        outlet,
        node_ids=config.node_ids,
        edit_window_seconds=config.edit_window_seconds,
    )
    log.info("watching XenForo forums %s as %s", config.node_ids, me.get("username"))
    try:
        run_polls(bot.poll, wait=wait, should_stop=stop.is_set,
                  poll_seconds=config.poll_seconds, max_polls=max_polls)  # fmt: skip
    finally:
        http.close()
    return bot
