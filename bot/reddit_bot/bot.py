"""The Reddit bot's loop: poll the watched subreddits, hand each new item to the handler.

Every subreddit is read through two combined listings (new submissions and comments of
`r/a+b+c`, see `streams` and `reading`), so a poll's requests do not grow with the number of
subreddits. Each subreddit keeps its own cursor (`submissions:<sub>`, `comments:<sub>`): a
subreddit read for the first time starts on its own listing (`starting`) before it joins.

`poll_once()` reads each listing once and handles what is new, so tests drive the bot one
poll at a time; `run()` repeats it, waiting `poll_seconds` between polls and backing off
exponentially while Reddit fails. Time comes in only through the injected `sleep` and
`clock`.

Failures stay as small as possible:
- a listing that cannot be read (5xx, timeout) is skipped for this poll and sits out a few
  more (see `health`) while the other keeps its interval; no cursor moves, so a later poll
  reads the same items again. A private, banned or missing subreddit is reported once, left
  out of the combined listings and re-checked slowly; as a combined listing just lists
  nothing of such a subreddit, one subreddit's about page is asked in turn now and then;
- an item that cannot be parsed is skipped and reported once (see `streams`);
- an item whose handling hits a passing failure stops its listing for this poll and is
  tried again next time, up to `MAX_ITEM_ATTEMPTS`; then it is skipped;
- any other error in one item is logged and the item skipped: one bad item never stops
  the listing;
- an edit of a handled item (Reddit's `edited` time, seen by a sweep) is handled once:
  the core cards only the studies the item did not card before.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import praw
from prawcore.exceptions import OAuthException, PrawcoreException, ResponseException

from bot.core.service import EvidenceService
from bot.errors import RedditLoginError, StopRequested
from bot.reddit_bot.access import SubredditAccess
from bot.reddit_bot.convert import PLATFORM
from bot.reddit_bot.handling import ItemHandler, TransientItemError
from bot.reddit_bot.health import StreamHealth, unreadable_reason
from bot.reddit_bot.membership import Membership
from bot.reddit_bot.outlet import RedditOutlet
from bot.reddit_bot.reading import ListingPoller, ReadKind
from bot.reddit_bot.sending import ReplySender
from bot.reddit_bot.starting import cursor_with_floor, edit_key, seen_keys
from bot.reddit_bot.state import Cursor, StreamState
from bot.reddit_bot.streams import (
    LOOKBACK_SECONDS,
    SWEEP_SECONDS,
    ListedItem,
    ListingReader,
    Stream,
    member_key,
)
from bot.runtime.moderators import DEFAULT_TTL_SECONDS, ModeratorCache
from config.settings import subreddit_name
from records.errors import OperationalError
from records.wording import counted

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
    unreadable: list[str] = field(default_factory=list)  # subreddits that cannot be read
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
        lookback_seconds: float = LOOKBACK_SECONDS,
        after_poll: Callable[[], object] = lambda: None,
    ) -> None:
        self.reddit = reddit
        # Work done after every poll (bringing posted cards up to date, issue 26).
        self._after_poll = after_poll
        self.service = service
        self.state = StreamState(service.db)
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
        self._poller = ListingPoller(
            self._reader,
            clock=clock,
            sweep_seconds=sweep_seconds,
            lookback_seconds=lookback_seconds,
            is_seen=self.state.is_seen,
            on_bad=self._bad_item,
        )
        self._report: PollReport | None = None
        self._members = Membership(
            reddit,
            self._reader,
            self.state,
            self._health,
            list(dict.fromkeys(subreddit_name(s).lower() for s in subreddits)),
            clock=clock,
            lookback_seconds=lookback_seconds,
            on_bad=self._bad_item,
        )

    @property
    def subreddits(self) -> list[str]:
        """The watched subreddits, lower case."""
        return self._members.subreddits

    @property
    def sweep_seconds(self) -> float:
        """Seconds between sweeps of the look-back window."""
        return self._poller.sweep_seconds

    @sweep_seconds.setter
    def sweep_seconds(self, seconds: float) -> None:
        self._poller.sweep_seconds = seconds

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
        access = SubredditAccess(self.reddit, clock=self._clock)
        outlet = RedditOutlet(sender, self.service, access=access, clock=self._clock)
        self._handler = ItemHandler(outlet, moderators=moderators)
        log.info(
            "logged in to Reddit as u/%s; watching %s",
            self._bot_name,
            counted(len(self.subreddits), "subreddit"),
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
        report.unreadable = self._members.unreadable()
        return report

    def _poll_streams(self, report: PollReport) -> None:
        try:
            if self._handler is None:
                self.start()
        except PrawcoreException as exc:
            report.stream_errors.append(f"login: {type(exc).__name__}")
        else:
            self._retry_deferred(report)
            self._members.recheck(report.stream_errors)
            for kind in STREAM_KINDS:
                try:
                    started = self._members.start_new(kind, report.stream_errors)
                    for stream in self._members.listings(kind, leave_out=started):
                        if self._health.due(stream.name):
                            report.streams_read += int(self._poll_stream(stream, report))
                except OperationalError as exc:
                    # Locked or full records database while saving a cursor: the items
                    # after the stored cursor are read (and handled) again next poll.
                    log.error("records database refused a write for %s: %s", kind, exc)
                    report.stream_errors.append(f"{kind}: records database: {exc}")
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
            self._after_poll()
            if report.failed:
                log.warning("poll problems: %s", "; ".join(report.stream_errors))
            if should_stop() or (max_polls is not None and polls >= max_polls):
                break
            self._sleep(self.next_wait())

    # -- one listing -------------------------------------------------------------------

    def _poll_stream(self, stream: Stream, report: PollReport) -> bool:
        """Read one listing and handle its new items; False when it could not be read."""
        try:
            items, edits = self._new_items(stream)
        except StopRequested:
            raise
        except PrawcoreException as exc:
            if unreadable_reason(exc) is not None:
                self._members.refused(stream, report.stream_errors)
            else:
                self._health.failed(stream.name)
                report.stream_errors.append(f"{stream.name}: {type(exc).__name__}")
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
                self._poller.forget(stream)  # the rest waits for the next poll, in order
                return True
        for listed in edits:
            self._handle_edit(listed, report)
        return True

    def _new_items(self, stream: Stream) -> tuple[list[ListedItem], list[ListedItem]]:
        """The listing's unseen items and its unseen edits of handled items, oldest first."""
        cursors = {
            sub: cursor_with_floor(self.state, member_key(stream.kind, sub))
            for sub in stream.subreddits
        }
        newest = max((c.created_utc for c in cursors.values() if c is not None), default=0.0)
        read = self._poller.read(stream, newest)
        items: list[ListedItem] = []
        edits: list[ListedItem] = []
        for listed in reversed(read.items):
            cursor = cursors.get(listed.facts.subreddit.lower())
            if cursor is None or cursor.before_start(listed.facts.created_utc):
                continue  # not a watched subreddit's, or there before the bot started
            if not self.state.is_seen(listed.facts.fullname):
                items.append(listed)
            elif self._unseen_edit(read.kind, listed):
                edits.append(listed)
        return items, edits

    def _bad_item(self, key: str, reason: str) -> None:
        """An item that cannot be parsed: log it once (across restarts), skip it."""
        if self.state.is_seen(key):
            return
        log.warning("skipping %s: it cannot be read (%s)", key, reason)
        self.state.mark_seen(key)
        if self._report is not None:
            self._report.skipped_items.append(key)

    def _unseen_edit(self, kind: ReadKind, listed: ListedItem) -> bool:
        """Whether a handled item shows an edit not handled yet (a probe shows none)."""
        if kind is ReadKind.PROBE or not listed.facts.edited:
            return False
        return not self.state.is_seen(edit_key(listed))

    def _handle(self, stream: Stream, listed: ListedItem, report: PollReport) -> bool:
        """Handle one item; False when the stream must stop here until the next poll."""
        item, item_facts = listed.item, listed.facts
        fullname = item_facts.fullname
        key = member_key(stream.kind, item_facts.subreddit)
        cursor = self._cursor_after(key, item_facts.fullname, item_facts.created_utc)
        if self.state.is_seen(fullname):
            self.state.mark_handled(key, fullname, cursor)
            return True
        assert self._handler is not None
        try:
            result = self._handler.handle(item)
        except OperationalError as exc:
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
        self.state.mark_many_seen(seen_keys(listed)[1:])
        self.state.mark_handled(key, fullname, cursor)
        return True

    def _handle_edit(self, listed: ListedItem, report: PollReport) -> None:
        """An edit of a handled item: card the studies it did not card before (the core's
        rule for edits). One try: a failure leaves the edit for the next sweep."""
        assert self._handler is not None
        try:
            result = self._handler.handle(listed.item, edit=True)
        except StopRequested:
            raise
        except (TransientItemError, PrawcoreException) as exc:
            report.stream_errors.append(f"edit of {listed.facts.fullname}: {exc}")
            return
        except Exception:
            log.exception("skipping the edit of %s", listed.facts.fullname)
        else:
            report.replies += int(result.replied)
        self.state.mark_seen(edit_key(listed))

    def _cursor_after(self, key: str, fullname: str, created_utc: float) -> Cursor:
        """A subreddit's cursor once this item is handled: a late item never moves it back."""
        current = self.state.cursor(key)
        if current is not None and created_utc < current.created_utc:
            return current
        return Cursor(fullname, created_utc, None if current is None else current.floor)

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
