"""A burst of 2,000 messages through the real Discord bot against the fake server, whose
per-channel buckets answer 429 beyond 5 messages per window: none lost, none answered twice,
every 429 waited out, memory bounded. (benchmarks/bench_discord_load.py runs 10,000.)"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.discord.conftest import Harness, import_sample_atlas
from tests.discord.fake_discord import FakeDiscord
from tests.reliability.discord.load import Burst, load_harness, send_burst

BURST = 2_000
# What the bot may keep after the burst: discord.py's message cache (max_messages=1000 by
# default) and the bot's per-message state, all bounded; not a copy of each message.
MEMORY_GROWTH_CAP_BYTES = 24 * 1024 * 1024


# The store is opened once for the module, before the per-test PostgreSQL mapping exists.
pytestmark = [pytest.mark.asyncio(loop_scope="module"), pytest.mark.sqlite_only]


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def loaded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[tuple[Harness, Burst]]:
    """One burst for the whole module (it takes a while); each test checks one promise."""
    db_path = tmp_path_factory.mktemp("load") / "records.db"
    import_sample_atlas(db_path)
    fake = FakeDiscord()
    await fake.start()
    harness = load_harness(fake, db_path)
    await harness.start()
    try:
        yield harness, await send_burst(harness, BURST, timeout=120)
    finally:
        await harness.stop()
        await fake.stop()


def not_answered_once(harness: Harness, burst: Burst) -> dict[int, str]:
    """The citing messages without exactly one reply, each with its reply count and how the
    bot's delivery ended (a failure under load names its cause, not just a message id)."""
    counts = harness.fake.reply_counts
    outcomes: dict[int, list[str]] = {}
    for message_id, sent in harness.handled:
        delivery = sent.delivery
        described = (
            "nothing to send" if delivery is None else f"{delivery.status} {delivery.reason}"
        )
        outcomes.setdefault(message_id, []).append(described.strip())
    return {
        m: f"{counts[m]} replies; handled: {outcomes.get(m, 'never')}"
        for m in burst.citing
        if counts[m] != 1
    }


async def test_burst_answers_every_citing_member_message_exactly_once(
    loaded: tuple[Harness, Burst],
) -> None:
    harness, burst = loaded
    counts = harness.fake.reply_counts
    assert len(burst.messages) == BURST
    assert len(burst.citing) == BURST * 30 // 100
    assert not_answered_once(harness, burst) == {}
    skipped = burst.unknown_only + burst.from_bots + burst.chatter
    assert [m for m in skipped if counts[m]] == []


async def test_burst_logs_every_unknown_paper_once(loaded: tuple[Harness, Burst]) -> None:
    harness, burst = loaded
    rows = harness.records.query(
        "SELECT message_id FROM sightings WHERE paper_key LIKE 'doi:10.5555/load.%'"
    )
    logged = sorted(int(row["message_id"]) for row in rows)
    # The warm-up's unknown papers are logged too; the burst's are all there, once each.
    assert set(burst.unknown_only) <= set(logged)
    assert len(logged) == len(set(logged))


async def test_burst_stays_within_the_channel_buckets(loaded: tuple[Harness, Burst]) -> None:
    harness, burst = loaded
    # The fake refuses (429, with Retry-After) every message over a channel's bucket, so every
    # reply that got through was within the limit; each refused one was retried after the
    # wait until sent, none twice. (discord.py also slows down on the X-RateLimit headers.)
    assert not_answered_once(harness, burst) == {}
    assert sum(harness.fake.reply_counts[m] for m in burst.citing) == len(burst.citing)


async def test_burst_leaves_memory_bounded(loaded: tuple[Harness, Burst]) -> None:
    harness, burst = loaded
    assert burst.memory_growth_bytes < MEMORY_GROWTH_CAP_BYTES, burst.memory_growth_bytes
    assert harness.bot is not None
    assert len(harness.bot.cached_messages) <= 1_000
    assert harness.bot.deps.locks._locks == {}  # per-message locks are all dropped
