"""Many processes on one store: four Discord shard processes and a Reddit process, killed at
random moments and started again, answer every message exactly once and log every sighting
once.

The processes are the real program (`evidence-bot run discord` with one shard each of four,
`evidence-bot run reddit`) against the fake Discord (this test's event loop, a server on each
shard: Discord's formula (guild_id >> 22) % 4 puts it there) and the fake Reddit, all sharing
one records store. A burst of messages goes out in rounds; in each round one process, drawn
at random, gets SIGKILL (no clean-up) at a random moment and is started again. Messages its
shard missed are read back by the new process's catch-up; claims a killed process left are
taken over; the shard processes never touch each other's servers.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import sample_dois
from tests.discord.fake_discord import FakeDiscord
from tests.discord.fake_discord.world import World
from tests.discord.waiting import wait_until
from tests.fakes.processes import Child, import_atlas, shard_environment
from tests.fakes.stores import Row, SharedStore, expected_kind, shared_store
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, WALITT_DOI, reddit_environment
from tests.reddit.fake_reddit import FakeReddit
from tests.reliability.conftest import clean_environment

SHARDS = 4
DISCORD_PER_ROUND = 8  # two in each shard's server
REDDIT_PER_ROUND = 1  # a submission and a comment under it
START_TIMEOUT = 120.0  # five cold starts at once on a small, busy machine (liveness only)
WAIT = 120.0
STUDY_DOIS = sample_dois()


@pytest.fixture
def store(tmp_path: Path) -> SharedStore:
    """The shared store (SQLite; PostgreSQL under make test-postgres), holding the sample
    atlas (imported by the real program)."""
    shared = shared_store(tmp_path / "records.db")
    import_atlas(shared, tmp_path)
    return shared


def shared_settings(store: SharedStore) -> dict[str, str]:
    return {
        **store.env,
        "EVBOT_REPLY__RATE_CAP_PER_HOUR": "10000",
        # One process at a time runs each shard (and Reddit), and a shard process never
        # reads another's servers: a claim still unconfirmed when a process starts was left
        # by the killed one before it, so it is taken over at once.
        "EVBOT_REPLY__CLAIM_LEASE_SECONDS": "0",
        "PYTHONFAULTHANDLER": "1",
    }


@pytest.fixture
async def children(
    store: SharedStore, fake_discord: FakeDiscord, fake_reddit: FakeReddit, tmp_path: Path
) -> AsyncIterator[list[Child]]:
    """Four Discord shard processes and a Reddit process, not started yet."""
    made = [
        Child(
            f"discord{shard}",
            ["discord"],
            shard_environment(fake_discord, store, shard, SHARDS, **shared_settings(store)),
            tmp_path,
        )
        for shard in range(SHARDS)
    ]
    reddit_env = reddit_environment(fake_reddit, EVBOT_REDDIT__POLL_SECONDS="0.1")
    made.append(
        Child("reddit", ["reddit"], clean_environment({**shared_settings(store), **reddit_env}), tmp_path)
    )  # fmt: skip
    yield made
    for child in made:
        if child.alive():
            child.kill()


@dataclass
class Burst:
    """Messages citing an atlas study (new to their channel) and an unknown paper each."""

    discord: FakeDiscord
    reddit: FakeReddit
    guilds: list[World]
    sent: dict[int, str] = field(default_factory=dict)  # Discord message id → unknown paper
    items: dict[str, str] = field(default_factory=dict)  # Reddit fullname → unknown paper

    async def post(self) -> None:
        for _ in range(DISCORD_PER_ROUND):
            n = len(self.sent)
            guild = self.guilds[n % SHARDS]
            channels = [guild.general_id, guild.quiet_id, guild.thread_id, guild.forum_post_id]
            channel = channels[(n // SHARDS) % len(channels)]
            # Each channel sees each study once at most (the 24 h cooldown stays on).
            study = STUDY_DOIS[(n // (SHARDS * len(channels))) % len(STUDY_DOIS)]
            doi = f"10.5555/shards.discord.{n}"
            payload = await self.discord.post(
                channel, guild.member, f"Read doi:{study} and https://doi.org/{doi}"
            )
            self.sent[int(payload["id"])] = f"doi:{doi}"
        for _ in range(REDDIT_PER_ROUND):
            n = len(self.items)
            doi = f"10.5555/shards.reddit.{n}"
            submission = self.reddit.add_submission(
                SUBREDDIT, f"Question {n}", selftext=f"Is doi:{LEE_DOI} like doi:{doi}?"
            )
            self.items[submission] = f"doi:{doi}"
            doi = f"10.5555/shards.reddit.comment.{n}"
            comment = self.reddit.add_comment(submission, f"Compare {WALITT_DOI} and doi:{doi}")
            self.items[comment] = f"doi:{doi}"

    def all_answered(self) -> bool:
        return all(self.discord.replies_to(m) for m in self.sent) and all(
            self.reddit.replies_to(item, author=self.reddit.username) for item in self.items
        )


async def all_up(children: list[Child]) -> None:
    await wait_until(
        lambda: all(child.up() for child in children),
        timeout=START_TIMEOUT,
        interval=0.1,
        what="every process to be up",
    )


@pytest.mark.parametrize("seed", [7])
async def test_shard_and_reddit_processes_killed_at_random_answer_once_and_log_once(
    children: list[Child],
    store: SharedStore,
    fake_discord: FakeDiscord,
    fake_reddit: FakeReddit,
    seed: int,
) -> None:
    assert store.kind == expected_kind()
    guilds = [fake_discord.add_guild(shard=(shard, SHARDS)) for shard in range(SHARDS)]
    burst = Burst(fake_discord, fake_reddit, guilds)
    moments = random.Random(seed)
    for child in children:
        child.start()
    await all_up(children)
    assert sorted(i["shard"] for i in fake_discord.identifies) == [
        [n, SHARDS] for n in range(SHARDS)
    ]

    killed: list[str] = []
    for victim in moments.sample(children, len(children)):  # each once, in a random order
        await burst.post()
        await asyncio.sleep(moments.uniform(0.0, 2.0))  # replying, recording, catching up
        victim.kill()
        killed.append(victim.name)
        await burst.post()  # the victim's share is missed while it is down
        victim.start()
        await all_up(children)

    def unconfirmed() -> list[Row]:
        return store.rows("SELECT platform, message_id FROM replies WHERE reply_id IS NULL")

    everything = len(burst.sent) + len(burst.items)
    await wait_until(
        lambda: burst.all_answered() and not unconfirmed(),
        timeout=WAIT,
        interval=0.2,
        what="every message answered and every claim confirmed",
    )
    await wait_until(
        lambda: store.rows("SELECT count(*) FROM sightings") == [(everything,)],
        timeout=WAIT,
        interval=0.2,
        what="every sighting",
    )
    for child in children:
        assert child.stop() == 0, child.logs()

    answered = {m: len(fake_discord.replies_to(m)) for m in burst.sent}
    assert set(answered.values()) == {1}, answered
    by_reddit = {
        i: len(fake_reddit.replies_to(i, author=fake_reddit.username)) for i in burst.items
    }
    assert set(by_reddit.values()) == {1}, by_reddit
    sightings = store.rows("SELECT paper_key, message_id FROM sightings")
    expected = [(key, str(m)) for m, key in burst.sent.items()]
    expected += [(key, item) for item, key in burst.items.items()]
    assert sorted(sightings) == sorted(expected)
    assert store.rows("SELECT DISTINCT mention_count FROM unmatched_papers") == [(1,)]
    for shard in range(SHARDS):
        assert f"(shard {shard} of {SHARDS})" in children[shard].logs()
    assert sorted(killed) == sorted(child.name for child in children)
    for child in children:
        assert "Traceback" not in child.logs(), child.logs()
