"""The adapter's small pure helpers: naming a target message, per-message locks."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.discord_bot.targets import split_target
from bot.discord_bot.views import CUSTOM_ID_LIMIT, card_buttons
from bot.runtime.core_runner import CoreRunner, KeyedLocks

MESSAGE = 1234567890123456789


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"10.1/x https://discord.com/channels/1/2/{MESSAGE}", ("10.1/x", MESSAGE)),
        (f"lee 2024 https://ptb.discord.com/channels/1/2/{MESSAGE}", ("lee 2024", MESSAGE)),
        (f"lee-2024-brain-regional {MESSAGE}", ("lee-2024-brain-regional", MESSAGE)),
        (str(MESSAGE), ("", MESSAGE)),
        ("PMID 38016575", ("PMID 38016575", None)),  # a PMID is not a message id
        (f"{MESSAGE} is in the middle here", (f"{MESSAGE} is in the middle here", None)),
        ("https://discord.com/channels/1/2", ("https://discord.com/channels/1/2", None)),
    ],
)
def test_split_target_finds_a_trailing_message_link_or_id(
    text: str, expected: tuple[str, int | None]
) -> None:
    assert split_target(text) == expected


async def test_keyed_lock_serialises_work_on_one_key_only() -> None:
    locks = KeyedLocks()
    order: list[str] = []
    inside = asyncio.Event()
    release = asyncio.Event()

    async def first() -> None:
        async with locks.hold("a"):
            order.append("first in")
            inside.set()
            await release.wait()
            order.append("first out")

    async def second() -> None:
        async with locks.hold("a"):
            order.append("second in")

    async def other_key() -> None:
        async with locks.hold("b"):
            order.append("other key")

    task_first = asyncio.create_task(first())
    await inside.wait()
    task_second = asyncio.create_task(second())
    await other_key()
    release.set()
    await asyncio.gather(task_first, task_second)
    assert order == ["first in", "other key", "first out", "second in"]
    assert locks._locks == {}


async def test_core_runner_runs_calls_one_at_a_time_off_the_loop() -> None:
    runner = CoreRunner()
    try:
        names = await asyncio.gather(
            *(runner.call(lambda: threading.current_thread().name) for _ in range(5))
        )
    finally:
        runner.close()
    assert len(set(names)) == 1
    assert names[0] != threading.current_thread().name


@pytest.mark.parametrize(
    ("entry_ids", "labels"),
    [
        (["lee-2024-brain-regional"], ["Remove", "Wrong match"]),
        (["a-1", "b-2"], ["Remove", "Wrong match (1)", "Wrong match (2)"]),
        (["x" * (CUSTOM_ID_LIMIT + 1)], ["Remove"]),
    ],
)
async def test_card_buttons_label_each_card(entry_ids: list[str], labels: list[str]) -> None:
    view = card_buttons(42, entry_ids)
    # Dynamic buttons wrap the real button in `.item`.
    shown = [getattr(item, "item", item) for item in view.children]
    assert [getattr(button, "label", None) for button in shown] == labels


async def test_core_runner_cancels_calls_after_close() -> None:
    runner = CoreRunner()
    runner.close()
    with pytest.raises(asyncio.CancelledError):
        await runner.call(lambda: None)
