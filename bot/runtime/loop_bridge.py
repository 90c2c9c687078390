"""Synchronous code calling an async SDK: each call runs on the loop that owns the client.

The core's passes (refreshing posted cards) are synchronous and run on a worker thread; an
async SDK's client belongs to its event loop. `LoopBridge.run` hands a coroutine to that
loop (`asyncio.run_coroutine_threadsafe`) and waits for its result, so the loop keeps
serving meanwhile. `loop_in_thread` gives a command-line run a loop of its own, in a thread,
for as long as the block lasts.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

CALL_TIMEOUT_SECONDS = 120.0


class LoopBridge:
    """Runs awaitables on `loop` from another thread, waiting up to `timeout` seconds."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, timeout: float = CALL_TIMEOUT_SECONDS
    ) -> None:
        self.loop = loop
        self.timeout = timeout

    def run(self, work: Awaitable[T]) -> T:
        """`await work` on the loop; its result, or what it raised."""
        future = asyncio.run_coroutine_threadsafe(_awaited(work), self.loop)
        return future.result(self.timeout)


async def _awaited(work: Awaitable[T]) -> T:
    return await work


@contextmanager
def loop_in_thread(name: str) -> Iterator[asyncio.AbstractEventLoop]:
    """A new event loop running in a daemon thread until the block ends."""
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name=name, daemon=True)
    thread.start()
    try:
        yield loop
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
