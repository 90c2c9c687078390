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

import re
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

DEFAULT_TIMEOUT_SECONDS = 16.0
MIN_USER_AGENT_CHARS = 10
USER_AGENT_EXAMPLE = "linux:evidence-bot:0.1 (by u/your_bot_account)"


# Subreddit names: letters, digits, underscores, 3 to 21 characters for new ones (older ones
# have 2, e.g. r/de); see https://www.reddit.com/dev/api#POST_api_site_admin (`name`).
_SUBREDDIT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_]{1,20}$")


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


def check_reddit_settings(settings: RedditSettings) -> None:
    """Raise RedditConfigError naming every problem at once (never showing a value)."""
    problems: list[str] = []
    missing = [
        f"EVBOT_REDDIT__{name.upper()}"
        for name in ("client_id", "client_secret", "username", "password")
        if not _plain(getattr(settings, name))
    ]
    if missing:
        problems.append(
            "Reddit credentials missing: set "
            + ", ".join(missing)
            + " (a 'script' app from https://www.reddit.com/prefs/apps and the bot account)"
        )
    agent = (settings.user_agent or "").strip()
    if not agent:
        problems.append(
            "EVBOT_REDDIT__USER_AGENT is required: Reddit asks for a unique, descriptive "
            f"user agent such as {USER_AGENT_EXAMPLE!r}"
        )
    elif len(agent) < MIN_USER_AGENT_CHARS:
        problems.append(
            f"EVBOT_REDDIT__USER_AGENT {agent!r} is not descriptive: name the platform, the "
            f"app, its version and the bot's Reddit account, e.g. {USER_AGENT_EXAMPLE!r}"
        )
    if not settings.subreddits:
        problems.append("EVBOT_REDDIT__SUBREDDITS is empty: name the subreddits to watch")
    bad = [name for name in settings.subreddits if not _SUBREDDIT_NAME.match(subreddit_name(name))]
    if bad:
        problems.append(
            f"EVBOT_REDDIT__SUBREDDITS: not subreddit names: {', '.join(map(repr, bad))} "
            "(2 to 21 letters, digits or underscores, with or without r/)"
        )
    if problems:
        raise RedditConfigError("; ".join(problems))


def subreddit_name(configured: str) -> str:
    """`cfs` from `cfs`, `r/cfs`, `/r/cfs/` or a pasted `https://www.reddit.com/r/cfs`."""
    name = configured.strip().rstrip("/")
    return name.rsplit("/r/", 1)[-1].removeprefix("r/")


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
    check_reddit_settings(settings)
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
