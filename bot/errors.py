"""Exception classes of the bot layer, in one tree.

Indentation is inheritance; a class keeps the built-in base it always had, so code catching
`ValueError`, `RuntimeError`, `LookupError` or an httpx error still catches it:

    Exception
    ├── config.errors.ConfigError     a process cannot start with these settings; the message
    │   │                            names every setting to change (never a secret's value)
    │   ├── DiscordStartupError      (also RuntimeError) settings, token or intents refused
    │   ├── RedditConfigError        (also ValueError) a missing credential or user agent
    │   │   └── RedditLoginError     Reddit refused the configured credentials
    │   ├── XenForoConfigError       (also ValueError) missing settings, or a refused API key
    │   ├── DiscourseConfigError     (also ValueError) missing settings, or a refused API key
    │   ├── LemmyConfigError         (also ValueError) missing settings, or a refused login
    │   └── FeedsConfigError         (also ValueError) no feeds, or a digest that cannot work
    ├── SendFailed                   a platform did not take a reply (maybe_sent, final, defer)
    ├── LookupFailed                 an outlet cannot tell whether an earlier reply exists
    ├── CardGone                     a posted card's message no longer exists
    ├── EditClosed                   the platform no longer lets the bot edit a card
    ├── StopRequested                the process is stopping: no further request is made
    ├── TransientItemError           handling an item failed for a reason that may pass
    ├── ApiError                     a forum's REST API answered with an error (or not at all)
    │   └── BadAnswer                a 200 whose body is not the documented shape
    ├── BadListing                   a forum answered a listing with something that is not one
    ├── MetadataServiceError         a metadata service cannot answer now: try again later
    ├── RuntimeError
    │   ├── RobotsUnavailable        robots.txt unreadable: the crawler may not crawl
    │   │   └── CrawlDelayTooLong    robots.txt asks for a longer Crawl-delay than we keep
    │   ├── FetchFailed              a request still failing after its retries
    │   └── SyncStopped              the atlas crawl cannot go on; its state is kept
    ├── ValueError
    │   └── SitemapError             a sitemap that cannot be read
    └── httpx.HTTPError
        ├── RedirectRefused          a redirect the client's rules do not allow
        ├── ResponseTooLarge         an answer larger than the caller allows (never retried)
        └── httpx.TimeoutException
            └── RequestDeadlineExceeded  the whole request outlived its deadline
                └── OverallDeadlineReached  the job's deadline leaves no time for a request

The settings layer's errors are drawn in `config/errors.py`, the records layer's in
`records/errors.py`, the command line's own (click's) in `bot/cli/errors.py`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx

from config.errors import ConfigError as ConfigError  # noqa: PLC0414 - the tree's root

# ApiError.code of an answer larger than the forum client allows.
TOO_LARGE = "too_large"


class DiscordStartupError(ConfigError, RuntimeError):
    """The Discord bot cannot start; the message says what to change."""


class RedditConfigError(ConfigError, ValueError):
    """The Reddit settings cannot work: a missing credential or user agent."""


class RedditLoginError(RedditConfigError):
    """Reddit refused the configured credentials."""


class XenForoConfigError(ConfigError, ValueError):
    """The XenForo settings cannot work (say which one is missing)."""


class DiscourseConfigError(ConfigError, ValueError):
    """The Discourse settings cannot work (say which one is missing)."""


class LemmyConfigError(ConfigError, ValueError):
    """The Lemmy settings cannot work (say which one is missing, or what the instance said)."""


class FeedsConfigError(ConfigError, ValueError):
    """The feed settings cannot work."""


class SendFailed(Exception):
    """The platform did not take the reply.

    `maybe_sent` is True when the request may have been carried out although no answer
    came back (a timeout, a dropped connection, a 5xx after the body was sent). `final` is
    True when trying again cannot help (the thread is locked, the post deleted, the bot
    banned): the message is given up rather than retried. `defer` is True when the place
    refuses replies for now but may take them later: the adapter keeps the item for then;
    `retry_after` is how many seconds the platform asked it to wait, when it said.
    """

    def __init__(
        self,
        reason: str,
        *,
        maybe_sent: bool = False,
        final: bool = False,
        defer: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.maybe_sent = maybe_sent
        self.final = final
        self.defer = defer
        self.retry_after = retry_after


class LookupFailed(Exception):
    """The outlet could not tell whether an earlier reply of ours exists."""


class CardGone(Exception):
    """The card's message no longer exists (deleted, or its thread removed)."""


class EditClosed(Exception):
    """The platform no longer lets the bot edit the card (its edit window has passed)."""


class StopRequested(Exception):
    """The process is stopping: no further request to the platform is made."""


class TransientItemError(Exception):
    """Handling an item failed for a reason that may pass (server error, timeout)."""


class ApiError(Exception):
    """The forum answered with an error (or not at all: `status` 0 for a timeout)."""

    def __init__(
        self, status: int, code: str, message: str = "", params: dict[str, Any] | None = None
    ):
        super().__init__(f"HTTP {status} {code}: {message}" if status else code)
        self.status = status
        self.code = code
        self.params = params or {}  # what the forum says about the error (e.g. a page limit)

    @property
    def too_large(self) -> bool:
        """True when the answer was larger than the client allows (asking again gets the same)."""
        return self.code == TOO_LARGE

    @property
    def ambiguous(self) -> bool:
        """True when a write may have happened although no readable success came back.

        A 2xx whose body cannot be read (not JSON, not an object) is a write that happened.
        """
        return self.status == 0 or self.status >= 500 or 200 <= self.status < 300


class BadAnswer(ApiError):
    """The forum answered 200 with something that is not the documented shape."""

    def __init__(self, what: str, answer: Any) -> None:
        super().__init__(200, "invalid_answer", f"{what}: {json.dumps(answer, default=str)[:200]}")


class BadListing(Exception):
    """The forum answered a listing with something that is not one (say what it was)."""


class MetadataServiceError(Exception):
    """A service could not answer now (network, timeout, 5xx, 429, malformed reply).

    The look-up should be tried again in a later pass; "not found" is not an error.
    """

    def __init__(self, service: str, message: str) -> None:
        super().__init__(f"{service}: {message}")
        self.service = service


class RobotsUnavailable(RuntimeError):
    """robots.txt could not be read (server error or unreachable): crawling is not allowed."""


class CrawlDelayTooLong(RobotsUnavailable):
    """robots.txt asks for a Crawl-delay above MAX_CRAWL_DELAY."""


class FetchFailed(RuntimeError):
    """A request that still failed after its retries (the message says how)."""


class SyncStopped(RuntimeError):
    """The crawl cannot go on (robots.txt unreadable, a listing page failing); state is kept."""


class SitemapError(ValueError):
    """A sitemap that cannot be read (bad gzip data, or larger than allowed unpacked)."""


class RedirectRefused(httpx.HTTPError):
    """A redirect the rules do not allow (to another host, or somewhere robots.txt forbids)."""


class ResponseTooLarge(httpx.HTTPError):
    """The answer is larger than the caller allows (never retried: it would be again)."""


class RequestDeadlineExceeded(httpx.TimeoutException):
    """The whole request took longer than its deadline (never retried)."""


class OverallDeadlineReached(RequestDeadlineExceeded):
    """The job's overall deadline (`overall_deadline`) leaves no time for this request."""
