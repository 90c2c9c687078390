"""Which watched subreddits the combined listings include.

A subreddit joins once it has been started (its first read, see `starting`) and stays in
while it can be read. One that cannot (private, banned by Reddit, missing) is reported
once, left out and re-checked every half hour on its about page. A combined listing does
not say that one of its subreddits turned private or was banned (it just lists nothing of
it), so one readable subreddit's about page is also asked in turn now and then.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field

import praw
from prawcore.exceptions import PrawcoreException

from bot.errors import StopRequested
from bot.reddit_bot.health import StreamHealth, unreadable_reason
from bot.reddit_bot.reading import RECENT_SECONDS
from bot.reddit_bot.starting import about_unreadable, start_subreddit
from bot.reddit_bot.state import StreamState
from bot.reddit_bot.streams import ListingReader, Stream, member_key

log = logging.getLogger(__name__)

# Subreddits per combined listing: the path stays far below URL length limits.
MAX_GROUP = 50
# How often one readable subreddit's about page is read, in turn.
MEMBER_CHECK_SECONDS = 600.0


@dataclass
class Membership:
    """The watched subreddits (lower case), their first reads and readability."""

    reddit: praw.Reddit
    reader: ListingReader
    state: StreamState
    health: StreamHealth
    subreddits: list[str]
    _: KW_ONLY
    clock: Callable[[], float]
    lookback_seconds: float
    on_bad: Callable[[str, str], None]
    _next_check: float = field(init=False)
    _turn: int = field(default=0, init=False)

    def __post_init__(self) -> None:
        self._next_check = self.clock() + MEMBER_CHECK_SECONDS

    def readable(self, subreddit: str) -> bool:
        """Whether `subreddit` is not known to be unreadable."""
        return not self.health.is_unreadable(f"r/{subreddit}")

    def unreadable(self) -> list[str]:
        """The subreddits known to be unreadable, by name."""
        names = self.health.unreadable_streams()
        return [name.removeprefix("r/") for name in names if name.startswith("r/")]

    def listings(self, kind: str, *, leave_out: set[str]) -> list[Stream]:
        """The combined listings of `kind`: every readable, started subreddit, in groups
        (less `leave_out`, those this poll has just started)."""
        members = [
            sub
            for sub in self.subreddits
            if sub not in leave_out
            and self.readable(sub)
            and self.state.cursor(member_key(kind, sub)) is not None
        ]
        groups = [members[i : i + MAX_GROUP] for i in range(0, len(members), MAX_GROUP)]
        return [Stream(kind, tuple(group)) for group in groups]

    def start_new(self, kind: str, errors: list[str]) -> set[str]:
        """Start each readable subreddit never read before; the names started now.

        Passing failures are added to `errors`; the subreddit is tried at the next poll.
        """
        started: set[str] = set()
        for sub in self.subreddits:
            if not self.readable(sub) or self.state.cursor(member_key(kind, sub)) is not None:
                continue
            try:
                start_subreddit(
                    self.reader,
                    self.state,
                    kind,
                    sub,
                    # What is older than the last hour (the floor) is never answered, so
                    # the first read need not go back a whole day.
                    lookback_seconds=min(RECENT_SECONDS, self.lookback_seconds),
                    on_bad=self.on_bad,
                )
            except StopRequested:
                raise
            except PrawcoreException as exc:
                reason = unreadable_reason(exc)
                if reason is None:
                    errors.append(f"{kind}:{sub}: {type(exc).__name__}")
                else:
                    self.health.unreadable(f"r/{sub}", reason)
            except ValueError as exc:
                log.warning("cannot start %s:%s yet: %s", kind, sub, exc)
                errors.append(f"{kind}:{sub}: {type(exc).__name__}")
            else:
                started.add(sub)
        return started

    def recheck(self, errors: list[str]) -> None:
        """Ask about each unreadable subreddit whose re-check is due, and in turn about one
        readable subreddit every `MEMBER_CHECK_SECONDS`."""
        for sub in self.subreddits:
            if self.health.recheck_due(f"r/{sub}"):
                self._ask(sub, errors)
        now = self.clock()
        readable = [sub for sub in self.subreddits if self.readable(sub)]
        if now < self._next_check or not readable:
            return
        self._next_check = now + MEMBER_CHECK_SECONDS
        self._ask(readable[self._turn % len(readable)], errors)
        self._turn += 1

    def refused(self, stream: Stream, errors: list[str]) -> None:
        """A listing was refused as unreadable (Reddit answers a combined path with one
        known subreddit as that subreddit alone): ask about each of its subreddits."""
        reasons = [self._ask(sub, errors) for sub in stream.subreddits]  # ask every one
        if all(reason is None for reason in reasons):
            self.health.failed(stream.name)
            errors.append(f"{stream.name}: refused, though each subreddit can be read")

    def _ask(self, subreddit: str, errors: list[str]) -> str | None:
        """Read `subreddit`'s about page and record what it says; why it is unreadable."""
        try:
            reason = about_unreadable(self.reddit, subreddit)
        except PrawcoreException as exc:
            errors.append(f"r/{subreddit}/about: {type(exc).__name__}")
            return None
        if reason is None:
            self.health.ok(f"r/{subreddit}")
        else:
            self.health.unreadable(f"r/{subreddit}", reason)
        return reason
