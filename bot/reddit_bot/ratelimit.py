"""Reddit's rate limits: RATELIMIT messages, and request budgeting that a stop interrupts.

Two limits apply. Posting comments too fast earns a RATELIMIT API error whose message names
the wait, in wordings that changed over the years ("Take a break for 9 minutes", "Try again
in 3 seconds", "9m30s", "500 milliseconds"). Every answer also carries `x-ratelimit-*`
headers (requests left in the window, used, seconds to its reset); prawcore budgets
requests from them and, when the window is spent, sleeps inside the next request until the
reset, up to ten minutes that no signal can cut short. `StoppableRateLimiter` keeps
prawcore's budgeting but waits on the process's stop event, so SIGTERM ends the wait.
"""

from __future__ import annotations

import logging
import re
import threading
import time

from prawcore.const import NANOSECONDS
from prawcore.rate_limit import RateLimiter

from bot.errors import StopRequested as StopRequested  # noqa: PLC0414 - tests import it here

log = logging.getLogger(__name__)

DEFAULT_RATELIMIT_WAIT = 60.0
# Reddit's window is ten minutes; a longer wait is a broken header, not a budget.
MAX_HEADER_WAIT_SECONDS = 600.0

_UNIT_SECONDS = {
    "millisecond": 0.001,
    "ms": 0.001,
    "second": 1.0,
    "sec": 1.0,
    "s": 1.0,
    "minute": 60.0,
    "min": 60.0,
    "m": 60.0,
    "hour": 3600.0,
    "hr": 3600.0,
    "h": 3600.0,
}
# One amount and its unit; longer unit names first so "ms" is not read as minutes, and a
# unit must not run on into a letter ("9 minutes", "9m30s", "30ms", "1.5 seconds").
_AMOUNT = re.compile(
    r"(?P<amount>\d{1,5}(?:\.\d{1,3})?)\s*"
    r"(?P<unit>milliseconds?|ms|seconds?|secs?|minutes?|mins?|hours?|hrs?|s|m|h)(?![a-z])",
    re.IGNORECASE,
)


def ratelimit_wait(message: str | None) -> float | None:
    """Seconds a RATELIMIT message asks to wait (all its amounts added), None if it names none."""
    total = 0.0
    found = False
    for match in _AMOUNT.finditer(message or ""):
        unit = match["unit"].lower()
        unit = unit if unit in _UNIT_SECONDS else unit.rstrip("s")
        total += float(match["amount"]) * _UNIT_SECONDS[unit]
        found = True
    return total if found else None


class StoppableRateLimiter(RateLimiter):
    """prawcore's header-driven request budget, waiting on `stop` instead of sleeping.

    Once `stop` is set no request starts: `delay` raises StopRequested, before the wait or
    as soon as the stop arrives during it.
    """

    def __init__(
        self,
        *,
        window_size: int,
        stop: threading.Event,
        max_wait_seconds: float = MAX_HEADER_WAIT_SECONDS,
    ) -> None:
        super().__init__(window_size=window_size)
        self._stop = stop
        self._max_wait = max_wait_seconds

    def delay(self) -> None:
        """Wait until the budget allows the next request; raise StopRequested on a stop."""
        if self._stop.is_set():
            raise StopRequested("stopping: no new request to Reddit")
        if self.next_request_timestamp_ns is None:
            return
        seconds = (self.next_request_timestamp_ns - time.monotonic_ns()) / NANOSECONDS
        if seconds <= 0:
            return
        seconds = min(seconds, self._max_wait)
        if seconds >= 1:
            log.info("Reddit's request budget is spent: waiting %.0f s", seconds)
        if self._stop.wait(seconds):
            raise StopRequested("stopping during a rate-limit wait")
