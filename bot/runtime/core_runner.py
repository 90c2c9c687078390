"""Running the synchronous core from the event loop, one call at a time.

The core and the records database are plain synchronous code over one SQLite connection. A
single worker thread keeps the event loop (heartbeats, other events) responsive while the
linker works, and guarantees that only one thread uses the connection at any moment.

A call that fails because another connection holds the database locked for longer than
SQLite's busy timeout (a backup, a long import) is logged and tried again a few times: the
failed try changed nothing (SQLite rolled its transaction back), so nothing is lost or done
twice, and the event loop keeps serving meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from functools import partial
from typing import Any, TypeVar

from records.errors import OperationalError, is_locked

T = TypeVar("T")

log = logging.getLogger(__name__)

# Pauses (seconds) before trying a locked call again; each try first waits out the busy timeout.
LOCKED_RETRY_DELAYS = (0.5, 1.0, 2.0, 4.0, 8.0)


class CoreRunner:
    """Runs core calls on one dedicated thread; `close()` when the bot stops."""

    def __init__(self, locked_retry_delays: tuple[float, ...] = LOCKED_RETRY_DELAYS) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evidence-core")
        self._locked_retry_delays = locked_retry_delays

    async def call(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
        """`function(*args, **kwargs)` on the core thread, awaited; tried again while the
        records database is locked, then the lock error is raised."""
        name = getattr(function, "__name__", "core call")
        for delay in self._locked_retry_delays:
            try:
                return await self._call_once(function, *args, **kwargs)
            except OperationalError as exc:
                if not is_locked(exc):
                    raise
                log.warning(
                    "records database locked during %s (%s); trying again in %.1f s",
                    name,
                    exc,
                    delay,
                )
                await asyncio.sleep(delay)
        try:
            return await self._call_once(function, *args, **kwargs)
        except OperationalError as exc:
            if is_locked(exc):
                log.error("records database still locked; %s gave up: %s", name, exc)
            raise

    async def _call_once(self, function: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
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
