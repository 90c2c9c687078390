"""Staying connected: a client's connection started again, after a growing pause, when it
ends on something its SDK does not handle itself.

An SDK reconnects by itself after network errors and its server's closes, but an exception
it does not expect (a frame that is not JSON, say) ends its read loop and, left alone, the
process. `stay_connected` connects again instead, pausing `delays` in turn (the last one
repeats); a connection that lasted `stable_seconds` starts the sequence over. It ends when
the connection ends normally, when the client was closed (a refused token, shutdown), or on
one of the `fatal` exceptions (a refusal only an operator can mend).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


async def stay_connected(
    connect: Callable[[], Awaitable[None]],
    *,
    closed: Callable[[], bool],
    fatal: tuple[type[BaseException], ...],
    delays: tuple[float, ...],
    stable_seconds: float,
    before_retry: Callable[[], Awaitable[None]],
    what: str = "the connection failed on something the SDK does not handle",
) -> None:
    """`connect()` until it returns; connected again (after `before_retry()`) on failure,
    logged as `what`."""
    loop = asyncio.get_running_loop()
    failures = 0
    while True:
        started = loop.time()
        try:
            await connect()
            return
        except fatal:
            raise
        except Exception:
            if closed():
                raise
            if loop.time() - started >= stable_seconds:
                failures = 0
            delay = delays[min(failures, len(delays) - 1)]
            failures += 1
            log.exception("%s; connecting again in %.0f s", what, delay)
        await before_retry()
        await asyncio.sleep(delay)
