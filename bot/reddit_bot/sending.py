"""Posting and deleting the bot's comments, with Reddit's refusals turned into outcomes.

- RATELIMIT: Reddit refused the comment and said how long to wait. A wait of a few seconds
  (praw's own default limit for sleeping through one is 5 s) is slept through the injected
  `sleep` and the comment tried again; a longer one is not waited for here (the whole bot
  would stand still): the result carries `retry_after` and the outlet defers the reply. A
  refused comment was not created, so trying again cannot post twice.
- A server error or timeout is ambiguous: the comment may exist. Before trying again the
  sender looks for it among the bot's own recent comments, and answers UNCERTAIN rather
  than risk a second copy when it cannot look (the core keeps the claim; see `outlet`).
- Locked or archived threads, deleted parents and a 403 are final outcomes for that item.
  Reddit answers 403 to a reply under a locked post or comment as well as to a banned
  account, so the sender does not decide which: the handler asks the subreddit.
- `things: []` (Reddit made the comment but does not show it, e.g. in a quarantined
  subreddit): the comment exists, so the sender looks up its id in the bot's history.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

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

from bot.errors import StopRequested
from bot.reddit_bot.convert import field
from bot.reddit_bot.ratelimit import DEFAULT_RATELIMIT_WAIT, ratelimit_wait

log = logging.getLogger(__name__)

# Longest RATELIMIT wait slept in place: praw's default `ratelimit_seconds` (5 s) plus the
# safety second `ratelimit_seconds()` adds. Anything longer defers the reply instead.
MAX_INLINE_RATELIMIT_WAIT = 6.0
OWN_HISTORY_DEPTH = 25


class Outcome(StrEnum):
    """What happened to one attempt to post or delete."""

    SENT = "sent"
    DELETED = "deleted"
    LOCKED = "thread locked"
    ARCHIVED = "thread archived"
    PARENT_GONE = "parent deleted or removed"
    FORBIDDEN = "refused with 403 (locked, or the bot is banned)"
    RATE_LIMITED = "rate limited: Reddit asked to wait"
    REJECTED = "rejected by Reddit"
    FAILED = "failed (server error or timeout)"
    UNCERTAIN = "may have been posted; the bot's own comments could not be read to check"


_FINAL_ERRORS = {
    "THREAD_LOCKED": Outcome.LOCKED,
    "TOO_OLD": Outcome.ARCHIVED,
    "DELETED_COMMENT": Outcome.PARENT_GONE,
    "DELETED_LINK": Outcome.PARENT_GONE,
    "INVALID_THING": Outcome.PARENT_GONE,
}


@dataclass(frozen=True)
class SendResult:
    """The outcome, the new comment's fullname when one exists, and a short reason.

    `retry_after` is set for RATE_LIMITED: the seconds Reddit asked to wait.
    """

    outcome: Outcome
    reply_id: str | None = None
    detail: str = ""
    retry_after: float | None = None

    @property
    def ok(self) -> bool:
        """True when the comment exists (posted now or found after an ambiguous failure)."""
        return self.outcome is Outcome.SENT


def ratelimit_seconds(message: str | None) -> float:
    """Seconds to wait for a RATELIMIT message (plus one for safety); 60 when unparsable."""
    seconds = ratelimit_wait(message)
    return DEFAULT_RATELIMIT_WAIT if seconds is None else seconds + 1.0


class ReplySender:
    """Posts replies and deletes the bot's comments through praw."""

    def __init__(
        self,
        reddit: praw.Reddit,
        *,
        bot_name: str,
        sleep: Callable[[float], None],
        attempts: int = 3,
        retry_seconds: float = 30.0,
        max_ratelimit_wait: float = MAX_INLINE_RATELIMIT_WAIT,
    ) -> None:
        self._reddit = reddit
        self._bot_name = bot_name
        self._sleep = sleep
        self._attempts = attempts
        self._retry_seconds = retry_seconds
        self._max_ratelimit_wait = max_ratelimit_wait
        # Parents whose last attempt timed out or hit a 5xx and was not found afterwards:
        # Reddit may still create that comment, so look again before each new attempt.
        self._maybe_posted: set[str] = set()

    def reply(self, parent_fullname: str, body: str) -> SendResult:
        """Post `body` as a reply to a submission or comment (by fullname)."""
        parent = self._thing(parent_fullname)
        result = SendResult(Outcome.FAILED, detail="no attempt made")
        for attempt in range(1, self._attempts + 1):
            earlier = self._earlier_comment(parent_fullname)
            if earlier is not None:
                return earlier
            result, wait = self._attempt(parent, parent_fullname, body)
            if wait is None or attempt == self._attempts:
                return result
            log.info("replying to %s: %s; waiting %.0f s", parent_fullname, result.detail, wait)
            self._sleep(wait if result.outcome is Outcome.RATE_LIMITED else wait * attempt)
        return result

    def _attempt(
        self, parent: Any, parent_fullname: str, body: str
    ) -> tuple[SendResult, float | None]:
        """One try: its result and how long to wait before another (None: no other)."""
        try:
            created = parent.reply(body)
        except (StopRequested, Forbidden) as exc:
            # A stop sends nothing; a 403 is final for this item (the handler asks why).
            stopping = isinstance(exc, StopRequested)
            outcome = Outcome.FAILED if stopping else Outcome.FORBIDDEN
            return SendResult(outcome, detail="stopping" if stopping else "403 Forbidden"), None
        except RedditAPIException as exc:
            code, message = _first_error(exc)
            if code != "RATELIMIT":
                return SendResult(_FINAL_ERRORS.get(code, Outcome.REJECTED), detail=code), None
            wait = ratelimit_seconds(message)
            result = SendResult(Outcome.RATE_LIMITED, detail=message or code, retry_after=wait)
            return result, (wait if wait <= self._max_ratelimit_wait else None)
        except (TooManyRequests, InvalidToken) as exc:
            # Refused before any work was done: safe to try again after a pause.
            return SendResult(Outcome.FAILED, detail=type(exc).__name__), self._retry_seconds
        except (RequestException, ResponseException) as exc:
            return self._after_ambiguous_failure(parent_fullname, type(exc).__name__)
        self._maybe_posted.discard(parent_fullname)
        return self._created(parent_fullname, created), None

    def _created(self, parent_fullname: str, created: Any) -> SendResult:
        """The result of a reply Reddit took; `created` is None for `things: []`."""
        if created is None:
            return self._withheld_reply(parent_fullname)
        reply_id = str(field(created, "name", ""))
        return SendResult(Outcome.SENT, reply_id=reply_id or None)

    def _withheld_reply(self, parent_fullname: str) -> SendResult:
        """Reddit took the comment but answered `things: []`: find it in the bot's history."""
        found = self.find_own_reply(parent_fullname)
        if found:
            return SendResult(Outcome.SENT, reply_id=found, detail="Reddit returned no comment")
        log.warning(
            "Reddit took the reply to %s without returning it, and it is not in the bot's "
            "recent comments yet; counting it as sent",
            parent_fullname,
        )
        return SendResult(Outcome.SENT, detail="Reddit returned no comment; id unknown")

    def _earlier_comment(self, parent_fullname: str) -> SendResult | None:
        """After a timeout or 5xx, the comment may have appeared since: look before posting.

        Returns the outcome when it did (or cannot be known), None when posting is safe.
        """
        if parent_fullname not in self._maybe_posted:
            return None
        found = self.find_own_reply(parent_fullname)
        if found is None:
            return SendResult(Outcome.UNCERTAIN, detail="earlier attempt unverifiable")
        if not found:
            return None
        self._maybe_posted.discard(parent_fullname)
        return SendResult(Outcome.SENT, reply_id=found, detail="appeared after a failure")

    def _after_ambiguous_failure(
        self, parent_fullname: str, error: str
    ) -> tuple[SendResult, float | None]:
        """After a 5xx or timeout: the comment may exist, so look before trying again."""
        found = self.find_own_reply(parent_fullname)
        if found is None:
            return SendResult(Outcome.UNCERTAIN, detail=f"{error}; own history unreadable"), None
        if found:
            return SendResult(Outcome.SENT, reply_id=found, detail=f"found after {error}"), None
        self._maybe_posted.add(parent_fullname)
        return SendResult(Outcome.FAILED, detail=error), self._retry_seconds

    def delete(self, fullname: str) -> SendResult:
        """Delete one of the bot's own comments."""
        try:
            self._thing(fullname).delete()
        except PrawcoreException as exc:
            return SendResult(Outcome.FAILED, detail=type(exc).__name__)
        return SendResult(Outcome.DELETED, reply_id=fullname)

    def _thing(self, fullname: str) -> Any:
        kind, _, base36 = fullname.partition("_")
        if kind == "t1":
            return self._reddit.comment(base36)
        return self._reddit.submission(base36)

    def find_own_reply(self, parent_fullname: str) -> str | None:
        """The fullname of the bot's reply to `parent_fullname`, "" if none, None if unknown."""
        try:
            history = self._reddit.redditor(self._bot_name).comments.new(limit=OWN_HISTORY_DEPTH)
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
