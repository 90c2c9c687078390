"""Killing the real `evidence-bot run discord` process at any moment answers no message twice
and loses no sighting of an unmatched paper.

The program runs as a child process against the fake Discord server (in this test's event
loop) and a real SQLite file (PostgreSQL under make test-postgres) holding the sample atlas. SIGKILL (no clean-up at all) hits it
while replies are in flight, at an arbitrary moment of a stream of messages, and right after
it logged a sighting; SIGTERM stops it while replies wait; each time it is started again. A
new process gets a new gateway session, and Discord does not replay what was sent while the
bot was away: nothing is delivered again by hand. The bot's catch-up reads every channel's
history after the last message it handled (and the messages a killed process left claimed),
so messages missed, in flight at the kill or released at SIGTERM are answered once. Links get
previews (MESSAGE_UPDATE without an edit) as on Discord.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import sample_dois
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until
from tests.fakes.processes import Child
from tests.fakes.stores import shared_store
from tests.reliability.conftest import clean_environment

STUDY_DOIS = sample_dois()  # every study of the sample atlas that has a DOI
START_TIMEOUT = 60.0  # a cold start imports discord.py and builds the atlas index
WAIT = 30.0  # generous: the machine running the tests may be busy (liveness, not speed)
Json = dict[str, object]


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    return shared_store(db_path).rows(sql)


class DiscordProcess(Child):
    """`evidence-bot run discord` as a child process aimed at the fake server."""

    def __init__(self, db_path: Path, fake: FakeDiscord, workdir: Path) -> None:
        env = clean_environment(
            {
                "EVBOT_DISCORD__TOKEN": fake.bot_token,
                "EVBOT_DISCORD__API_BASE_URL": fake.api_base_url,
                "EVBOT_DISCORD__GATEWAY_URL": fake.gateway_url,
                **shared_store(db_path).env,  # the file, or PostgreSQL (make test-postgres)
                # The cap is out of the way; the 24 h cooldown is kept (each message below
                # cites a study not cited before in its channel).
                "EVBOT_REPLY__RATE_CAP_PER_HOUR": "10000",
                # One process runs at a time here, so any claim still unconfirmed when a
                # new one starts was left by a killed process: take it over at once.
                "EVBOT_REPLY__CLAIM_LEASE_SECONDS": "0",
                # A crash (not a kill) prints every thread's stack into the process log.
                "PYTHONFAULTHANDLER": "1",
            }
        )
        super().__init__("run", ["discord"], env, workdir)
        self.fake = fake

    async def connect(self) -> None:
        """Start the program and wait until it logs that it is connected."""
        self.start()
        await wait_until(self.up, timeout=START_TIMEOUT, what="the bot process to connect")


@pytest.fixture
def bot_process(
    atlas_db_path: Path, fake_discord: FakeDiscord, tmp_path: Path
) -> Iterator[DiscordProcess]:
    running = DiscordProcess(atlas_db_path, fake_discord, tmp_path)
    yield running
    if running.process is not None and running.process.poll() is None:
        running.kill()


class Stream:
    """Members' messages: citing ones (a new atlas study for the channel and an unknown
    paper), ones citing only an unknown paper, and chatter; remembers all of them."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        world = fake.world
        self.channels = [world.general_id, world.quiet_id, world.thread_id, world.forum_post_id]
        self.sent: list[Json] = []
        self.citing: list[int] = []
        self.unknown: dict[int, str] = {}  # message id → the unknown paper's log key
        self.chatter: list[int] = []

    async def post(self, count: int) -> list[int]:
        """Post `count` more messages (three kinds in turn); return their ids."""
        ids = []
        for _ in range(count):
            n = len(self.sent)
            kind = n % 3
            channel = self.channels[(len(self.citing) // len(STUDY_DOIS)) % len(self.channels)]
            doi = f"10.5555/discord.restart.{n}"
            if kind == 0:
                study = STUDY_DOIS[len(self.citing) % len(STUDY_DOIS)]
                text = f"Have you read doi:{study}? And https://doi.org/{doi} too"
            elif kind == 1:
                text = f"Does anyone know doi:{doi} ?"
            else:
                text = f"good morning everyone, message {n}"
            author = self.fake.world.member if n % 2 else self.fake.world.other_member
            payload = await self.fake.post(channel, author, text)
            message_id = int(str(payload["id"]))
            self.sent.append(payload)
            ids.append(message_id)
            if kind == 0:
                self.citing.append(message_id)
            if kind in (0, 1):
                self.unknown[message_id] = f"doi:{doi}"
            else:
                self.chatter.append(message_id)
        return ids

    def replies(self) -> int:
        return sum(len(self.fake.replies_to(m)) for m in self.citing)


def _unconfirmed(db_path: Path) -> set[str]:
    """Messages claimed in the reply log whose reply was never confirmed."""
    sql = "SELECT message_id FROM replies WHERE reply_id IS NULL"
    return {str(row[0]) for row in rows(db_path, sql)}


def _sightings(db_path: Path) -> int:
    return len(rows(db_path, "SELECT 1 FROM sightings"))


async def test_sigkill_at_any_moment_answers_nothing_twice_and_loses_no_sighting(
    bot_process: DiscordProcess, fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    fake, stream = fake_discord, Stream(fake_discord)
    fake.unfurl_links = True  # link previews arrive as MESSAGE_UPDATEs, as on Discord
    await bot_process.connect()

    # 1. Killed while a reply is in flight (Discord carries it out afterwards) and the next
    # ones wait behind it in discord.py's rate-limit bucket.
    fake.hold_posts()
    await stream.post(12)
    await wait_until(lambda: fake.held_posts >= 1, timeout=WAIT, what="a reply in flight")
    bot_process.kill()
    fake.release_posts()
    await wait_until(lambda: fake.held_posts == 0, timeout=WAIT, what="held replies to finish")
    in_flight = [m for m in stream.citing if fake.replies_to(m)]  # sent by a dead process
    assert in_flight
    await stream.post(9)  # missed: nobody is connected

    # 2. Killed at an arbitrary moment, while the stream goes on.
    await bot_process.connect()
    replies_before = stream.replies()
    await stream.post(45)
    await wait_until(
        lambda: stream.replies() >= replies_before + 5, timeout=WAIT, what="five more replies"
    )
    bot_process.kill()

    # 3. Killed right after it logged a sighting.
    await bot_process.connect()
    sightings_before = _sightings(atlas_db_path)
    await stream.post(30)
    await wait_until(
        lambda: _sightings(atlas_db_path) > sightings_before,
        timeout=WAIT,
        what="a sighting to be logged",
    )
    bot_process.kill()

    # 4. Stopped politely (SIGTERM, as on a deploy) while a reply is in flight and more wait:
    # their claims are released, so the next process answers them.
    await bot_process.connect()
    fake.hold_posts()
    await stream.post(9)
    await wait_until(lambda: fake.held_posts >= 1, timeout=WAIT, what="a reply in flight")
    assert bot_process.stop() == 0
    fake.release_posts()
    await wait_until(lambda: fake.held_posts == 0, timeout=WAIT, what="held replies to finish")

    # 5. Runs until everything is handled, then is stopped politely. Claims the killed
    # processes left (a kill between claiming and confirming) are past their lease: the new
    # process looks for each one's reply in the channel, confirms it if it is there and
    # answers otherwise.
    left_claimed = _unconfirmed(atlas_db_path)
    await bot_process.connect()
    await wait_until(
        lambda: _sightings(atlas_db_path) == len(stream.unknown),
        timeout=WAIT,
        what="every sighting",
    )
    await wait_until(
        lambda: all(fake.replies_to(m) for m in stream.citing) and not _unconfirmed(atlas_db_path),
        timeout=WAIT,
        what="every citing message answered and every claim confirmed",
    )
    assert bot_process.stop() == 0, bot_process.logs()

    answered = {m: len(fake.replies_to(m)) for m in stream.citing}
    assert set(answered.values()) == {1}, answered  # every one answered, none twice
    assert all(answered[m] == 1 for m in in_flight)  # carried out after the kill, not resent
    assert left_claimed, "no kill came between a claim and its confirmation"
    assert not _unconfirmed(atlas_db_path)
    assert all(not fake.replies_to(m) for m in stream.chatter)
    sightings = rows(atlas_db_path, "SELECT paper_key, message_id FROM sightings")
    assert sorted(sightings) == sorted((key, str(m)) for m, key in stream.unknown.items())
    assert rows(atlas_db_path, "SELECT DISTINCT mention_count FROM unmatched_papers") == [(1,)]
    # Links point at the server EVBOT_DISCORD__API_BASE_URL names, not at discord.com.
    links = rows(atlas_db_path, "SELECT permalink FROM sightings")
    assert {str(link).split("/channels/")[0] for (link,) in links} == {fake.web_base}
    assert "Traceback" not in bot_process.logs()
    assert "Fatal Python error" not in bot_process.logs()
    assert len(stream.citing) == 35  # the stream really covered every kind of moment


@pytest.mark.sqlite_only
async def test_sigterm_while_the_core_works_waits_for_it_and_exits_cleanly(
    bot_process: DiscordProcess, fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    await bot_process.connect()
    blocker = sqlite3.connect(atlas_db_path, isolation_level=None)
    try:
        # The core thread is inside SQLite, waiting out the busy timeout on the lock, when
        # SIGTERM comes; the database must not be closed under it.
        blocker.execute("BEGIN EXCLUSIVE")
        world = fake_discord.world
        await fake_discord.post(world.general_id, world.member, f"doi:{STUDY_DOIS[0]} a")
        await fake_discord.post(world.general_id, world.member, f"doi:{STUDY_DOIS[1]} b")
        await asyncio.sleep(0.5)  # let the messages reach the core (not a timed assertion)
        assert bot_process.process is not None
        bot_process.process.send_signal(signal.SIGTERM)
        await asyncio.sleep(1.0)
    finally:
        blocker.execute("COMMIT")
        blocker.close()
    assert bot_process.process is not None
    code = await asyncio.to_thread(bot_process.process.wait, 60)
    assert "Fatal Python error" not in bot_process.logs()
    assert code == 0, bot_process.logs()
