"""The Reddit bot's loop: poll every watched stream, hand each new item to the handler.

`poll_once()` reads each stream once and handles what is new, so tests drive the bot one
poll at a time; `run()` repeats it, waiting `poll_seconds` between polls and backing off
exponentially while Reddit fails. Time comes in only through the injected `sleep` and
`clock`.

Failures stay as small as possible:
- a stream that cannot be read (5xx, timeout, 403 on a private subreddit) is skipped for
  this poll; its cursor does not move, so the next poll reads the same items again;
- an item whose handling hits a passing failure stops its stream for this poll and is
  tried again next time, up to `MAX_ITEM_ATTEMPTS`; then it is skipped;
- any other error in one item is logged and the item skipped: one bad item never stops
  the stream.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import praw
from prawcore.exceptions import OAuthException, PrawcoreException, ResponseException

from bot.core.service import EvidenceService
from bot.reddit_bot.client import RedditLoginError, subreddit_name
from bot.reddit_bot.convert import PLATFORM, facts
from bot.reddit_bot.handling import ItemHandler, TransientItemError
from bot.reddit_bot.moderators import DEFAULT_TTL_SECONDS, ModeratorCache
from bot.reddit_bot.ratelimit import StopRequested
from bot.reddit_bot.sending import ReplySender
from bot.reddit_bot.state import Cursor, StreamState
from bot.reddit_bot.streams import Listing, Stream, items_after, newest_cursor

log = logging.getLogger(__name__)

MAX_ITEM_ATTEMPTS = 5  # with the back-off, about a quarter of an hour of retries
MAX_BACKOFF_SECONDS = 15 * 60.0
STREAM_KINDS = ("submissions", "comments")


@dataclass
class PollReport:
    """What one poll did."""

    new_items: int = 0
    replies: int = 0
    commands: int = 0
    stream_errors: list[str] = field(default_factory=list)
    skipped_items: list[str] = field(default_factory=list)
    stopped: bool = False  # the process is stopping: the poll ended early

    @property
    def failed(self) -> bool:
        """True when some stream could not be read or an item must be tried again."""
        return bool(self.stream_errors)


class RedditBot:
    """Watches subreddits and answers through the core; build it once in the entry point."""

    def __init__(
        self,
        reddit: praw.Reddit,
        service: EvidenceService,
        subreddits: Sequence[str],
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        poll_seconds: float = 30.0,
        max_backoff_seconds: float = MAX_BACKOFF_SECONDS,
        moderator_ttl_seconds: float = DEFAULT_TTL_SECONDS,
    ) -> None:
        self.reddit = reddit
        self.service = service
        self.state = StreamState(service.db)
        self.streams = [
            Stream(kind, subreddit_name(sub).lower()) for sub in subreddits for kind in STREAM_KINDS
        ]
        self.poll_seconds = poll_seconds
        self.max_backoff_seconds = max_backoff_seconds
        self._sleep = sleep
        self._clock = clock
        self._moderator_ttl = moderator_ttl_seconds
        self._handler: ItemHandler | None = None
        self._bot_name = ""
        self._attempts: dict[str, int] = {}
        self._failed_polls = 0

    @property
    def bot_name(self) -> str | None:
        """The bot's Reddit user name once `start()` has asked Reddit."""
        return self._bot_name if self._handler is not None else None

    def start(self) -> None:
        """Ask Reddit who the bot is and build the handler; done by the first poll.

        Raises RedditLoginError when Reddit refuses the credentials: retrying cannot help.
        """
        self._bot_name = str(_logged_in_user(self.reddit))
        self.service.add_self_id(self._bot_name.lower())
        moderators = ModeratorCache(
            self._moderator_names, clock=self._clock, ttl_seconds=self._moderator_ttl
        )
        sender = ReplySender(self.reddit, bot_name=self._bot_name, sleep=self._sleep)
        self._handler = ItemHandler(
            self.reddit,
            self.service,
            bot_name=self._bot_name,
            sender=sender,
            moderators=moderators,
            clock=self._clock,
        )
        log.info(
            "logged in to Reddit as u/%s; watching %d streams", self._bot_name, len(self.streams)
        )

    def poll_once(self) -> PollReport:
        """Read every stream once and handle its new items, oldest first."""
        report = PollReport()
        try:
            self._poll_streams(report)
        except StopRequested:
            log.info("stopping: the poll ends here; unhandled items wait for the next start")
            report.stopped = True
        self._failed_polls = self._failed_polls + 1 if report.failed else 0
        return report

    def _poll_streams(self, report: PollReport) -> None:
        try:
            if self._handler is None:
                self.start()
        except PrawcoreException as exc:
            report.stream_errors.append(f"login: {type(exc).__name__}")
        else:
            self._retry_deferred(report)
            for stream in self.streams:
                try:
                    self._poll_stream(stream, report)
                except sqlite3.OperationalError as exc:
                    # Locked or full records database while saving a cursor: the items
                    # after the stored cursor are read (and handled) again next poll.
                    log.error("records database refused a write for %s: %s", stream.name, exc)
                    report.stream_errors.append(f"{stream.name}: records database: {exc}")

    def _retry_deferred(self, report: PollReport) -> None:
        """Answer items deferred while a subreddit refused replies, where it takes them again."""
        assert self._handler is not None
        try:
            report.replies += self._handler.retry_deferred()
        except (TransientItemError, PrawcoreException) as exc:
            report.stream_errors.append(f"deferred items: {exc}")

    def next_wait(self) -> float:
        """Seconds until the next poll: the poll interval, doubled for each failed poll."""
        if self._failed_polls == 0:
            return self.poll_seconds
        return min(self.poll_seconds * 2.0**self._failed_polls, self.max_backoff_seconds)

    def run(self, *, max_polls: int | None = None, should_stop: Callable[[], bool] = bool) -> None:
        """Poll until `should_stop()` is true (or `max_polls` polls), waiting between polls."""
        polls = 0
        while not should_stop() and (max_polls is None or polls < max_polls):
            report = self.poll_once()
            polls += 1
            if report.stopped:
                break
            if report.failed:
                log.warning("poll problems: %s", "; ".join(report.stream_errors))
            if should_stop() or (max_polls is not None and polls >= max_polls):
                break
            self._sleep(self.next_wait())

    # -- one stream --------------------------------------------------------------------

    def _poll_stream(self, stream: Stream, report: PollReport) -> None:
        try:
            items = self._new_items(stream)
        except StopRequested:
            raise
        except PrawcoreException as exc:
            report.stream_errors.append(f"{stream.name}: {type(exc).__name__}")
            return
        except Exception as exc:
            # An answer praw could not make sense of: keep the process alive and retry.
            log.exception("reading %s failed unexpectedly", stream.name)
            report.stream_errors.append(f"{stream.name}: {type(exc).__name__}")
            return
        report.new_items += len(items)
        for item in items:
            if not self._handle(stream, item, report):
                return  # a passing failure: the rest waits for the next poll, in order

    def _new_items(self, stream: Stream) -> list[Any]:
        listing = self._listing(stream)
        cursor = self.state.cursor(stream.name)
        if cursor is None:
            # First run: start from the newest item, answering nothing already there.
            self.state.start(stream.name, newest_cursor(listing))
            return []
        return items_after(listing, cursor)

    def _listing(self, stream: Stream) -> Listing:
        subreddit = self.reddit.subreddit(stream.subreddit)
        if stream.kind == "submissions":
            return lambda limit: subreddit.new(limit=limit)
        return lambda limit: subreddit.comments(limit=limit)

    def _handle(self, stream: Stream, item: Any, report: PollReport) -> bool:
        """Handle one item; False when the stream must stop here until the next poll."""
        item_facts = facts(item)
        fullname = item_facts.fullname
        cursor = Cursor(fullname, item_facts.created_utc)
        if self.state.is_seen(fullname):
            self.state.mark_handled(stream.name, fullname, cursor)
            return True
        assert self._handler is not None
        try:
            result = self._handler.handle(item)
        except sqlite3.OperationalError as exc:
            # Locked or full records database: neither the item's sightings nor its claim
            # could be kept, so it waits (and the stream behind it) until writes work again.
            log.error("records database refused a write for %s; retrying: %s", fullname, exc)
            report.stream_errors.append(f"{stream.name} at {fullname}: records database: {exc}")
            return False
        except StopRequested:
            raise  # not handled: the item is read again by the next start
        except (TransientItemError, PrawcoreException) as exc:
            attempts = self._attempts.get(fullname, 0) + 1
            self._attempts[fullname] = attempts
            if attempts < MAX_ITEM_ATTEMPTS:
                report.stream_errors.append(f"{stream.name} at {fullname}: {exc}")
                return False
            log.error("giving up on %s after %d attempts: %s", fullname, attempts, exc)
            report.skipped_items.append(fullname)
        except Exception:
            log.exception("skipping %s/%s: it could not be handled", PLATFORM, fullname)
            report.skipped_items.append(fullname)
        else:
            report.replies += int(result.replied)
            report.commands += int(result.command is not None)
        self._attempts.pop(fullname, None)
        self.state.mark_handled(stream.name, fullname, cursor)
        return True

    def _moderator_names(self, subreddit: str) -> list[str]:
        return [str(moderator) for moderator in self.reddit.subreddit(subreddit).moderator()]


def _logged_in_user(reddit: praw.Reddit) -> Any:
    """`reddit.user.me()`, with refused credentials turned into a RedditLoginError."""
    try:
        return reddit.user.me()
    except OAuthException as exc:
        raise RedditLoginError(
            f"Reddit refused the bot account's login ({exc.error}): check "
            "EVBOT_REDDIT__USERNAME and EVBOT_REDDIT__PASSWORD"
        ) from None
    except ResponseException as exc:
        refused_app = exc.response.status_code == 401 and "access_token" in str(exc.response.url)
        if refused_app:
            raise RedditLoginError(
                "Reddit refused the app credentials (401): check EVBOT_REDDIT__CLIENT_ID and "
                "EVBOT_REDDIT__CLIENT_SECRET"
            ) from None
        raise
