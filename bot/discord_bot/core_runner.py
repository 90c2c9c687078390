"""Running the synchronous core from the event loop, one call at a time.

The core and the records database are plain synchronous code over one SQLite connection. A
single worker thread keeps the event loop (heartbeats, other events) responsive while the
linker works, and guarantees that only one thread uses the connection at any moment.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, TypeVar

T = TypeVar("T")


class CoreRunner:
    """Runs core calls on one dedicated thread; `close()` when the bot stops."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-core")

    async def call(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` on the core thread, awaited."""
        loop = asyncio.get_running_loop()
        try:
            future = loop.run_in_executor(self._executor, partial(function, *args, **kwargs))
        except RuntimeError:
            # Closed: the bot is shutting down, so the event handler asking is cancelled
            # (discord.py ends cancelled handlers quietly) rather than failing noisily.
            raise asyncio.CancelledError("the bot is shutting down") from None
        return await future

    def close(self) -> None:
        """Finish queued calls and stop the thread; later calls are cancelled."""
        self._executor.shutdown(wait=True)


class KeyedLocks:
    """One asyncio lock per key, dropped when nobody holds or waits for it.

    Handling a message is decide → send → record; holding the message's lock across the
    three makes a duplicate delivery (gateway replay, an edit racing the create) wait and
    then see the recorded reply instead of sending a second one.
    """

    def __init__(self) -> None:
        self._locks: dict[str, asyncio.Lock] = {}
        self._users: dict[str, int] = {}

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Hold the lock for `key` for the duration of the block."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._users[key] = self._users.get(key, 0) + 1
        try:
            async with lock:
                yield
        finally:
            self._users[key] -= 1
            if not self._users[key]:
                del self._users[key]
                del self._locks[key]
