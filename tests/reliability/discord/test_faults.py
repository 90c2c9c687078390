"""Faults between the bot and Discord: the bot logs them clearly and keeps serving, and no
message is ever answered twice.

Gateway: the server closes the socket with a resumable code, or invalidates the session
(op 9). HTTP: 429 (per route and global) with Retry-After, 5xx with and without the message
having been created, a slow answer and a dropped connection on the reply POST. Database:
another connection holds the records file locked before the bot handles a message, or while
its reply is in flight.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from contextlib import closing
from datetime import datetime
from pathlib import Path

import pytest

from bot.discord_bot.catch_up import DiscordSource
from bot.runtime.cursors import ReadingState
from records.db import open_db
from tests.discord.conftest import FLUGE_PMID, LEE_DOI, WALITT_DOI, Harness
from tests.discord.waiting import settle, wait_until
from tests.reliability.discord.conftest import QuickLockHarness


def _posts(harness: Harness) -> str:
    return rf"/channels/{harness.world.general_id}/messages"


@pytest.mark.parametrize("code", [4000, 1001, 4009])
async def test_gateway_closed_with_resumable_code_resumes_and_replays_missed_messages(
    harness: Harness, code: int
) -> None:
    world = harness.world
    await harness.fake.close_gateway(code)
    # Posted while the bot is disconnected: Discord keeps it for the session's RESUME.
    missed = await harness.fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    await wait_until(lambda: harness.fake.resumes, what="a RESUME")
    await harness.wait_handled(int(missed["id"]))
    after = await harness.say(world.general_id, world.member, f"PMID {FLUGE_PMID}")
    assert len(harness.fake.replies_to(int(missed["id"]))) == 1
    assert len(harness.fake.replies_to(int(after["id"]))) == 1
    assert len(harness.fake.identifies) == 1  # resumed, not a new session


async def test_invalid_session_makes_the_bot_identify_again_and_keep_serving(
    harness: Harness,
) -> None:
    await harness.fake.invalidate_sessions()
    await wait_until(lambda: len(harness.fake.identifies) == 2, what="a second IDENTIFY")
    await harness.fake.wait_connected()
    message = await harness.say(harness.world.general_id, harness.world.member, LEE_DOI)
    assert len(harness.fake.replies_to(int(message["id"]))) == 1


@pytest.mark.parametrize(
    ("is_global", "expected_log"),
    [
        (False, "We are being rate limited. POST"),
        (True, "Global rate limit has been hit"),
    ],
)
async def test_429_is_logged_waited_out_and_the_reply_sent_once(
    harness: Harness, caplog: pytest.LogCaptureFixture, is_global: bool, expected_log: str
) -> None:
    caplog.set_level(logging.WARNING)
    harness.fake.rate_limit_next(
        "POST", _posts(harness), retry_after=0.2, times=2, is_global=is_global
    )
    message = await harness.say(harness.world.general_id, harness.world.member, LEE_DOI)
    statuses = [r.status for r in harness.fake.requests_to("POST", _posts(harness))]
    assert statuses == [429, 429, 200]
    assert len(harness.fake.replies_to(int(message["id"]))) == 1
    assert expected_log in caplog.text


@pytest.mark.parametrize("status", [500, 502])
@pytest.mark.parametrize("after_create", [False, True], ids=["lost-request", "lost-answer"])
async def test_retried_5xx_is_logged_and_gives_exactly_one_reply(
    harness: Harness, caplog: pytest.LogCaptureFixture, status: int, after_create: bool
) -> None:
    caplog.set_level(logging.WARNING)
    # discord.py retries 500 and 502 by itself; when Discord had made the message and only
    # the answer was lost, the retry must not post a second copy (the nonce prevents it).
    harness.fake.fail_next(
        "POST", _posts(harness), status=status, code=0, after_create=after_create
    )
    message = await harness.say(harness.world.general_id, harness.world.member, LEE_DOI)
    statuses = [r.status for r in harness.fake.requests_to("POST", _posts(harness))]
    assert statuses == [status, 200]
    assert len(harness.fake.replies_to(int(message["id"]))) == 1
    path = f"/api/v10/channels/{harness.world.general_id}/messages"
    assert f"Discord answered POST {path} with HTTP {status}" in caplog.text


@pytest.mark.parametrize("after_create", [False, True], ids=["lost-request", "lost-answer"])
async def test_503_is_logged_released_and_answered_once_on_a_later_delivery(
    harness: Harness, caplog: pytest.LogCaptureFixture, after_create: bool
) -> None:
    caplog.set_level(logging.WARNING)
    harness.fake.fail_next("POST", _posts(harness), status=503, code=0, after_create=after_create)
    message = await harness.say(harness.world.general_id, harness.world.member, LEE_DOI)
    assert f"could not reply to message {message['id']} (HTTP 503)" in caplog.text
    await harness.fake.redeliver(message)
    await harness.wait_handled(int(message["id"]), times=2)
    await settle()
    assert len(harness.fake.replies_to(int(message["id"]))) == 1


async def test_slow_reply_post_is_sent_once_while_other_messages_are_served(
    harness: Harness,
) -> None:
    world = harness.world
    harness.fake.slow_next("POST", rf"/channels/{world.general_id}/messages", seconds=1.0)
    slow = await harness.fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    meanwhile = await harness.say(world.thread_id, world.other_member, f"doi {WALITT_DOI}")
    # The thread's reply went out while the first POST was still waiting for its answer.
    assert harness.handled_count(int(slow["id"])) == 0
    assert len(harness.fake.replies_to(int(meanwhile["id"]))) == 1
    await harness.wait_handled(int(slow["id"]))
    assert len(harness.fake.replies_to(int(slow["id"]))) == 1


@pytest.mark.parametrize("after_create", [False, True], ids=["lost-request", "lost-answer"])
async def test_dropped_connection_is_logged_released_and_answered_once_later(
    harness: Harness, caplog: pytest.LogCaptureFixture, after_create: bool
) -> None:
    caplog.set_level(logging.WARNING)
    harness.fake.slow_next(
        "POST", _posts(harness), seconds=0.05, drop=True, after_create=after_create
    )
    message = await harness.say(harness.world.general_id, harness.world.member, LEE_DOI)
    assert f"could not reply to message {message['id']}" in caplog.text
    await harness.fake.redeliver(message)
    await harness.wait_handled(int(message["id"]), times=2)
    await wait_until(
        lambda: harness.fake.replies_to(int(message["id"])), what="the reply after a redelivery"
    )
    await settle()
    assert len(harness.fake.replies_to(int(message["id"]))) == 1


@pytest.mark.parametrize("moment", ["before-handling", "reply-in-flight"])
async def test_locked_database_is_logged_waited_for_and_loses_nothing(
    quick_lock_harness: QuickLockHarness,
    atlas_db_path: Path,
    caplog: pytest.LogCaptureFixture,
    moment: str,
) -> None:
    caplog.set_level(logging.WARNING)
    harness, fake, world = quick_lock_harness, quick_lock_harness.fake, quick_lock_harness.world
    blocker = sqlite3.connect(atlas_db_path, isolation_level=None)
    try:
        if moment == "reply-in-flight":
            fake.hold_posts()  # the lock comes between the claim and the confirmation
        else:
            blocker.execute("BEGIN EXCLUSIVE")
        message = await fake.post(
            world.general_id, world.member, f"doi {LEE_DOI} and doi:10.5555/locked.{moment}"
        )
        if moment == "reply-in-flight":
            await wait_until(lambda: fake.held_posts == 1, what="the reply in flight")
            blocker.execute("BEGIN EXCLUSIVE")
            fake.release_posts()
        await wait_until(lambda: "records database locked" in caplog.text, what="a lock warning")
        assert harness.handled_count(int(message["id"])) == 0  # waiting, not given up
    finally:
        if blocker.in_transaction:
            blocker.execute("COMMIT")
        blocker.close()
    await harness.wait_handled(int(message["id"]))
    [reply] = fake.replies_to(int(message["id"]))
    replies = list(harness.records.query("SELECT message_id, reply_id FROM replies"))
    assert replies == [{"message_id": message["id"], "reply_id": reply["id"]}]
    sightings = list(harness.records.query("SELECT paper_key, message_id FROM sightings"))
    assert sightings == [{"paper_key": f"doi:10.5555/locked.{moment}", "message_id": message["id"]}]


async def test_stopping_while_replies_wait_releases_them_for_the_next_start(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake, world = harness.fake, harness.world
    fake.hold_posts()
    waiting = [
        await fake.post(world.general_id, world.member, f"doi {LEE_DOI}"),
        await fake.post(world.general_id, world.other_member, f"PMID {FLUGE_PMID}"),
        await fake.post(world.general_id, world.member, f"doi {WALITT_DOI}"),
    ]
    await wait_until(lambda: fake.held_posts >= 1, what="a reply in flight")
    await wait_until(
        lambda: len(list(harness.records.query("SELECT 1 FROM replies"))) == len(waiting),
        what="every reply claimed",
    )
    await harness.stop()  # as on SIGTERM: the HTTP session closes under the waiting replies
    fake.release_posts()
    assert "Ignoring exception" not in caplog.text
    await harness.start()  # nobody delivers them again: the catch-up reads them
    await wait_until(
        lambda: all(fake.replies_to(int(m["id"])) for m in waiting),
        what="a reply to each message after the restart",
    )
    await settle()
    assert [len(fake.replies_to(int(m["id"]))) for m in waiting] == [1, 1, 1]


async def test_messages_taken_live_before_the_first_catch_up_reads_are_answered_after_a_stop(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    # On a loaded machine the first catch-up's look at the records waited its turn while
    # three messages arrived live; the first start was then marked after them, and once a
    # stop released them no later catch-up read that far back. Here the look waits for them.
    fake, world = harness.fake, harness.world
    await harness.stop()
    with closing(open_db(harness.settings.database.path)) as db:  # a first start: no mark
        db.execute("DELETE FROM stream_state WHERE platform = 'discord'")
        db.conn.commit()
    arrived = asyncio.Event()
    reading_state = DiscordSource.reading_state

    async def late_reading_state(self: DiscordSource, window_start: datetime) -> ReadingState:
        await arrived.wait()
        return await reading_state(self, window_start)

    monkeypatch.setattr(DiscordSource, "reading_state", late_reading_state)
    fake.hold_posts()
    await harness.start()
    waiting = [
        await fake.post(world.general_id, world.member, f"doi {LEE_DOI}"),
        await fake.post(world.general_id, world.other_member, f"PMID {FLUGE_PMID}"),
    ]
    await wait_until(lambda: fake.held_posts >= 1, what="a reply in flight")
    await asyncio.sleep(0.01)  # the clock moves past the messages' own times
    arrived.set()
    await harness.wait_caught_up()
    await harness.stop()  # the replies waiting are released
    fake.release_posts()
    monkeypatch.undo()
    await harness.start()
    await wait_until(
        lambda: all(fake.replies_to(int(m["id"])) for m in waiting),
        what="a reply to each message after the restart",
    )
    await settle()
    assert [len(fake.replies_to(int(m["id"]))) for m in waiting] == [1, 1]
