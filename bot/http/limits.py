"""Politeness rules: a per-service rate, per-host spacing, and when (and whether) to retry.

Clock and sleep are injected so tests run instantly with a fake clock.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

Clock = Callable[[], float]
Sleep = Callable[[float], None]

# NCBI allows 3 requests a second without an API key and 10 with one
# (https://www.ncbi.nlm.nih.gov/books/NBK25497/#chapter2.Usage_Guidelines_and_Requiremen).
NCBI_RATE = 3.0
NCBI_RATE_WITH_KEY = 10.0
# Crossref's public pool allows 5 a second; Europe PMC publishes no figure, so be as modest.
CROSSREF_RATE = 5.0
EUROPEPMC_RATE = 5.0
# Publishers' article pages (read for their `citation_doi`): websites, not APIs, so one a second.
LANDING_PAGE_RATE = 1.0


class RateLimiter:
    """Space requests at least `1 / rate` seconds apart; safe to share between threads."""

    def __init__(
        self, rate_per_second: float, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self.interval = 1.0 / rate_per_second
        self._clock = clock
        self._sleep = sleep
        self._next_at: float | None = None
        self._lock = threading.Lock()

    def acquire(self) -> float:
        """Wait until the next request may go; return how long this call waited."""
        with self._lock:
            now = self._clock()
            wait = 0.0 if self._next_at is None else max(0.0, self._next_at - now)
            self._next_at = now + wait + self.interval
        if wait:
            self._sleep(wait)
        return wait


class HostSpacing:
    """A minimum delay between the starts of two requests to the same host.

    A site may ask for more (robots.txt Crawl-delay): `slow_down_to` raises one host's delay
    and never lowers it. Safe to share between threads.
    """

    def __init__(
        self, delay: float = 0.0, *, clock: Clock = time.monotonic, sleep: Sleep = time.sleep
    ) -> None:
        if delay < 0:
            raise ValueError("delay must not be negative")
        self.default_delay = delay
        self._clock = clock
        self._sleep = sleep
        self._delays: dict[str, float] = {}
        self._last_start: dict[str, float] = {}
        self._lock = threading.Lock()

    def delay_for(self, host: str) -> float:
        """The delay between two requests to `host`."""
        return self._delays.get(host, self.default_delay)

    def slow_down_to(self, host: str, delay: float) -> None:
        """Raise the delay for `host` (a Crawl-delay); never lowers it."""
        with self._lock:
            self._delays[host] = max(self.delay_for(host), delay)

    def wait(self, host: str) -> float:
        """Sleep until the next request to `host` may start; return the time slept."""
        with self._lock:
            now = self._clock()
            last = self._last_start.get(host)
            wait = 0.0 if last is None else max(0.0, last + self.delay_for(host) - now)
            self._last_start[host] = now + wait
        if wait:
            self._sleep(wait)
        return wait


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), or None.

    https://www.rfc-editor.org/rfc/rfc9110#field.retry-after
    """
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, capped; a server's Retry-After wins when it is sane."""

    max_retries: int = 3
    base_delay: float = 1.0
    max_delay: float = 60.0
    # A service asking us to come back later than this: give up now, the next pass retries.
    max_retry_after: float = 300.0
    jitter: Callable[[float, float], float] = field(default=random.uniform, repr=False)

    def backoff(self, attempt: int) -> float:
        """Delay before retry number `attempt + 1`: base * 2^attempt, jittered, capped."""
        ceiling = min(self.max_delay, self.base_delay * 2**attempt)
        return self.jitter(ceiling / 2, ceiling)

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """How long to wait before the next try, or None to stop retrying."""
        if attempt >= self.max_retries:
            return None
        if retry_after is not None:
            return retry_after if retry_after <= self.max_retry_after else None
        return self.backoff(attempt)
