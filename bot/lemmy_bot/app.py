"""The Lemmy process's entry point: log in, build everything once, then poll until stopped."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from bot.core.factory import build_service
from bot.core.refresh import Refresher, refreshing
from bot.errors import ApiError
from bot.errors import LemmyConfigError as LemmyConfigError  # noqa: PLC0414 - tests import it here
from bot.forums.api import ApiClient, build_http
from bot.forums.polling import ForumProcess, Poll, Wait
from bot.http.redaction import install_redaction
from bot.lemmy_bot.bot import LemmyBot
from bot.lemmy_bot.convert import read_error
from bot.lemmy_bot.outlet import LemmyOutlet
from config.settings import Settings
from records.db import Database
from records.wording import counted

log = logging.getLogger(__name__)


def log_in(client: ApiClient, username: str, password: str) -> str:
    """POST /user/login: the session's JWT (lemmy-js-client `Login`, `LoginResponse`)."""
    try:
        answer = client.post("user/login", json={"username_or_email": username,
                                                 "password": password})  # fmt: skip
    except ApiError as exc:
        raise LemmyConfigError(f"the instance refused the login: {exc}") from exc
    jwt = answer.get("jwt")
    if not isinstance(jwt, str) or not jwt:
        raise LemmyConfigError("the instance gave no session (is the account's email verified "
                               "or its registration approved?)")  # fmt: skip
    install_redaction([jwt])
    return jwt


@contextmanager
def session(settings: Settings, wait: Callable[[float], None]) -> Iterator[ApiClient]:
    """An API client for the configured instance, logged in; its HTTP client closed after."""
    config = settings.lemmy
    config.check(LemmyConfigError)
    assert config.base_url is not None  # checked above
    assert config.password is not None
    api = str(config.base_url).rstrip("/") + "/api/v3/"
    with build_http(api, {}, config.timeout_seconds, settings.atlas.user_agent,
                    max_retries=config.max_retries, sleep=wait) as http:  # fmt: skip
        client = ApiClient(http, read_error=read_error)
        jwt = log_in(client, config.username, config.password.get_secret_value())
        http.headers["Authorization"] = f"Bearer {jwt}"
        yield client


@contextmanager
def _started(settings: Settings, db: Database, wait: Wait) -> Iterator[tuple[LemmyBot, Poll]]:
    """The bot watching the communities, logged in, and its poll (posted cards brought up to
    date between polls); the HTTP client is closed at the end."""
    config = settings.lemmy
    with session(settings, wait) as client:
        service = build_service(db, settings)
        outlet = LemmyOutlet(client, username=config.username)
        bot = LemmyBot(service, client, outlet, config.communities)
        refresher = Refresher(service, outlet, settings.reply.refresh_seconds)
        log.info("watching %s at %s as %s", counted(len(config.communities), "Lemmy community",
                 "Lemmy communities"), config.base_url, config.username)  # fmt: skip
        yield bot, refreshing(bot.poll, refresher)


# Watch the communities until `stop` is set (or after `max_polls` polls).
run_lemmy_bot = ForumProcess("lemmy", LemmyConfigError, _started)


@contextmanager
def lemmy_editor(settings: Settings) -> Iterator[LemmyOutlet]:
    """The outlet as the refresh pass's card editor, logged in to the configured instance."""
    with session(settings, time.sleep) as client:
        yield LemmyOutlet(client, username=settings.lemmy.username)
