"""The XenForo process's entry point: build everything once from the settings, then run."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from bot.core.factory import build_service
from bot.core.refresh import Refresher, refreshing
from bot.errors import ApiError
from bot.errors import XenForoConfigError as XenForoConfigError  # noqa: PLC0414 - tests import it here
from bot.forums.api import ApiClient
from bot.forums.polling import ForumProcess, Poll, Wait
from bot.xenforo_bot.bot import XenForoBot
from bot.xenforo_bot.card_editor import XenForoCardEditor
from bot.xenforo_bot.client import read_error, xenforo_http
from bot.xenforo_bot.convert import int_id
from bot.xenforo_bot.outlet import ForumOutlet
from config.settings import Settings, XenForoSettings
from records.db import Database

log = logging.getLogger(__name__)


def _whoami(client: ApiClient) -> dict[str, Any]:
    """The bot's own user (`GET me/`); a refusal or an answer naming no user stops start-up."""
    try:
        answer = client.get("me/")
    except ApiError as exc:
        raise XenForoConfigError(f"the forum refused the API key: {exc}") from exc
    me = answer.get("me")
    if not isinstance(me, dict) or int_id(me.get("user_id")) is None:
        shown = json.dumps(answer)[:200]
        raise XenForoConfigError(
            f"the forum's answer to me/ names no user (it answered {shown}): the API key must "
            "be a user key for the bot's user, or a super user key with EVBOT_XENFORO__API_USER"
        )
    return me


def _check_moderator_visibility(outlet: ForumOutlet, config: XenForoSettings) -> None:
    """Say plainly at start-up when `mod_group_ids` cannot work with this key."""
    if not config.mod_group_ids:
        return
    try:
        visible = outlet.sees_groups()
    except ApiError as exc:
        log.warning("could not check whether this key sees user groups: %s", exc)
        return
    if not visible:
        log.warning(
            "EVBOT_XENFORO__MOD_GROUP_IDS cannot work with this key: XenForo shows users' groups "
            "only to administrators. Make the bot's user an administrator with the admin "
            "permission 'Manage users', or use a super user key with EVBOT_XENFORO__API_USER. "
            "Until then only forum staff (admins and moderators shown as staff) are moderators."
        )


@contextmanager
def _started(settings: Settings, db: Database, wait: Wait) -> Iterator[tuple[XenForoBot, Poll]]:
    """The bot watching `settings.xenforo.node_ids` as the key's user, and its poll (posted
    cards brought up to date between polls); the HTTP client is closed at the end."""
    config = settings.xenforo
    http = _forum_http(settings, wait)
    try:
        client = ApiClient(http, read_error=read_error)
        me = _whoami(client)
        outlet = ForumOutlet(
            client,
            bot_user_id=str(int_id(me["user_id"])),
            mod_group_ids=frozenset(config.mod_group_ids),
            bypass_permissions=config.api_user is not None,
        )
        _check_moderator_visibility(outlet, config)
        service = build_service(db, settings)
        # Posted cards are brought up to date between polls (issue 26).
        refresher = Refresher(service, XenForoCardEditor(client), settings.reply.refresh_seconds)
        bot = XenForoBot(
            client,
            service,
            outlet,
            node_ids=config.node_ids,
            edit_window_seconds=config.edit_window_seconds,
        )
        log.info("watching XenForo forums %s as %s", config.node_ids, me.get("username"))
        yield bot, refreshing(bot.poll, refresher)
    finally:
        http.close()


# Watch the forums until `stop` is set (or after `max_polls` polls).
run_xenforo_bot = ForumProcess("xenforo", XenForoConfigError, _started)


def _forum_http(settings: Settings, sleep: Callable[[float], None]) -> httpx.Client:
    """The polite HTTP client for the configured forum, as the bot's API key."""
    config = settings.xenforo
    assert config.base_url is not None  # checked at start-up (`check`)
    assert config.api_key is not None
    return xenforo_http(
        str(config.base_url),
        config.api_key.get_secret_value(),
        config.api_user,
        config.timeout_seconds,
        settings.atlas.user_agent,
        max_retries=config.max_retries,
        sleep=sleep,
    )


@contextmanager
def xenforo_editor(settings: Settings) -> Iterator[XenForoCardEditor]:
    """A `XenForoCardEditor` for the configured forum, its HTTP client closed afterwards."""
    settings.xenforo.check(XenForoConfigError)
    http = _forum_http(settings, time.sleep)
    try:
        yield XenForoCardEditor(ApiClient(http, read_error=read_error))
    finally:
        http.close()
