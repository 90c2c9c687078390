"""Downtime loses nothing: after a restart, and after a resume whose replay missed events,
the bot reads what it missed in every watched channel and thread (no message is delivered
again by hand), answers what still needs answering and logs every sighting, within
`reply.catch_up_hours` and `reply.catch_up_max_messages` per channel."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.discord_bot import cursors
from bot.discord_bot.cursors import PLATFORM, WATCHING_SINCE, advance, reading_state
from records.db import open_db
from records.streams import Streams
from tests.discord.conftest import (
    FLUGE_ID,
    FLUGE_PMID,
    LEE_DOI,
    LEE_ID,
    WALITT_DOI,
    WALITT_ID,
    Harness,
    settings_for,
)
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import settle, wait_until

Json = dict[str, Any]


def card_ids(reply: Json) -> list[str]:
    return [embed["url"].rstrip("/").rsplit("/", 1)[-1] for embed in reply["embeds"]]


def sightings(harness: Harness) -> list[tuple[str, str]]:
    rows = harness.records.query("SELECT paper_key, message_id FROM sightings ORDER BY id")
    return [(row["paper_key"], row["message_id"]) for row in rows]


def handled_until(db_path: Path, channel_id: int, message_id: int, since: datetime) -> None:
    """Records of a bot running since `since` that handled `channel_id` up to `message_id`."""
    db = open_db(db_path)
    try:
        Streams(db, PLATFORM).save_cursor(WATCHING_SINCE, since.isoformat())
        advance(db, channel_id, message_id)
    finally:
        db.close()


@pytest.fixture
async def stopped(fake_discord: FakeDiscord, atlas_db_path: Path) -> AsyncIterator[Harness]:
    """A harness that has run once (so the records know it) and is stopped now."""
    running = Harness(fake_discord, settings_for(fake_discord, atlas_db_path))
    await running.start()
    await running.wait_caught_up()
    await running.stop()
    yield running
    await running.stop()


async def test_messages_posted_while_the_bot_was_down_are_answered_after_a_restart(
    stopped: Harness,
) -> None:
    fake, world = stopped.fake, stopped.world
    missed = [
        await fake.post(world.general_id, world.member, f"doi {LEE_DOI} and doi:10.5555/away.1"),
        await fake.post(world.thread_id, world.other_member, f"PMID {FLUGE_PMID}"),
        await fake.post(world.forum_post_id, world.member, "only doi:10.5555/away.2 here"),
        await fake.post(world.quiet_id, world.other_member, "just chatting"),
    ]
    await stopped.start()
    report = await stopped.wait_caught_up()

    assert [card_ids(r) for r in fake.replies_to(int(missed[0]["id"]))] == [[LEE_ID]]
    assert [card_ids(r) for r in fake.replies_to(int(missed[1]["id"]))] == [[FLUGE_ID]]
    assert fake.replies_to(int(missed[2]["id"])) == []
    assert sightings(stopped) == [
        ("doi:10.5555/away.1", missed[0]["id"]),
        ("doi:10.5555/away.2", missed[2]["id"]),
    ]
    assert (report.reason, report.handled, report.replies) == ("ready", 4, 2)


async def test_a_second_restart_answers_nothing_twice_and_reads_only_newer_messages(
    stopped: Harness,
) -> None:
    fake, world = stopped.fake, stopped.world
    first = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    await stopped.start()
    await stopped.wait_caught_up()
    await fake.wait_for_reply(int(first["id"]))
    await stopped.stop()
    second = await fake.post(world.general_id, world.member, f"doi {WALITT_DOI}")
    await stopped.start()
    report = await stopped.wait_caught_up()
    await settle()

    assert [card_ids(r) for r in fake.replies_to(int(first["id"]))] == [[LEE_ID]]
    assert [card_ids(r) for r in fake.replies_to(int(second["id"]))] == [[WALITT_ID]]
    assert report.handled == 1  # only the new message: the cursor is past the others


async def test_the_very_first_start_does_not_answer_older_history(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    world = fake_discord.world
    before = await fake_discord.post(world.general_id, world.member, f"doi {LEE_DOI}")
    harness = Harness(fake_discord, settings_for(fake_discord, atlas_db_path))
    await harness.start()
    try:
        report = await harness.wait_caught_up()
        assert report.handled == 0
        assert fake_discord.replies_to(int(before["id"])) == []
    finally:
        await harness.stop()


async def test_a_resume_whose_replay_missed_events_catches_up(harness: Harness) -> None:
    fake, world = harness.fake, harness.world
    await harness.wait_caught_up()
    await fake.close_gateway(4000, keep_events=False)
    lost = await fake.post(world.general_id, world.member, f"doi {LEE_DOI} doi:10.5555/lost")
    await wait_until(lambda: fake.resumes, what="a RESUME")
    report = await harness.wait_caught_up(2)

    assert report.reason == "resumed"
    [reply] = await fake.wait_for_reply(int(lost["id"]))
    assert card_ids(reply) == [LEE_ID]
    assert sightings(harness) == [("doi:10.5555/lost", lost["id"])]
    assert len(fake.identifies) == 1


async def test_messages_older_than_the_catch_up_window_are_left_alone(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    world = fake_discord.world
    now = datetime.now(UTC)
    # The bot was down for three days (Discord channels are older than their messages).
    three_days = fake_discord.ids.at(now - timedelta(days=3))
    handled_until(atlas_db_path, world.general_id, three_days, now - timedelta(days=30))
    old = await fake_discord.post(
        world.general_id,
        world.member,
        f"doi {LEE_DOI}",
        message_id=fake_discord.ids.at(now - timedelta(hours=30)),
    )
    recent = await fake_discord.post(
        world.general_id,
        world.member,
        f"doi {WALITT_DOI}",
        message_id=fake_discord.ids.at(now - timedelta(hours=2)),
    )
    harness = Harness(fake_discord, settings_for(fake_discord, atlas_db_path))
    await harness.start()
    try:
        await harness.wait_caught_up()
        assert harness.settings.reply.catch_up_hours == 24
        assert fake_discord.replies_to(int(old["id"])) == []
        assert [card_ids(r) for r in fake_discord.replies_to(int(recent["id"]))] == [[WALITT_ID]]
    finally:
        await harness.stop()


async def test_at_most_the_newest_messages_per_channel_are_read(
    stopped: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake, world = stopped.fake, stopped.world
    dois = [LEE_DOI, WALITT_DOI, "10.7326/M18-1451", "10.1073/pnas.1607571113"]
    posted = [await fake.post(world.general_id, world.member, f"doi {doi}") for doi in dois]
    stopped.settings = stopped.settings.model_copy(
        update={"reply": stopped.settings.reply.model_copy(update={"catch_up_max_messages": 2})}
    )
    await stopped.start()
    report = await stopped.wait_caught_up()

    answered = [bool(fake.replies_to(int(m["id"]))) for m in posted]
    assert answered == [False, False, True, True]
    assert report.capped_channels == [world.general_id]
    assert "more than 2 messages to catch up" in caplog.text


async def test_a_message_posted_and_edited_while_the_bot_was_down_is_read_as_edited(
    stopped: Harness,
) -> None:
    fake, world = stopped.fake, stopped.world
    message = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    await fake.edit(int(message["id"]), f"doi {LEE_DOI}, and PMID {FLUGE_PMID}")
    await stopped.start()
    await stopped.wait_caught_up()
    [reply] = fake.replies_to(int(message["id"]))
    assert card_ids(reply) == [LEE_ID, FLUGE_ID]


async def test_commands_posted_while_the_bot_was_down_are_not_run_late(stopped: Harness) -> None:
    fake, world = stopped.fake, stopped.world
    command = await fake.post(world.general_id, world.moderator, "!evidence off")
    await stopped.start()
    report = await stopped.wait_caught_up()
    await settle()
    assert report.read == 1
    assert fake.replies_to(int(command["id"])) == []
    assert list(stopped.records.query("SELECT * FROM place_settings")) == []


async def test_a_channel_whose_catch_up_failed_is_reported_and_read_again(
    stopped: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    fake, world = stopped.fake, stopped.world
    missed = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    fake.fail_next("GET", rf"/channels/{world.general_id}/messages", code=50001)
    stopped.set_reply(catch_up_retry_seconds=0.05)
    await stopped.start()
    first = await stopped.wait_caught_up()
    retry = await stopped.wait_caught_up(2)

    assert first.failed_channels == [world.general_id]
    assert first.retry_in == 0.05
    assert f"could not read 1 channel ({world.general_id}), trying again in 0.05 s" in caplog.text
    assert (retry.reason, retry.failed_channels, retry.replies) == ("retry", [], 1)
    assert [card_ids(r) for r in fake.replies_to(int(missed["id"]))] == [[LEE_ID]]


async def test_a_live_message_does_not_move_a_failed_channels_cursor_past_unread_ones(
    stopped: Harness,
) -> None:
    fake, world = stopped.fake, stopped.world
    missed = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    fake.fail_next("GET", rf"/channels/{world.general_id}/messages", code=50001)
    stopped.set_reply(catch_up_retry_seconds=3600)
    await stopped.start()
    assert (await stopped.wait_caught_up()).failed_channels == [world.general_id]
    live = await stopped.say(world.general_id, world.other_member, f"PMID {FLUGE_PMID}")
    await fake.wait_for_reply(int(live["id"]))
    await stopped.restart()  # before the retry: the next start must still read `missed`
    await stopped.wait_caught_up()
    assert [card_ids(r) for r in fake.replies_to(int(missed["id"]))] == [[LEE_ID]]


async def test_a_message_discord_py_cannot_build_is_skipped_not_its_channel(
    stopped: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    fake, world = stopped.fake, stopped.world
    before = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    # Role objects where Discord lists role ids (`mention_roles`,
    # https://discord.com/developers/docs/resources/message#message-object), as a
    # Discord-compatible server sent them.
    role = next(r for r in world.roles_payload() if r["id"] == str(world.helper_role_id))
    odd = await fake.post(
        world.general_id, world.member, f"<@&{role['id']}> doi {WALITT_DOI}", mention_roles=[role]
    )
    after = await fake.post(world.general_id, world.other_member, f"PMID {FLUGE_PMID}")
    await stopped.start()
    report = await stopped.wait_caught_up()

    assert [card_ids(r) for r in fake.replies_to(int(before["id"]))] == [[LEE_ID]]
    assert [card_ids(r) for r in fake.replies_to(int(after["id"]))] == [[FLUGE_ID]]
    assert fake.replies_to(int(odd["id"])) == []
    assert (report.failed_channels, report.skipped_messages) == ([], [int(odd["id"])])
    assert report.read == 3
    assert f"skipped message {odd['id']}, which discord.py could not read" in caplog.text
    assert "skipped 1 message discord.py could not read" in caplog.text


async def test_a_thread_discord_py_cannot_build_is_left_out_not_the_catch_up(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    fake, world = harness.fake, harness.world
    await harness.wait_caught_up()
    # Listed without `auto_archive_duration`, which Discord always sends in a thread's
    # metadata (https://discord.com/developers/docs/resources/channel#thread-metadata-object).
    odd = world.add_thread(fake.ids.next(), "odd thread", world.general_id, world.member)
    del odd["thread_metadata"]["auto_archive_duration"]
    await fake.close_gateway(4000, keep_events=False)
    lost = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    await wait_until(lambda: fake.resumes, what="a RESUME")
    report = await harness.wait_caught_up(2)

    assert report.reason == "resumed"
    assert [card_ids(r) for r in fake.replies_to(int(lost["id"]))] == [[LEE_ID]]
    assert f"left out thread {odd['id']}, which discord.py could not read" in caplog.text


async def test_a_retry_that_fails_as_a_whole_is_tried_again(
    stopped: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, world = stopped.fake, stopped.world
    missed = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
    fake.fail_next("GET", rf"/channels/{world.general_id}/messages", code=50001)
    calls: list[int] = []

    def reading_state_failing_on_the_retry(*args: Any) -> Any:
        calls.append(len(calls))
        if len(calls) == 2:  # the first retry: the records cannot be read this once
            raise sqlite3.OperationalError("disk I/O error")
        return reading_state(*args)

    monkeypatch.setattr(cursors, "reading_state", reading_state_failing_on_the_retry)
    stopped.set_reply(catch_up_retry_seconds=0.05)
    await stopped.start()
    assert (await stopped.wait_caught_up()).failed_channels == [world.general_id]
    retry = await stopped.wait_caught_up(2)
    assert (retry.reason, retry.replies) == ("retry", 1)
    assert len(calls) == 3
    assert [card_ids(r) for r in fake.replies_to(int(missed["id"]))] == [[LEE_ID]]
