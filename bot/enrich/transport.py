"""An httpx transport that makes any client polite: rate limit, retries, Retry-After, cache.

Wrapping the transport (not the client) keeps the metadata clients in linker/ ignorant of
politeness, and lets tests put an `httpx.MockTransport` underneath the real policy.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx
import sqlite_utils

from bot.enrich.limits import RateLimiter, RetryPolicy, Sleep, parse_retry_after
from records.db import write_transaction

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CACHEABLE_STATUSES = frozenset({200, 404})
CACHE_HEADER = "x-evidence-bot-cache"
_URL_LOGGERS = ("httpx", "httpcore", "bot.enrich.transport", "bot.enrich.worker")
_SECRET_PARAMS = re.compile(r"(?P<name>[?&](?:api_key|apikey|key|token)=)[^&#\s]*", re.IGNORECASE)


def redact_url(url: str) -> str:
    """The URL with secret query parameters (api_key, token...) replaced by `***`."""
    return _SECRET_PARAMS.sub(r"\g<name>***", url)


class RedactingFilter(logging.Filter):
    """Scrub secrets from log records (httpx logs every request URL at INFO level)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def _scrub(self, text: str) -> str:
        text = redact_url(text)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drop it."""
        record.msg = self._scrub(record.getMessage())
        record.args = None
        return True


def install_redaction(secrets: Iterable[str]) -> RedactingFilter:
    """Scrub secrets from what httpx and the enricher log, and from the root log handlers.

    A logger's filters do not apply to its children's records, so the loggers that print
    URLs are named one by one; the root handlers catch anything else that propagates.
    Calling it again replaces the filter installed before.
    """
    redactor = RedactingFilter(secrets)
    loggers = [logging.getLogger(name) for name in _URL_LOGGERS]
    for target in [*loggers, *logging.getLogger().handlers]:
        for old in [f for f in target.filters if isinstance(f, RedactingFilter)]:
            target.removeFilter(old)
        target.addFilter(redactor)
    return redactor


@dataclass(frozen=True)
class CachedResponse:
    """A stored answer: its status and body."""

    status: int
    body: bytes


class ResponseCache(Protocol):
    """Where PoliteTransport keeps answers between passes."""

    def get(self, key: str) -> CachedResponse | None:
        """The fresh answer stored for `key`, or None."""

    def put(self, key: str, status: int, body: bytes) -> None:
        """Store an answer for `key`."""


class SqliteResponseCache:
    """Answers in the records database's `http_cache` table, fresh for a limited time.

    A 404 is kept for a shorter time than a found record: a new paper often appears in
    the services a few days after people start sharing it.
    """

    def __init__(
        self,
        db: sqlite_utils.Database,
        *,
        ttl: timedelta = timedelta(days=7),
        not_found_ttl: timedelta = timedelta(days=1),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._db = db
        self._ttl = ttl
        self._not_found_ttl = not_found_ttl
        self._now = now

    def get(self, key: str) -> CachedResponse | None:
        """The stored answer if it is still fresh."""
        row = self._db.execute(
            "SELECT status, body, fetched_at FROM http_cache WHERE url = ?", [key]
        ).fetchone()
        if row is None:
            return None
        status, body, fetched_at = int(row[0]), row[1] or "", datetime.fromisoformat(row[2])
        ttl = self._not_found_ttl if status == 404 else self._ttl
        if self._now() - fetched_at > ttl:
            return None
        return CachedResponse(status=status, body=body.encode("utf-8"))

    def put(self, key: str, status: int, body: bytes) -> None:
        """Store (or refresh) the answer for `key`."""
        with write_transaction(self._db):
            self._db.execute(
                "INSERT OR REPLACE INTO http_cache (url, status, body, fetched_at) "
                "VALUES (?, ?, ?, ?)",
                [key, status, body.decode("utf-8", "replace"), self._now().isoformat()],
            )


class PoliteTransport(httpx.BaseTransport):
    """Wrap a transport with a rate limiter, retries with backoff, Retry-After and a cache.

    Only JSON answers (and 404s) are cached: every service behind it speaks JSON.

    Retries cover timeouts and network errors, 429 and 5xx. When retries run out, the last
    error is raised or the last failing response returned, for the client to report.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        limiter: RateLimiter,
        retry: RetryPolicy,
        cache: ResponseCache | None = None,
        sleep: Sleep = time.sleep,
    ) -> None:
        self._inner = inner
        self._limiter = limiter
        self._retry = retry
        self._cache = cache
        self._sleep = sleep

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer from the cache, or send politely and cache what is worth keeping."""
        key = redact_url(str(request.url))
        cacheable = request.method == "GET" and self._cache is not None
        if cacheable and self._cache is not None and (hit := self._cache.get(key)):
            return httpx.Response(hit.status, content=hit.body, headers={CACHE_HEADER: "hit"})
        status, body, headers = self._send_with_retries(request, key)
        if (
            cacheable
            and self._cache is not None
            and status in CACHEABLE_STATUSES
            and (status != 200 or _is_json(body))
        ):
            self._cache.put(key, status, body)
        return httpx.Response(status, content=body, headers=headers)

    def _send_with_retries(
        self, request: httpx.Request, key: str
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        attempt = 0
        while True:
            self._limiter.acquire()
            try:
                response = self._inner.handle_request(request)
                body = response.read()
                response.close()
            except httpx.TransportError as exc:
                delay = self._retry.delay(attempt, None)
                if delay is None:
                    raise
                log.info("%s failed (%s); retry in %.1fs", key, type(exc).__name__, delay)
            else:
                if response.status_code not in RETRY_STATUSES:
                    return response.status_code, body, _kept_headers(response)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                delay = self._retry.delay(attempt, retry_after)
                if delay is None:
                    return response.status_code, body, _kept_headers(response)
                log.info("%s answered %d; retry in %.1fs", key, response.status_code, delay)
            self._sleep(delay)
            attempt += 1

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


def _is_json(body: bytes) -> bool:
    """A broken 200 answer must not be cached, or every later pass would read it again."""
    try:
        json.loads(body)
    except ValueError:
        return False
    return True


def _kept_headers(response: httpx.Response) -> list[tuple[str, str]]:
    # The body is already decoded; passing content-encoding on would decode it twice.
    dropped = {"content-encoding", "content-length", "transfer-encoding"}
    return [(k, v) for k, v in response.headers.items() if k.lower() not in dropped]
