"""A burst of members' messages through the real Discord bot against the fake server, with
Discord's per-channel rate limit enforced; shared by the load test and the load benchmark.

The mix: 30% cite an atlas study, 10% cite only a paper not in the atlas, 5% come from
another bot (skipped by policy), the rest is chatter; spread over two channels, a thread and
a forum post. The reply policy is configured so the expected count is exact: no cooldown (the
core's clock moves on two seconds at each reading, and the reply log stores seconds) and an
hourly cap above the burst, so every citing message from a member gets exactly one reply.
"""

from __future__ import annotations

import gc
import itertools
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from config.settings import ReplySettings
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until
from tests.fakes.discord_harness import Harness, settings_for

STUDY_DOIS = [
    "10.1016/j.autrev.2023.103484",
    "10.1038/s41467-024-45107-3",
    "10.7326/M18-1451",
    "10.1073/pnas.1607571113",
]
# Discord's message bucket is 5 per 5 s per channel; scaled down 20x in time so a burst of
# thousands fits in a test, with the same shape (a small bucket, refilled per window).
CHANNEL_LIMIT = 5
CHANNEL_WINDOW_SECONDS = 0.25
WARM_UP = 200  # messages before measuring, so caches and pools exist already


@dataclass
class Burst:
    """What was sent and what the bot did with it."""

    citing: list[int] = field(default_factory=list)  # members' messages citing a study
    unknown_only: list[int] = field(default_factory=list)
    from_bots: list[int] = field(default_factory=list)
    chatter: list[int] = field(default_factory=list)
    seconds: float = 0.0
    memory_growth_bytes: int = 0
    memory_peak_bytes: int = 0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def messages(self) -> list[int]:
        return self.citing + self.unknown_only + self.from_bots + self.chatter


def ticking_clock() -> Callable[[], datetime]:
    """A clock that moves on two seconds each time it is read."""
    ticks = itertools.count()
    start = datetime.now(UTC)
    return lambda: start + timedelta(seconds=2 * next(ticks))


def load_harness(fake: FakeDiscord, db_path: Path) -> Harness:
    """The real bot, no cooldown and a cap above any burst; the fake enforces the buckets."""
    settings = settings_for(fake, db_path).model_copy(
        update={"reply": ReplySettings(cooldown_hours=0, rate_cap_per_hour=1_000_000)}
    )
    fake.limit_channels(CHANNEL_LIMIT, CHANNEL_WINDOW_SECONDS)
    fake.lean = True
    return Harness(fake, settings, clock=ticking_clock())


async def send_burst(
    harness: Harness, count: int, *, timeout: float, trace_memory: bool = True
) -> Burst:
    """Post `count` messages back to back and wait until the bot handled every one.

    With `trace_memory`, memory is traced (tracemalloc, which slows everything down) from
    after a warm-up to the end: `memory_growth_bytes` is what stays allocated,
    `memory_peak_bytes` the highest point above the start.
    """
    await _post(harness, WARM_UP, Burst(), timeout=timeout)
    gc.collect()
    if trace_memory:
        tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    burst = Burst()
    started = time.perf_counter()
    await _post(harness, count, burst, timeout=timeout)
    burst.seconds = time.perf_counter() - started
    gc.collect()
    current, peak = tracemalloc.get_traced_memory()
    if trace_memory:
        tracemalloc.stop()
    burst.memory_growth_bytes = current - before
    burst.memory_peak_bytes = peak - before
    fake = harness.fake
    burst.latencies_ms = [
        (fake.replied_at[m] - fake.dispatched_at[m]) * 1000
        for m in burst.citing
        if m in fake.replied_at
    ]
    return burst


async def _post(harness: Harness, count: int, burst: Burst, *, timeout: float) -> None:
    world, fake = harness.world, harness.fake
    channels = [world.general_id, world.quiet_id, world.thread_id, world.forum_post_id]
    posted: set[int] = set()
    for n in range(count):
        channel = channels[n % len(channels)]
        kind = n % 20
        author = world.member if n % 2 else world.other_member
        if kind < 6:  # 30%
            text = f"Worth a read: doi:{STUDY_DOIS[n % len(STUDY_DOIS)]} (#{n})"
            target = burst.citing
        elif kind < 8:  # 10%
            text = f"Has anyone seen doi:10.5555/load.{n}.{id(burst)} ?"
            target = burst.unknown_only
        elif kind == 8:  # 5%
            author = world.other_bot
            text = f"[feed] new paper doi:{STUDY_DOIS[0]} (#{n})"
            target = burst.from_bots
        else:
            text = f"thanks, that helps a lot ({n})"
            target = burst.chatter
        payload = await fake.post(channel, author, text)
        target.append(int(payload["id"]))
        posted.add(int(payload["id"]))
    # The watch cog reports every message it handled (the bot's own echoes too).
    await wait_until(
        lambda: posted <= {message_id for message_id, _ in harness.handled},
        timeout=timeout,
        interval=0.1,
        what=f"the bot to handle {count} messages",
    )
