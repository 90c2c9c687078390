"""Building the praw client from the settings: the one place that handles the credentials.

The bot does its own waiting and retrying (RATELIMIT answers, server errors, timeouts) with
an injectable sleep, so the client is configured never to sleep or retry on its own:

- `ratelimit_seconds=-1`: praw otherwise sleeps through short RATELIMIT answers itself
  (https://praw.readthedocs.io/en/stable/getting_started/ratelimits.html);
- prawcore's automatic retry is switched off: it retries a POST after a 5xx or a read
  timeout, and a comment the server did create before failing would be posted twice;
- a hard per-request timeout: prawcore passes its own 16 s default to every request;
- prawcore's request budget (from the `x-ratelimit-*` headers) waits on the process's stop
  event instead of sleeping, so a stop ends a wait of up to ten minutes at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

import praw
from prawcore.requestor import Requestor
from prawcore.sessions import FiniteRetryStrategy

from bot.errors import RedditConfigError as RedditConfigError  # noqa: PLC0414 - tests import it here
from bot.errors import RedditLoginError as RedditLoginError  # noqa: PLC0414 - tests import it here
from bot.reddit_bot.ratelimit import StoppableRateLimiter
from config.settings import RedditSettings
from config.settings import subreddit_name as subreddit_name  # noqa: PLC0414 - tests import it here

DEFAULT_TIMEOUT_SECONDS = 16.0


@dataclass(frozen=True)
class _SingleAttempt(FiniteRetryStrategy):
    """A prawcore retry strategy that never retries and never sleeps."""

    retries: int = 0

    def _sleep_seconds(self) -> float | None:
        return None


class _FixedTimeoutRequestor(Requestor):
    """A prawcore requestor whose configured timeout wins over prawcore's default."""

    def request(self, *args: Any, timeout: float | None = None, **kwargs: Any) -> Any:
        del timeout  # prawcore always passes its 16 s default; ours is the configured one
        return super().request(*args, timeout=self.timeout, **kwargs)


def build_reddit(
    settings: RedditSettings,
    *,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    stop: threading.Event | None = None,
) -> praw.Reddit:
    """A logged-in (script app) praw client; raises RedditConfigError for bad settings.

    Once `stop` is set, every request raises StopRequested instead of starting (or
    instead of waiting out Reddit's request budget).
    """
    settings.check(RedditConfigError)
    reddit = praw.Reddit(
        client_id=_plain(settings.client_id),
        client_secret=_plain(settings.client_secret),
        username=_plain(settings.username),
        password=_plain(settings.password),
        user_agent=(settings.user_agent or "").strip(),
        oauth_url=str(settings.oauth_url).rstrip("/"),
        reddit_url=str(settings.reddit_url).rstrip("/"),
        check_for_updates=False,
        ratelimit_seconds=-1,
        requestor_class=_FixedTimeoutRequestor,
        requestor_kwargs={"timeout": timeout_seconds},
    )
    stop = stop or threading.Event()
    # prawcore has no public switch for its retries or its rate limiter; its sessions read
    # these attributes.
    for core in (reddit._core, reddit._authorized_core, reddit._read_only_core):
        if core is not None:
            core._retry_strategy_class = _SingleAttempt
            window = core._rate_limiter.window_size
            core._rate_limiter = StoppableRateLimiter(window_size=window, stop=stop)
    return reddit


def _plain(value: Any) -> str | None:
    """The text of a setting that may be a SecretStr; None when unset or blank."""
    if value is None:
        return None
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return text if text.strip() else None
