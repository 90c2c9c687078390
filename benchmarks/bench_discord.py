"""How fast the Discord bot answers: real discord.py against the fake Discord server on
127.0.0.1, the core and a SQLite file. Figures: the time from a member's message to the
bot's card reply (one message at a time), and a burst of messages handled back to back
(target: a busy server's peak, a few messages a second, with room to spare)."""

from __future__ import annotations

import asyncio
import itertools
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Figure, timed
from config.settings import ReplySettings
from tests.discord.fake_discord import FakeDiscord
from tests.fakes.discord_harness import Harness, import_sample_atlas, settings_for

SINGLE = 100
BURST = 400
CITING_EVERY = 4  # one message in four cites a study from the sample atlas
DOIS = ["10.1016/j.autrev.2023.103484", "10.1038/s41467-024-45107-3", "10.7326/M18-1451"]


def run() -> list[Figure]:
    """Start the bot on the fake server and time single replies and a burst."""
    return asyncio.run(_measure())


async def _measure() -> list[Figure]:
    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        import_sample_atlas(db_path)
        settings = settings_for(fake, db_path).model_copy(
            update={"reply": ReplySettings(cooldown_hours=0, rate_cap_per_hour=100_000)}
        )
        # Each core call sees a later second, so the 0 h cooldown never holds a card back
        # (the reply log stores times to the second).
        harness = Harness(fake, settings, clock=_ticking_clock())
        with timed() as startup:
            await harness.start()
        try:
            latencies = await _single_replies(harness)
            burst_seconds, replies = await _burst(harness)
        finally:
            await harness.stop()
            await fake.stop()
    name = "discord bot"
    p95 = statistics.quantiles(latencies, n=20)[-1]
    return [
        Figure(name, "start to ready (fake server)", f"{startup.seconds * 1000:.0f} ms"),
        Figure(name, "message → card reply, median", f"{statistics.median(latencies):.1f} ms"),
        Figure(name, "message → card reply, p95", f"{p95:.1f} ms", "< 1000 ms"),
        Figure(name, f"burst of {BURST} messages handled", f"{burst_seconds:.2f} s"),
        Figure(name, "burst messages/s", f"{BURST / burst_seconds:,.0f}", "> 10/s"),
        Figure(name, "burst replies sent", f"{replies}"),
    ]


def _ticking_clock() -> Callable[[], datetime]:
    """A clock that moves on two seconds every time it is read."""
    ticks = itertools.count()
    start = datetime.now(UTC)
    return lambda: start + timedelta(seconds=2 * next(ticks))


async def _single_replies(harness: Harness) -> list[float]:
    """Milliseconds from posting a citing message to the bot's reply, one at a time."""
    world = harness.world
    latencies = []
    for number in range(SINGLE):
        started = time.perf_counter()
        message = await harness.fake.post(
            world.general_id, world.member, f"#{number} see doi:{DOIS[number % len(DOIS)]}"
        )
        await harness.fake.wait_for_reply(int(message["id"]))
        latencies.append((time.perf_counter() - started) * 1000)
    return latencies


async def _burst(harness: Harness) -> tuple[float, int]:
    """Seconds to handle BURST messages posted back to back; replies sent."""
    world = harness.world
    before = len(harness.fake.bot_messages())
    with timed() as burst:
        ids = []
        for number in range(BURST):
            cites = number % CITING_EVERY == 0
            text = f"see doi:{DOIS[number % len(DOIS)]}" if cites else f"plain chat {number}"
            message = await harness.fake.post(world.thread_id, world.other_member, text)
            ids.append(int(message["id"]))
        for message_id in ids:
            await harness.wait_handled(message_id)
    replies = len(harness.fake.bot_messages()) - before
    assert replies == BURST // CITING_EVERY, replies
    return burst.seconds, replies
