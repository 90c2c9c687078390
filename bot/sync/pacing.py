"""Spacing requests to one site: a minimum delay between the start of two requests.

Clock and sleep are injected so tests can check the waits without waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class Pacer:
    """Make each request start at least `delay` seconds after the previous one."""

    def __init__(
        self, delay: float, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        if delay < 0:
            raise ValueError("delay must not be negative")
        self.delay = delay
        self._clock = clock
        self._sleep = sleep
        self._last_start: float | None = None

    def slow_down_to(self, delay: float) -> None:
        """Raise the delay (a robots.txt Crawl-delay); never lowers it."""
        self.delay = max(self.delay, delay)

    def wait(self) -> float:
        """Sleep until the next request may start; return the time slept."""
        now = self._clock()
        waited = 0.0
        if self._last_start is not None:
            waited = max(0.0, self._last_start + self.delay - now)
            if waited:
                self._sleep(waited)
        self._last_start = now + waited
        return waited

    def pause(self, seconds: float) -> None:
        """Back off for `seconds` (between retries), on top of the usual spacing."""
        if seconds > 0:
            self._sleep(seconds)
