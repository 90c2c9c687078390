"""A deadline for a whole request, which httpx alone cannot give.

httpx's timeouts apply to each network operation: a server sending one byte every two
seconds never trips a 30-second read timeout and holds the request for ever. Here every
connect, read and write of the connection is given at most the time left before the
current request's deadline (a context variable set by `PoliteTransport`), and fails once
it has passed: the request ends in time whether the server stalls in its headers or body.

A job of many requests (an enrich pass) may set a deadline of its own (`overall_deadline`):
then no request, nor any wait before a retry, reaches past it (issue 29: a service answering
`Retry-After: 299` held one pass for minutes per request, the pass's deadline being checked
only between papers).
"""

from __future__ import annotations

import ssl
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import httpcore
import httpx

Clock = typing.Callable[[], float]
# The current request's deadline and the clock it is measured on.
_DEADLINE: ContextVar[tuple[float, Clock] | None] = ContextVar("request_deadline", default=None)
# The deadline of the whole job the requests belong to, and its clock.
_OVERALL: ContextVar[tuple[float, Clock] | None] = ContextVar("overall_deadline", default=None)


@contextmanager
def deadline_after(seconds: float | None, *, clock: Clock = time.monotonic) -> Iterator[None]:
    """Within the block, network operations end `seconds` from now at the latest.

    Never later than the overall deadline, when one is set.
    """
    overall = overall_time_left()
    if overall is not None and (seconds is None or overall < seconds):
        seconds = max(0.0, overall)
    token = _DEADLINE.set(None if seconds is None else (clock() + seconds, clock))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


@contextmanager
def overall_deadline(seconds: float | None, *, clock: Clock = time.monotonic) -> Iterator[None]:
    """Within the block, every request and every wait to retry ends `seconds` from now."""
    token = _OVERALL.set(None if seconds is None else (clock() + seconds, clock))
    try:
        yield
    finally:
        _OVERALL.reset(token)


def time_left() -> float | None:
    """Seconds before the current request's deadline (negative once passed), or None."""
    return _left(_DEADLINE.get())


def overall_time_left() -> float | None:
    """Seconds before the overall deadline (negative once passed), or None without one."""
    return _left(_OVERALL.get())


def _left(current: tuple[float, Clock] | None) -> float | None:
    if current is None:
        return None
    deadline, clock = current
    return deadline - clock()


def _clamp(timeout: float | None, error: type[Exception]) -> float | None:
    left = time_left()
    if left is None:
        return timeout
    if left <= 0:
        raise error("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose every operation respects the current deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clamp(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamp(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        timeout = _clamp(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(
            super().connect_tcp(host, port, timeout, local_address, socket_options)
        )


def network_transport() -> httpx.HTTPTransport:
    """httpx's own transport, over connections that respect the request deadline."""
    transport = httpx.HTTPTransport()
    # httpx builds its connection pool without a way to pass a network backend; this is
    # the same pool (httpx's defaults) with ours.
    transport._pool = httpcore.ConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_DeadlineBackend(),
    )
    return transport
