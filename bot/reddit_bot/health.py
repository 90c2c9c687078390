"""Per-stream back-off: one broken subreddit must not slow the others.

Two kinds of trouble, kept apart:
- a passing failure (5xx, timeout, an answer that is not a listing): the stream is tried
  again at the next poll; failing again, it sits out 1, 3, 7, ... polls (doubling its
  interval, up to the maximum back-off) while the other streams keep the normal
  interval. When every stream fails (Reddit itself is down), the bot's global back-off
  takes over and no stream sits out on top of it;
- an unreadable subreddit (private, banned by Reddit, or missing: 403, 404, or a redirect
  to the search): reported once, left out of the combined listing, and re-checked every
  `recheck_seconds` quietly.

Passing failures are kept per listing (the combined listing of one kind), unreadable ones
per subreddit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from prawcore.exceptions import Forbidden, NotFound, PrawcoreException, Redirect

log = logging.getLogger(__name__)

UNREADABLE_RECHECK_SECONDS = 1800.0


@dataclass
class _State:
    failures: int = 0  # passing failures in a row
    skip_polls: int = 0
    failed_now: bool = False
    unreadable: str | None = None
    recheck_at: float = 0.0


def unreadable_reason(exc: PrawcoreException) -> str | None:
    """Why a listing error means the subreddit cannot be read at all; None if it may pass."""
    if isinstance(exc, Forbidden):
        return "private or quarantined (403)"
    if isinstance(exc, NotFound):
        return "banned by Reddit or removed (404)"
    if isinstance(exc, Redirect):
        return "does not exist (Reddit redirects to its search)"
    return None


class StreamHealth:
    """Which streams a poll reads, from their recent failures."""

    def __init__(
        self,
        *,
        clock: Callable[[], float],
        poll_seconds: float,
        max_backoff_seconds: float,
        recheck_seconds: float = UNREADABLE_RECHECK_SECONDS,
    ) -> None:
        self._clock = clock
        self._max_skip = max(0, int(max_backoff_seconds / poll_seconds) - 1)
        self._recheck = recheck_seconds
        self._states: dict[str, _State] = {}

    def due(self, stream: str) -> bool:
        """Whether this poll reads `stream` (call once per stream and poll)."""
        state = self._states.setdefault(stream, _State())
        state.failed_now = False
        if state.unreadable is not None:
            return self._clock() >= state.recheck_at
        if state.skip_polls > 0:
            state.skip_polls -= 1
            return False
        return True

    def is_unreadable(self, name: str) -> bool:
        """Whether `name` is known to be unreadable (whether or not a re-check is due)."""
        state = self._states.get(name)
        return state is not None and state.unreadable is not None

    def recheck_due(self, name: str) -> bool:
        """Whether an unreadable `name` should be tried again now."""
        state = self._states.get(name)
        return (
            state is not None
            and state.unreadable is not None
            and (self._clock() >= state.recheck_at)
        )

    def ok(self, stream: str) -> None:
        """The stream was read."""
        state = self._states.setdefault(stream, _State())
        if state.unreadable is not None:
            log.info("%s can be read again", stream)
        self._states[stream] = _State()

    def failed(self, stream: str) -> None:
        """A passing failure while reading the stream."""
        state = self._states.setdefault(stream, _State())
        state.failures += 1
        state.failed_now = True

    def unreadable(self, stream: str, reason: str) -> bool:
        """The subreddit cannot be read; True the first time (report it), False after."""
        state = self._states.setdefault(stream, _State())
        first = state.unreadable is None
        state.unreadable = reason
        state.recheck_at = self._clock() + self._recheck
        if first:
            log.warning(
                "cannot read %s: %s; trying again every %.0f min",
                stream,
                reason,
                self._recheck / 60,
            )
        return first

    def end_poll(self, *, any_read: bool) -> None:
        """Set the streams that failed this poll to sit out, unless none could be read."""
        for state in self._states.values():
            if not any_read:
                state.skip_polls = 0
            elif state.failed_now:
                state.skip_polls = min(2 ** (state.failures - 1) - 1, self._max_skip)

    def unreadable_streams(self) -> list[str]:
        """Streams currently known to be unreadable."""
        return sorted(name for name, s in self._states.items() if s.unreadable is not None)
