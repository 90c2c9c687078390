"""Fetching one feed politely: conditional GET, Retry-After, and feedparser on the bytes.

The client is the polite HTTP stack (`feeds_http`): per-host spacing, retries with backoff,
a Retry-After within the cap waited for, a size cap and a deadline per request. A feed
asking for a longer wait is reported with that wait, and the watcher leaves it alone until
then. The feed's ETag and Last-Modified are kept (as the stream's cursor) and sent back, so an
unchanged feed costs a 304 and no parsing. feedparser reads the body we fetched, never the
network itself. A feed that answers an error, times out or is not a feed comes back as a
`FeedProblem` with the reason; the watcher reports it and goes on with the other feeds.
"""

from __future__ import annotations

import io
import time
from dataclasses import dataclass
from typing import Any

import feedparser
import httpx

from bot.http.client import any_host
from bot.http.limits import Clock, HostSpacing, RetryPolicy, Sleep, parse_retry_after
from bot.http.stack import open_polite_client
from bot.http.validators import Validators as Validators  # noqa: PLC0414 - re-exported

# A forum's feed is tens of kilobytes; anything past this is not a feed worth reading.
MAX_FEED_BYTES = 10_000_000
# A feed asking for a longer wait is skipped until then instead of holding up the others.
MAX_RETRY_AFTER_SECONDS = 120.0


def feeds_http(
    *,
    user_agent: str,
    timeout: float,
    delay_seconds: float,
    max_retries: int = 2,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
    inner: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The polite client for feeds (and the digest's webhook), `delay_seconds` apart per host.

    Feeds carry no secret, so redirects to other hosts are followed.
    """
    return open_polite_client(
        user_agent=user_agent,
        timeout=timeout,
        retry=RetryPolicy(max_retries=max_retries, max_retry_after=MAX_RETRY_AFTER_SECONDS),
        max_bytes=MAX_FEED_BYTES,
        spacing=HostSpacing(delay_seconds, clock=clock, sleep=sleep),
        may_redirect=any_host,
        inner=inner,
        sleep=sleep,
        clock=clock,
    )


@dataclass(frozen=True)
class Fetched:
    """A feed's entries (none when unchanged) and the validators to send next time."""

    entries: list[Any]
    validators: Validators
    unchanged: bool = False


@dataclass(frozen=True)
class FeedProblem:
    """Why a feed gave nothing this time, and how long it asked us to wait (if it did)."""

    reason: str
    retry_after: float | None = None


def fetch_feed(http: httpx.Client, url: str, known: Validators) -> Fetched | FeedProblem:
    """GET the feed (conditionally) and parse it; a problem instead of raising."""
    try:
        response = http.get(url, headers=known.headers())
    except httpx.HTTPError as exc:
        return FeedProblem(f"{type(exc).__name__}")
    if response.status_code == 304:
        return Fetched([], known, unchanged=True)
    if response.status_code >= 400:
        wait = parse_retry_after(response.headers.get("retry-after"))
        return FeedProblem(f"HTTP {response.status_code}", retry_after=wait)
    parsed = feedparser.parse(
        io.BytesIO(response.content),
        response_headers={
            "content-location": str(response.url),
            "content-type": response.headers.get("content-type", "application/xml"),
        },
    )
    if parsed.get("bozo") and not parsed.get("entries"):
        return FeedProblem(f"not a feed ({type(parsed.get('bozo_exception')).__name__})")
    validators = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
    return Fetched(list(parsed.get("entries", [])), validators)
