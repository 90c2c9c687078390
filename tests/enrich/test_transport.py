"""PoliteTransport: retries, Retry-After, backoff, rate limits, cache and secret redaction."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from bot.http.limits import RateLimiter, RetryPolicy
from bot.http.redaction import RedactingFilter, redact_url
from bot.http.transport import CACHE_HEADER, PoliteTransport, SqliteResponseCache
from records.db import Database
from tests.enrich.fakes import FakeClock

Handler = Callable[[httpx.Request], httpx.Response]
URL = "https://svc.test/thing?id=1"


def scripted(*steps: str | int) -> tuple[Handler, list[httpx.Request]]:
    """A handler answering each request with the next step: a status or `timeout`."""
    remaining = list(steps)
    seen: list[httpx.Request] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = remaining.pop(0)
        if step == "timeout":
            raise httpx.ConnectTimeout("timed out", request=request)
        status = int(step)
        headers = {"Retry-After": "7"} if status == 429 else {}
        return httpx.Response(status, json={"status": status}, headers=headers)

    return handle, seen


def client_for(
    handler: Handler,
    clock: FakeClock,
    *,
    cache: SqliteResponseCache | None = None,
    retries: int = 3,
    rate: float = 100.0,
) -> httpx.Client:
    transport = PoliteTransport(
        httpx.MockTransport(handler),
        limiter=RateLimiter(rate, clock=clock, sleep=clock.sleep),
        retry=RetryPolicy(max_retries=retries, base_delay=1.0, jitter=lambda lo, hi: hi),
        cache=cache,
        sleep=clock.sleep,
    )
    return httpx.Client(transport=transport)


@pytest.mark.parametrize(
    ("steps", "status", "sleeps"),
    [
        ((429, 200), 200, [7.0]),  # Retry-After honoured
        ((503, 502, 200), 200, [1.0, 2.0]),  # exponential backoff
        (("timeout", "timeout", 200), 200, [1.0, 2.0]),
        ((503, 503, 503, 503), 503, [1.0, 2.0, 4.0]),  # out of retries: the last answer
        ((404,), 404, []),  # not retried
        ((400,), 400, []),
    ],
)
def test_retries_transient_failures_with_backoff(
    steps: tuple[str | int, ...], status: int, sleeps: list[float]
) -> None:
    clock = FakeClock()
    handler, seen = scripted(*steps)
    with client_for(handler, clock) as client:
        assert client.get(URL).status_code == status
    assert len(seen) == len(steps)
    assert [s for s in clock.sleeps if s >= 0.5] == sleeps


def test_timeouts_beyond_the_retries_raise() -> None:
    clock = FakeClock()
    handler, seen = scripted("timeout", "timeout", "timeout")
    with client_for(handler, clock, retries=2) as client, pytest.raises(httpx.ConnectTimeout):
        client.get(URL)
    assert len(seen) == 3


def test_a_retry_after_too_long_gives_up_at_once() -> None:
    clock = FakeClock()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "3600"})

    with client_for(handler, clock) as client:
        assert client.get(URL).status_code == 429
    assert clock.sleeps == []


def test_requests_respect_the_rate_limit() -> None:
    clock = FakeClock()
    handler, _ = scripted(*[200] * 4)
    with client_for(handler, clock, rate=3.0) as client:
        for _ in range(4):
            client.get(URL)
    assert clock.now - 1000.0 == pytest.approx(1.0)  # 4 requests at 3/s take 3 intervals


@pytest.fixture
def cache(db: Database) -> SqliteResponseCache:
    return SqliteResponseCache(db)


def test_a_cached_answer_is_served_without_a_request(cache: SqliteResponseCache) -> None:
    clock = FakeClock()
    handler, seen = scripted(200, 200)
    with client_for(handler, clock, cache=cache) as client:
        first, second = client.get(URL), client.get(URL)
    assert len(seen) == 1
    assert second.json() == first.json() == {"status": 200}
    assert second.headers[CACHE_HEADER] == "hit"


@pytest.mark.parametrize(("status", "cached"), [(200, True), (404, True), (503, False)])
def test_only_definite_answers_are_cached(
    cache: SqliteResponseCache, status: int, cached: bool
) -> None:
    clock = FakeClock()
    handler, _ = scripted(status)
    with client_for(handler, clock, cache=cache, retries=0) as client:
        client.get(URL)
    assert (cache.get(URL) is not None) is cached


def test_a_broken_json_answer_is_not_cached(cache: SqliteResponseCache) -> None:
    clock = FakeClock()
    with client_for(lambda r: httpx.Response(200, text="{broken"), clock, cache=cache) as client:
        client.get(URL)
    assert cache.get(URL) is None


@pytest.mark.parametrize(("status", "age_days", "fresh"),
                         [(200, 6, True), (200, 8, False), (404, 0.5, True), (404, 2, False)])  # fmt: skip
def test_cached_answers_expire(db: Database, status: int, age_days: float, fresh: bool) -> None:
    stored_at = datetime(2026, 3, 1, tzinfo=UTC)
    SqliteResponseCache(db, now=lambda: stored_at).put(URL, status, b"{}")
    later = SqliteResponseCache(db, now=lambda: stored_at + timedelta(days=age_days))
    assert (later.get(URL) is not None) is fresh


def test_cache_keys_never_hold_the_api_key(cache: SqliteResponseCache, db: Database) -> None:
    clock = FakeClock()
    handler, _ = scripted(200)
    with client_for(handler, clock, cache=cache) as client:
        client.get("https://svc.test/esummary.fcgi?id=1&api_key=sekret-key")
    urls = [row[0] for row in db.execute("SELECT url FROM http_cache")]
    assert urls == ["https://svc.test/esummary.fcgi?id=1&api_key=***"]


@pytest.mark.parametrize(
    ("url", "redacted"),
    [
        ("https://e.test/a?api_key=abc&id=1", "https://e.test/a?api_key=***&id=1"),
        ("https://e.test/a?id=1&API_KEY=abc", "https://e.test/a?id=1&API_KEY=***"),
        ("https://e.test/a?token=t0k", "https://e.test/a?token=***"),
        ("https://e.test/a?id=1", "https://e.test/a?id=1"),
        # Discord webhook and interaction tokens are the path's last segment.
        (
            "https://discord.com/api/webhooks/118/t0k-en?wait=true",
            "https://discord.com/api/webhooks/118/***?wait=true",
        ),
        (
            "https://discord.com/api/v10/interactions/9/t0k/callback",
            "https://discord.com/api/v10/interactions/9/***/callback",
        ),
        ("https://user:p@ss@e.test/a", "https://***@e.test/a"),
        ("postgresql://bot:pw@db.test/evidence", "postgresql://***@db.test/evidence"),
        (
            'HTTP Request: GET http://e.test/f?x=1&client_secret=s3 "HTTP/1.1 200 OK"',
            'HTTP Request: GET http://e.test/f?x=1&client_secret=*** "HTTP/1.1 200 OK"',
        ),
        (
            "mailto:someone@e.test and https://e.test/a@b",
            "mailto:someone@e.test and https://e.test/a@b",
        ),
    ],
)
def test_redact_url_hides_every_secret_part_of_an_address(url: str, redacted: str) -> None:
    assert redact_url(url) == redacted


def test_httpx_request_logs_do_not_show_the_api_key(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("httpx")
    redactor = RedactingFilter(["sekret-key"])
    logger.addFilter(redactor)
    try:
        with (
            caplog.at_level(logging.INFO, logger="httpx"),
            httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(200))) as client,
        ):
            client.get("https://svc.test/esummary.fcgi", params={"api_key": "sekret-key"})
    finally:
        logger.removeFilter(redactor)
    assert "esummary.fcgi" in caplog.text
    assert "sekret-key" not in caplog.text
