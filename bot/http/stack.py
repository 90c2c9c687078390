"""Opening a client on the polite stack in one call, with the same policy for every caller.

The forum API clients and the feed watcher take their client from here; the enricher and
the crawler build theirs from the same parts (they add a shared rate or robots.txt).
"""

from __future__ import annotations

import time

import httpx

from bot.http.client import RedirectRule, polite_client, same_host
from bot.http.deadline import network_transport
from bot.http.limits import Clock, HostSpacing, RateLimiter, RetryPolicy, Sleep
from bot.http.transport import PoliteTransport, ResponseCache, WaitHint

# The whole request, however slowly a server trickles its answer (at least this long).
MIN_REQUEST_DEADLINE = 60.0


def request_deadline(timeout: float) -> float:
    """The deadline for a whole request: twice the per-operation timeout, at least a minute."""
    return max(MIN_REQUEST_DEADLINE, 2 * timeout)


def open_polite_client(
    *,
    user_agent: str,
    timeout: float,
    retry: RetryPolicy,
    max_bytes: int,
    spacing: HostSpacing | None = None,
    limiter: RateLimiter | None = None,
    cache: ResponseCache | None = None,
    may_redirect: RedirectRule = same_host,
    headers: dict[str, str] | None = None,
    base_url: str = "",
    wait_hint: WaitHint | None = None,
    inner: httpx.BaseTransport | None = None,
    sleep: Sleep = time.sleep,
    clock: Clock = time.monotonic,
) -> httpx.Client:
    """An httpx client over `PoliteTransport` and the deadline-bounded network transport.

    `inner` replaces the network (tests pass an httpx.MockTransport); `sleep` is how the
    transport waits (a process passes a wait that a stop request ends early).
    """
    transport = PoliteTransport(
        inner or network_transport(),
        retry=retry,
        limiter=limiter,
        spacing=spacing,
        cache=cache,
        max_bytes=max_bytes,
        deadline_seconds=request_deadline(timeout),
        wait_hint=wait_hint,
        sleep=sleep,
        clock=clock,
    )
    return polite_client(
        transport,
        user_agent=user_agent,
        timeout=timeout,
        may_redirect=may_redirect,
        headers=headers,
        base_url=base_url,
    )
