"""Posting and deleting the bot's comments, Reddit's answers told in the core's words
(`SendFailed`: final, maybe sent, deferred, or released for a later try).

- RATELIMIT: Reddit refused the comment and said how long to wait. A wait of a few seconds
  (praw's own default limit for sleeping through one is 5 s) is slept through the injected
  `sleep` and the comment tried again; a longer one is not waited for here (the whole bot
  would stand still): `SendFailed(defer=True, retry_after=...)`, and the outlet holds the
  subreddit. A refused comment was not created, so trying again cannot post twice.
- A server error or timeout is ambiguous: the comment may exist. The sender looks for it
  once among the bot's own recent comments (`found_despite`, as the forums do), and looks
  again before each further try, since a slow comment may have appeared meanwhile; when it
  cannot look, the reply is "maybe sent" and the core keeps the claim.
- Locked or archived threads, deleted parents and other refusals are final for that item.
  A 403 is let through: Reddit answers it to a reply under a locked post or comment as well
  as to a banned account, so the outlet asks the subreddit which it was.
- `things: []` (Reddit made the comment but does not show it, e.g. in a quarantined
  subreddit): the comment exists, so the sender looks up its id in the bot's history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any, NamedTuple

import praw
from praw.exceptions import RedditAPIException
from prawcore.exceptions import (
    Forbidden,
    InvalidToken,
    PrawcoreException,
    RequestException,
    ResponseException,
    TooManyRequests,
)

from bot.core.delivery import found_despite
from bot.errors import LookupFailed, SendFailed, StopRequested
from bot.reddit_bot.convert import field
from bot.reddit_bot.ratelimit import DEFAULT_RATELIMIT_WAIT, ratelimit_wait
from records.models import Post

log = logging.getLogger(__name__)

# Longest RATELIMIT wait slept in place: praw's default `ratelimit_seconds` (5 s) plus the
# safety second `ratelimit_seconds()` adds. Anything longer defers the reply instead.
MAX_INLINE_RATELIMIT_WAIT = 6.0
OWN_HISTORY_DEPTH = 25

# Reddit's error codes for a reply that can never be made, and what they mean.
_FINAL_ERRORS = {
    "THREAD_LOCKED": "thread locked",
    "TOO_OLD": "thread archived",
    "DELETED_COMMENT": "parent deleted or removed",
    "DELETED_LINK": "parent deleted or removed",
    "INVALID_THING": "parent deleted or removed",
}


def ratelimit_seconds(message: str | None) -> float:
    """Seconds to wait for a RATELIMIT message (plus one for safety); 60 when unparsable."""
    seconds = ratelimit_wait(message)
    return DEFAULT_RATELIMIT_WAIT if seconds is None else seconds + 1.0


class _Pause(NamedTuple):
    """Why a try failed in a way another may mend, and how long to wait before it (seconds,
    times the attempt's number unless Reddit named the wait)."""

    detail: str
    seconds: float
    ratelimit: bool = False
    look_first: bool = False


@dataclass
class ReplySender:
    """Posts replies and deletes the bot's comments through praw."""

    reddit: praw.Reddit
    _: KW_ONLY
    bot_name: str
    sleep: Callable[[float], None]
    attempts: int = 3
    retry_seconds: float = 30.0
    max_ratelimit_wait: float = MAX_INLINE_RATELIMIT_WAIT

    def reply(self, to: Post, body: str) -> str:
        """Comment `body` under `to`; the new comment's fullname ("" when Reddit hid it and
        the bot's history does not show it yet).

        Raises `SendFailed`, or prawcore's `Forbidden` for a 403 (the caller asks why).
        """
        look_first = False
        for attempt in range(1, self.attempts + 1):
            if look_first and (earlier := found_despite("an earlier failure", to, self.find_reply)):
                return earlier
            outcome = self._attempt(to, body, last=attempt == self.attempts)
            if isinstance(outcome, str):
                return outcome
            wait = outcome.seconds if outcome.ratelimit else outcome.seconds * attempt
            log.info("replying to %s: %s; waiting %.0f s", to.message_id, outcome.detail, wait)
            look_first = outcome.look_first
            self.sleep(wait)
        raise AssertionError("the last attempt returns or raises")  # pragma: no cover

    def _attempt(self, to: Post, body: str, *, last: bool) -> str | _Pause:
        """One try: the comment's fullname, or how long to pause before another; raises
        `SendFailed` when there is to be no other (or when `last`)."""
        where = f"replying to {to.message_id}"
        try:
            created = self.thing(to.message_id).reply(body)
        except StopRequested:
            raise SendFailed(f"{where}: stopping") from None
        except Forbidden:
            raise  # the outlet asks the subreddit whether the thread is locked or we are banned
        except RedditAPIException as exc:
            code, message = _first_error(exc)
            if code != "RATELIMIT":
                log.info("not replying to %s: %s", to.message_id,
                         _FINAL_ERRORS.get(code, "rejected by Reddit"))  # fmt: skip
                raise SendFailed(f"{where}: {code}", final=True) from None
            wait = ratelimit_seconds(message)
            if last or wait > self.max_ratelimit_wait:
                raise SendFailed(
                    f"{where}: {message or code}", defer=True, retry_after=wait
                ) from None
            return _Pause(message or code, wait, ratelimit=True)
        except (TooManyRequests, InvalidToken) as exc:
            # Refused before any work was done: safe to try again after a pause.
            if last:
                raise SendFailed(f"{where}: {type(exc).__name__}") from None
            return _Pause(type(exc).__name__, self.retry_seconds)
        except (RequestException, ResponseException) as exc:
            # The comment may exist: look now, and again before the next try.
            found = found_despite(f"{where}: {type(exc).__name__}", to, self.find_reply)
            if found:
                return found
            if last:
                raise SendFailed(f"{where}: {type(exc).__name__}") from None
            return _Pause(type(exc).__name__, self.retry_seconds, look_first=True)
        return self._created(to, created)

    def _created(self, to: Post, created: Any) -> str:
        """The fullname of a reply Reddit took; `created` is None for `things: []`."""
        if created is not None:
            return str(field(created, "name", ""))
        found = self.find_own_reply(to.message_id)
        if not found:
            log.warning(
                "Reddit took the reply to %s without returning it, and it is not in the bot's "
                "recent comments yet; counting it as sent",
                to.message_id,
            )
        return found or ""

    def delete(self, fullname: str) -> None:
        """Delete one of the bot's own comments; raises `SendFailed` when that failed."""
        try:
            self.thing(fullname).delete()
        except PrawcoreException as exc:
            raise SendFailed(f"deleting {fullname}: {type(exc).__name__}") from exc

    def thing(self, fullname: str) -> Any:
        """The praw submission (`t3_`) or comment (`t1_`) a fullname names (not fetched)."""
        kind, _, base36 = fullname.partition("_")
        if kind == "t1":
            return self.reddit.comment(base36)
        return self.reddit.submission(base36)

    def find_reply(self, to: Post) -> str | None:
        """The bot's comment under `to` among its recent comments, or None when there is none.

        Raises `LookupFailed` when the bot's own comments cannot be read.
        """
        found = self.find_own_reply(to.message_id)
        if found is None:
            raise LookupFailed("the bot's own comments cannot be read")
        return found or None

    def find_own_reply(self, parent_fullname: str) -> str | None:
        """The fullname of the bot's reply to `parent_fullname`, "" if none, None if unknown."""
        try:
            history = self.reddit.redditor(self.bot_name).comments.new(limit=OWN_HISTORY_DEPTH)
            for comment in history:
                if field(comment, "parent_id") == parent_fullname:
                    return str(field(comment, "name"))
        except PrawcoreException as exc:
            log.warning("could not read the bot's own comments: %s", type(exc).__name__)
            return None
        return ""


def _first_error(exc: RedditAPIException) -> tuple[str, str | None]:
    for item in exc.items:
        if item.error_type == "RATELIMIT":
            return item.error_type, item.message
    first = exc.items[0] if exc.items else None
    return (first.error_type, first.message) if first else ("UNKNOWN", None)
