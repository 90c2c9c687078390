"""Replies per second and reply latency with 1, 2 and 4 Discord shard processes on one
PostgreSQL (EVBOT_TEST_DATABASE_URL's server, or a throwaway cluster as make test-postgres
starts), and with one process on SQLite.

Each configuration runs the real program as N processes (`evidence-bot run discord`, shard n
of N, one server each on the fake Discord in this process) sharing one records store, and
sends a burst of citing messages spread evenly over the servers once every process is up and
warmed. Figures: replies per second (first message dispatched → last reply received) and the
p50/p95 latency of a message (dispatched on the gateway → its reply's POST received, so
queueing inside a busy process counts). No cooldown and no hourly cap, so every message gets
exactly one reply (checked). The machine's cores bound what more processes can give: on two
cores, four processes mostly share them.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from benchmarks.common import Figure
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until
from tests.fakes.atlas import sample_dois
from tests.fakes.processes import Child, import_atlas, shard_environment
from tests.fakes.stores import SharedStore, postgres_store_at, sqlite_store
from tests.postgres_server import URL_VARIABLE, postgres_bin, throwaway_cluster
from tests.postgres_store import SchemaPerPath, session_database

NAME = "shard processes"
MESSAGES = 400
WARM_UP = 5  # messages per server before measuring (imports, caches, connections)
PROCESS_COUNTS = (1, 2, 4)
START_TIMEOUT = 180.0
STUDY_DOIS = sample_dois()
REPLY_POLICY = {
    "EVBOT_REPLY__COOLDOWN_HOURS": "0",  # none: every citing message is answered
    "EVBOT_REPLY__RATE_CAP_PER_HOUR": "100000000",
    "EVBOT_REPLY__REFRESH_SECONDS": "0",
}
StoreMaker = Callable[[Path], SharedStore]


def run() -> list[Figure]:
    """PostgreSQL with 1, 2 and 4 shard processes, SQLite with one: replies/s and latency."""
    figures: list[Figure] = []
    with postgres_database() as database_url:
        if database_url is None:
            figures.append(
                Figure(NAME, "PostgreSQL", "not measured: no initdb (make postgres-deps)")
            )
        else:
            schemas = SchemaPerPath(database_url)
            for count in PROCESS_COUNTS:
                figures += _figures(
                    "PostgreSQL", count, lambda folder: postgres_store_at(schemas(folder))
                )
            schemas.drop_all()
        figures += _figures("SQLite", 1, lambda folder: sqlite_store(folder / "records.db"))
    return figures


@contextmanager
def postgres_database() -> Iterator[str | None]:
    """A database of its own on EVBOT_TEST_DATABASE_URL's server or on a throwaway cluster
    (tests/postgres_server.py); None where PostgreSQL is not installed."""
    server = os.environ.get(URL_VARIABLE)
    with ExitStack() as stack:
        if not server:
            try:
                postgres_bin()
            except SystemExit:
                yield None
                return
            server = stack.enter_context(throwaway_cluster())
        yield stack.enter_context(session_database(server))


def _figures(store_name: str, count: int, make_store: StoreMaker) -> list[Figure]:
    rate, p50, p95, once = asyncio.run(_measure(make_store, count))
    label = f"{store_name}, {count} process{'es' if count > 1 else ''}"
    return [
        Figure(NAME, f"{label}: replies per second", f"{rate:,.1f}"),
        Figure(NAME, f"{label}: message → reply, p50", f"{p50:,.0f} ms"),
        Figure(NAME, f"{label}: message → reply, p95", f"{p95:,.0f} ms"),
        Figure(NAME, f"{label}: every message answered once", once, "yes"),
    ]


async def _measure(make_store: StoreMaker, count: int) -> tuple[float, float, float, str]:
    fake = FakeDiscord()
    fake.lean = True  # keeps no history: the figures are the bot's, not the fake's
    await fake.start()
    guilds = [fake.add_guild(shard=(shard, count)) for shard in range(count)]
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        store = make_store(folder)
        import_atlas(store, folder)
        children = [
            Child(
                f"shard{shard}",
                ["discord"],
                shard_environment(fake, store, shard, count, **REPLY_POLICY),
                folder,
            )
            for shard in range(count)
        ]
        try:
            for child in children:
                child.start()
            await wait_until(
                lambda: all(child.up() for child in children),
                timeout=START_TIMEOUT,
                interval=0.1,
                what="every shard process to connect",
            )
            sent = 0

            async def burst(size: int) -> list[int]:
                nonlocal sent
                ids = []
                for _ in range(size):
                    guild = guilds[sent % count]
                    channel = (guild.general_id, guild.quiet_id)[(sent // count) % 2]
                    study = STUDY_DOIS[sent % len(STUDY_DOIS)]
                    payload = await fake.post(channel, guild.member, f"See doi:{study}")
                    ids.append(int(payload["id"]))
                    sent += 1
                await wait_until(
                    lambda: all(fake.reply_counts[m] for m in ids),
                    timeout=600,
                    interval=0.05,
                    what="every reply",
                )
                return ids

            await burst(WARM_UP * count)
            started = time.monotonic()
            ids = await burst(MESSAGES)
        finally:
            for child in children:
                if child.alive():
                    child.stop()
            await fake.stop()
    latencies = sorted((fake.replied_at[m] - fake.dispatched_at[m]) * 1000 for m in ids)
    rate = len(ids) / (max(fake.replied_at[m] for m in ids) - started)
    once = "yes" if all(fake.reply_counts[m] == 1 for m in ids) else "NO"
    return rate, statistics.median(latencies), statistics.quantiles(latencies, n=20)[-1], once
