"""Bounded waiting: poll a condition instead of sleeping a fixed time and hoping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEFAULT_TIMEOUT = 10.0


async def wait_until(
    probe: Callable[[], T | None],
    *,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.01,
    what: str = "condition",
) -> T:
    """Return the first truthy value `probe()` gives; fail naming `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.1f}s waiting for {what}")
        await asyncio.sleep(interval)


async def settle(rounds: int = 20) -> None:
    """Let the event loop run pending callbacks, so a test can assert nothing else happened.

    Used only before asserting an absence (no second reply); the positive outcome of the
    same flow is always awaited with `wait_until` first, so this is not a timed assertion.
    """
    for _ in range(rounds):
        await asyncio.sleep(0)
