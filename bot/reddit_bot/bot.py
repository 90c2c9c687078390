"""The Reddit bot's loop: poll every watched stream, hand each new item to the handler.

`poll_once()` reads each stream once and handles what is new, so tests drive the bot one
poll at a time; `run()` repeats it, waiting `poll_seconds` between polls and backing off
exponentially while Reddit fails. Time comes in only through the injected `sleep` and
`clock`.

Failures stay as small as possible:
- a stream that cannot be read (5xx, timeout) is skipped for this poll and sits out a few
  more (see `health`) while the others keep their interval; its cursor does not move, so a
  later poll reads the same items again. A private, banned or missing subreddit is reported
  once and re-checked slowly;
- an item that cannot be parsed is skipped and reported once (see `streams`);
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
from bot.reddit_bot.convert import PLATFORM
from bot.reddit_bot.handling import ItemHandler, TransientItemError
from bot.reddit_bot.health import StreamHealth, unreadable_reason
from bot.reddit_bot.moderators import DEFAULT_TTL_SECONDS, ModeratorCache
from bot.reddit_bot.ratelimit import StopRequested
from bot.reddit_bot.sending import ReplySender
from bot.reddit_bot.state import Cursor, StreamState
from bot.reddit_bot.streams import (
    OVERLAP_SECONDS,
    SWEEP_SECONDS,
    ListedItem,
    ListingReader,
    Stream,
    probe,
    sweep,
)

log = logging.getLogger(__name__)

MAX_ITEM_ATTEMPTS = 5  # with the back-off, about a quarter of an hour of retries
MAX_BACKOFF_SECONDS = 15 * 60.0
STREAM_KINDS = ("submissions", "comments")
START_PAGE = 5  # items read at a stream's first poll, to find its newest readable one


@dataclass
class PollReport:
    """What one poll did."""

    new_items: int = 0
    replies: int = 0
    commands: int = 0
    stream_errors: list[str] = field(default_factory=list)
    skipped_items: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)  # streams of unreadable subreddits
    streams_read: int = 0
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
        sweep_seconds: float = SWEEP_SECONDS,
        overlap_seconds: float = OVERLAP_SECONDS,
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
        self._reader = ListingReader(reddit)
        self._health = StreamHealth(
            clock=clock, poll_seconds=poll_seconds, max_backoff_seconds=max_backoff_seconds
        )
        self.sweep_seconds = sweep_seconds
        self.overlap_seconds = overlap_seconds
        self._swept_at: dict[str, float] = {}
        self._tops: dict[str, ListedItem | None] = {}
        self._report: PollReport | None = None

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
        self._report = report
        try:
            self._poll_streams(report)
        except StopRequested:
            log.info("stopping: the poll ends here; unhandled items wait for the next start")
            report.stopped = True
        # The global back-off is for Reddit failing as a whole; one failing stream backs
        # off on its own (`health`).
        everything_failed = report.failed and report.streams_read == 0
        self._failed_polls = self._failed_polls + 1 if everything_failed else 0
        report.unreadable = self._health.unreadable_streams()
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
                if not self._health.due(stream.name):
                    continue
                try:
                    report.streams_read += int(self._poll_stream(stream, report))
                except sqlite3.OperationalError as exc:
                    # Locked or full records database while saving a cursor: the items
                    # after the stored cursor are read (and handled) again next poll.
                    log.error("records database refused a write for %s: %s", stream.name, exc)
                    report.stream_errors.append(f"{stream.name}: records database: {exc}")
            self._health.end_poll(any_read=report.streams_read > 0)

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

    def _poll_stream(self, stream: Stream, report: PollReport) -> bool:
        """Read one stream and handle its new items; False when it could not be read."""
        try:
            items = self._new_items(stream)
        except StopRequested:
            raise
        except PrawcoreException as exc:
            reason = unreadable_reason(exc)
            if reason is None:
                self._health.failed(stream.name)
                report.stream_errors.append(f"{stream.name}: {type(exc).__name__}")
            elif self._health.unreadable(stream.name, reason):
                report.unreadable.append(stream.name)
            return False
        except Exception as exc:
            # An answer that is not a listing: keep the process alive and retry.
            log.exception("reading %s failed unexpectedly", stream.name)
            self._health.failed(stream.name)
            report.stream_errors.append(f"{stream.name}: {type(exc).__name__}")
            return False
        self._health.ok(stream.name)
        report.new_items += len(items)
        for listed in items:
            if not self._handle(stream, listed, report):
                return True  # a passing failure: the rest waits for the next poll, in order
        self._move_to_top(stream)
        return True

    def _new_items(self, stream: Stream) -> list[ListedItem]:
        """The stream's unseen items, oldest first: a probe, or a sweep when one is due."""
        cursor = self.state.cursor(stream.name)
        now = self._clock()
        if cursor is None:
            # First run: start from the newest item, answering nothing already there. A
            # damaged newest item must not make the stream look empty (then everything
            # listed would count as new), so start from the newest readable one.
            page = self._reader.page(stream, limit=START_PAGE)
            if page.size and not page.items:
                raise ValueError(f"{stream.name}: none of the newest items can be read")
            top = page.items[0].facts if page.items else None
            if top is not None:
                # Later sweeps read an overlap window back from the cursor: what is already
                # there must count as seen, or it would be answered then.
                since = top.created_utc - self.overlap_seconds
                there = sweep(self._reader, stream, since, on_bad=self._bad_item)
                self.state.mark_many_seen([x.facts.fullname for x in there])
            start = Cursor(top.fullname, top.created_utc) if top else Cursor(None, 0.0)
            self.state.start(stream.name, start)
            self._swept_at[stream.name] = now
            return []
        listed: list[ListedItem] | None = None
        swept_at = self._swept_at.get(stream.name)
        sweep_due = swept_at is None or now - swept_at >= self.sweep_seconds
        if cursor.fullname is not None and not sweep_due:
            items, full = probe(self._reader, stream, cursor.fullname, on_bad=self._bad_item)
            listed = None if full else items
        if listed is None:
            since = cursor.created_utc - self.overlap_seconds
            listed = sweep(self._reader, stream, since, on_bad=self._bad_item)
            self._swept_at[stream.name] = now
        self._tops[stream.name] = listed[0] if listed else None
        return [x for x in reversed(listed) if not self.state.is_seen(x.facts.fullname)]

    def _move_to_top(self, stream: Stream) -> None:
        """After a whole read was handled, anchor the next probe on the newest listed item.

        Items of one second are not listed in id order, so the item handled last need not
        be the one listed first; a probe anchored below the top would fetch it every time.
        """
        top = self._tops.pop(stream.name, None)
        cursor = self.state.cursor(stream.name)
        if top is None or cursor is None or top.facts.fullname == cursor.fullname:
            return
        if top.facts.created_utc >= cursor.created_utc:
            self.state.start(stream.name, Cursor(top.facts.fullname, top.facts.created_utc))

    def _bad_item(self, key: str, reason: str) -> None:
        """An item that cannot be parsed: log it once (across restarts), skip it."""
        if self.state.is_seen(key):
            return
        log.warning("skipping %s: it cannot be read (%s)", key, reason)
        self.state.mark_seen(key)
        if self._report is not None:
            self._report.skipped_items.append(key)

    def _handle(self, stream: Stream, listed: ListedItem, report: PollReport) -> bool:
        """Handle one item; False when the stream must stop here until the next poll."""
        item, item_facts = listed.item, listed.facts
        fullname = item_facts.fullname
        cursor = self._cursor_after(stream, item_facts.fullname, item_facts.created_utc)
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

    def _cursor_after(self, stream: Stream, fullname: str, created_utc: float) -> Cursor:
        """The stream's cursor once this item is handled: a late item never moves it back."""
        current = self.state.cursor(stream.name)
        if current is not None and created_utc < current.created_utc:
            return current
        return Cursor(fullname, created_utc)

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
