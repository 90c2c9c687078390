"""Rate limiter, Retry-After parsing and backoff, on a fake clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.http.limits import RateLimiter, RetryPolicy, parse_retry_after
from tests.enrich.fakes import FakeClock


@pytest.mark.parametrize(("rate", "interval"), [(3.0, 1 / 3), (10.0, 0.1), (0.5, 2.0)])
def test_requests_are_spaced_by_the_rate(rate: float, interval: float) -> None:
    clock = FakeClock()
    limiter = RateLimiter(rate, clock=clock, sleep=clock.sleep)
    start = clock.now
    for _ in range(7):
        limiter.acquire()
    assert clock.now - start == pytest.approx(6 * interval)
    assert clock.sleeps == pytest.approx([interval] * 6)


def test_time_spent_elsewhere_counts_towards_the_interval() -> None:
    clock = FakeClock()
    limiter = RateLimiter(2.0, clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 0.4  # the caller worked for 0.4 s between requests
    assert limiter.acquire() == pytest.approx(0.1)
    clock.now += 5
    assert limiter.acquire() == 0


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        RateLimiter(0)


NOW = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("7", 7.0),
        (" 120 ", 120.0),
        ("Sun, 01 Mar 2026 12:00:30 GMT", 30.0),
        ("Sun, 01 Mar 2026 11:00:00 GMT", 0.0),  # in the past: go now
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_accepts_seconds_and_http_dates(
    header: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


@pytest.mark.parametrize(("attempt", "delay"), [(0, 1.0), (1, 2.0), (2, 4.0), (5, 30.0)])
def test_backoff_doubles_up_to_the_cap(attempt: int, delay: float) -> None:
    policy = RetryPolicy(max_retries=9, base_delay=1.0, max_delay=30.0, jitter=lambda lo, hi: hi)
    assert policy.delay(attempt, None) == delay


def test_backoff_jitter_stays_within_half_to_full_delay() -> None:
    policy = RetryPolicy(base_delay=4.0, jitter=lambda lo, hi: lo)
    assert policy.backoff(1) == 4.0


@pytest.mark.parametrize(
    ("attempt", "retry_after", "delay"),
    [(0, 7.0, 7.0), (0, 301.0, None), (3, 1.0, None), (3, None, None)],
)
def test_retry_after_wins_unless_too_long_or_out_of_tries(
    attempt: int, retry_after: float | None, delay: float | None
) -> None:
    policy = RetryPolicy(max_retries=3, max_retry_after=300.0, jitter=lambda lo, hi: hi)
    assert policy.delay(attempt, retry_after) == delay
