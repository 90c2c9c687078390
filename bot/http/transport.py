"""An httpx transport that makes any client polite and bounded.

Per request: wait for the shared per-service rate and the per-host spacing; send within a
deadline for the whole request (connect, headers and body together); read at most
`max_bytes` of body; retry timeouts, network errors, 429 and 5xx with exponential backoff
(a Retry-After within the cap wins; one above it is not waited for: the answer is returned
marked, for the caller to report and leave for the next run). A request that may have been
acted on (a POST after a 5xx or a read timeout) is never re-sent: only idempotent methods
(RFC 9110 section 9.2.2) are retried then, while a 429 or a failed connection, which the
server never acted on, is retried for any method. A refused connection or a name that does
not resolve is not retried at all: it would fail again a moment later. Keep definite JSON answers
in a cache. Wrapping the transport (not the client) keeps the service clients ignorant of
politeness and lets tests put an `httpx.MockTransport` under the real policy.
"""

from __future__ import annotations

import json
import logging
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Protocol

import httpx

from bot.errors import OverallDeadlineReached, RequestDeadlineExceeded, ResponseTooLarge
from bot.http.deadline import deadline_after, overall_time_left, time_left
from bot.http.limits import Clock, HostSpacing, RateLimiter, RetryPolicy, Sleep, parse_retry_after
from bot.http.redaction import redact_url
from records.db import Database
from records.http_cache import get_cached, put_cached

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Sending these twice does what sending them once does (RFC 9110 section 9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
CACHEABLE_STATUSES = frozenset({200, 404})
CACHE_HEADER = "x-evidence-bot-cache"
ATTEMPTS_HEADER = "x-evidence-bot-attempts"
# Set when a server asked us to wait longer than the policy allows (its value, in seconds).
RETRY_AFTER_REFUSED_HEADER = "x-evidence-bot-retry-after-refused"


# A wait a service names in its error body rather than in Retry-After (status, body → seconds).
WaitHint = Callable[[int, bytes], float | None]


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
        db: Database,
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
        """The stored answer if it is still fresh (page validators without a body are not)."""
        row = get_cached(self._db, key)
        if row is None or row.body is None:
            return None
        ttl = self._not_found_ttl if row.status == 404 else self._ttl
        if self._now() - row.fetched_at > ttl:
            return None
        return CachedResponse(status=row.status, body=row.body.encode("utf-8"))

    def put(self, key: str, status: int, body: bytes) -> None:
        """Store (or refresh) the answer for `key`."""
        put_cached(
            self._db, key, status, body=body.decode("utf-8", "replace"), fetched_at=self._now()
        )


class PoliteTransport(httpx.BaseTransport):
    """Wrap a transport with rate, spacing, deadline, size cap, retries and a cache.

    When retries run out, the last error is raised (its message says after how many
    attempts) or the last failing answer returned, for the client to report.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        *,
        retry: RetryPolicy,
        limiter: RateLimiter | None = None,
        spacing: HostSpacing | None = None,
        cache: ResponseCache | None = None,
        max_bytes: int | None = None,
        deadline_seconds: float | None = None,
        wait_hint: WaitHint | None = None,
        sleep: Sleep = time.sleep,
        clock: Clock = time.monotonic,
    ) -> None:
        self._inner = inner
        self._wait_hint = wait_hint
        self._limiter = limiter
        self._spacing = spacing
        self._retry = retry
        self._cache = cache
        self._max_bytes = max_bytes
        self._deadline = deadline_seconds
        self._sleep = sleep
        self._clock = clock

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        """Answer from the cache, or send politely and cache what is worth keeping."""
        key = redact_url(str(request.url))
        cache = self._cache if request.method == "GET" else None
        if cache is not None and (hit := cache.get(key)):
            return httpx.Response(hit.status, content=hit.body, headers={CACHE_HEADER: "hit"})
        status, body, headers = self._send_with_retries(request, key)
        if cache is not None and status in CACHEABLE_STATUSES and (status != 200 or _is_json(body)):
            cache.put(key, status, body)
        return httpx.Response(status, content=body, headers=headers)

    def _send_with_retries(
        self, request: httpx.Request, key: str
    ) -> tuple[int, bytes, list[tuple[str, str]]]:
        attempt = 0
        while True:
            if self._limiter is not None:
                self._limiter.acquire()
            if self._spacing is not None:
                self._spacing.wait(request.url.host)
            try:
                status, body, headers, retry_after = self._send_once(request)
            except RequestDeadlineExceeded:
                raise
            except httpx.TransportError as exc:
                resend = _may_resend(request, exc) and not host_unreachable(exc)
                delay = self._retry.delay(attempt, None) if resend else None
                if delay is None:
                    raise _after_attempts(exc, attempt + 1, request) from exc
                _check_overall(delay, request)
                log.info("%s failed (%s); retry in %.1fs", key, type(exc).__name__, delay)
            else:
                headers.append((ATTEMPTS_HEADER, str(attempt + 1)))
                if status not in RETRY_STATUSES or not _may_resend(request, status):
                    return status, body, headers
                if retry_after is None and self._wait_hint is not None:
                    retry_after = self._wait_hint(status, body)
                delay = self._retry.delay(attempt, retry_after)
                if delay is None:
                    if retry_after is not None and retry_after > self._retry.max_retry_after:
                        headers.append((RETRY_AFTER_REFUSED_HEADER, f"{retry_after:.0f}"))
                        log.warning(
                            "%s asks us to come back in %.0fs (more than %.0fs): left for "
                            "the next run",
                            key,
                            retry_after,
                            self._retry.max_retry_after,
                        )
                    return status, body, headers
                _check_overall(delay, request)
                log.info("%s answered %d; retry in %.1fs", key, status, delay)
            self._sleep(delay)
            attempt += 1

    def _send_once(
        self, request: httpx.Request
    ) -> tuple[int, bytes, list[tuple[str, str]], float | None]:
        """One attempt, within the deadline and the size cap."""
        left = overall_time_left()
        if left is not None and left <= 0:
            raise OverallDeadlineReached("the overall deadline has passed", request=request)
        with deadline_after(self._deadline, clock=self._clock):
            try:
                response = self._inner.handle_request(request)
                body = self._read(response, request)
            except httpx.TimeoutException as exc:
                left = time_left()
                if left is not None and left <= 0:
                    raise _deadline_passed(self._deadline, request) from exc
                raise
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        return response.status_code, body, _kept_headers(response), retry_after

    def _read(self, response: httpx.Response, request: httpx.Request) -> bytes:
        """The decoded body, never more than `max_bytes`, never past the deadline."""
        try:
            declared = response.headers.get("content-length", "")
            limit = self._max_bytes
            if limit is not None and declared.isdigit() and int(declared) > limit:
                raise ResponseTooLarge(f"answer of {declared} bytes (more than {limit} allowed)")
            chunks, size = [], 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if limit is not None and size > limit:
                    raise ResponseTooLarge(f"answer larger than {limit} bytes allowed")
                left = time_left()
                if left is not None and left <= 0:
                    raise _deadline_passed(self._deadline, request)
                chunks.append(chunk)
            return b"".join(chunks)
        finally:
            response.close()

    def close(self) -> None:
        """Close the wrapped transport."""
        self._inner.close()


def _check_overall(delay: float, request: httpx.Request) -> None:
    """Raise OverallDeadlineReached when waiting `delay` seconds would pass that deadline."""
    left = overall_time_left()
    if left is not None and delay >= left:
        raise OverallDeadlineReached(
            f"a wait of {delay:.0f}s before trying again would pass the overall deadline",
            request=request,
        )


def host_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the host refused the connection or its name does not resolve.

    Neither is a passing hitch that a retry a second later gets past (with no network, every
    name fails to resolve at once): so it is not retried, and a pass without network gives up
    in moments instead of spending every backoff on every service (issue 28).
    """
    current: BaseException | None = exc
    for _ in range(6):  # httpx.ConnectError <- httpcore.ConnectError <- the OSError
        if current is None:
            return False
        if isinstance(current, ConnectionRefusedError | socket.gaierror):
            return True
        current = current.__cause__ or current.__context__
    return False


def _may_resend(request: httpx.Request, failure: int | httpx.TransportError) -> bool:
    """True when sending `request` again cannot do twice what the server did once."""
    if request.method in IDEMPOTENT_METHODS or failure == 429:
        return True
    return isinstance(failure, httpx.ConnectError | httpx.ConnectTimeout)


def _deadline_passed(seconds: float | None, request: httpx.Request) -> RequestDeadlineExceeded:
    return RequestDeadlineExceeded(
        f"no complete answer within {seconds:g}s (request deadline)", request=request
    )


def _after_attempts(
    exc: httpx.TransportError, attempts: int, request: httpx.Request
) -> httpx.TransportError:
    """The same kind of error, saying how often it was tried."""
    tries = "attempt" if attempts == 1 else "attempts"
    if isinstance(exc, httpx.TimeoutException):
        return type(exc)(f"timed out after {attempts} {tries}", request=request)
    cause = str(exc) or type(exc).__name__
    return type(exc)(f"{cause} (after {attempts} {tries})", request=request)


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
