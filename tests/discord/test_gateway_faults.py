"""One gateway event discord.py cannot read never ends the bot (issue 23): it is logged with
its type and skipped, and the bot goes on answering; a frame that breaks the connection
itself makes the bot connect again."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.discord_bot import app
from tests.discord.conftest import FLUGE_PMID, LEE_DOI, Harness, start_discord_cli
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until

Json = dict[str, Any]


def thread_without_metadata(fake: FakeDiscord) -> Json:
    """THREAD_CREATE without `thread_metadata`, which Discord always sends for a thread
    (https://discord.com/developers/docs/resources/channel#channel-object)."""
    thread = fake.world.add_thread(fake.ids.next(), "odd thread", fake.world.general_id,
                                   fake.world.member)  # fmt: skip
    return {key: value for key, value in thread.items() if key != "thread_metadata"}


def channel_with_overwrites_by_id(fake: FakeDiscord) -> Json:
    """CHANNEL_UPDATE whose `permission_overwrites` is an object keyed by role id instead of
    Discord's list of overwrite objects
    (https://discord.com/developers/docs/resources/channel#overwrite-object)."""
    channel = fake.world.channel_payload(fake.world.general_id)
    role_id = str(fake.world.helper_role_id)
    overwrite = {"id": role_id, "type": 0, "allow": "0", "deny": "0"}
    return {**channel, "permission_overwrites": {role_id: overwrite}}


def guild_with_role_objects(fake: FakeDiscord) -> Json:
    """GUILD_CREATE whose members list role objects where Discord lists role ids
    (https://discord.com/developers/docs/resources/guild#guild-member-object)."""
    guild = fake.world.guild_payload()
    roles = {role["id"]: role for role in guild["roles"]}
    members = [{**m, "roles": [roles[r] for r in m["roles"]]} for m in guild["members"]]
    return {**guild, "members": members}


UNREADABLE: list[tuple[str, Callable[[FakeDiscord], Json], str]] = [
    ("THREAD_CREATE", thread_without_metadata, ""),
    ("CHANNEL_UPDATE", channel_with_overwrites_by_id, ""),
    ("GUILD_CREATE", guild_with_role_objects, "is unknown to the bot until it connects again"),
]


@pytest.mark.parametrize(
    ("event", "payload", "consequence"), UNREADABLE, ids=[e for e, _, _ in UNREADABLE]
)
async def test_an_unreadable_event_is_logged_by_type_and_the_bot_keeps_answering(
    harness: Harness,
    caplog: pytest.LogCaptureFixture,
    event: str,
    payload: Callable[[FakeDiscord], Json],
    consequence: str,
) -> None:
    caplog.set_level(logging.ERROR)
    fake, world = harness.fake, harness.world
    await harness.wait_caught_up()
    await fake.dispatch(event, payload(fake))
    message = await harness.say(world.general_id, world.member, f"doi {LEE_DOI}")
    assert await fake.wait_for_reply(int(message["id"]))
    assert f"skipped a {event} event" in caplog.text
    assert consequence in caplog.text
    assert harness.task is not None
    assert not harness.task.done()
    assert len(fake.identifies) == 1  # no reconnect was needed


async def test_a_message_event_with_role_objects_is_answered_from_the_api(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    fake, world = harness.fake, harness.world
    await harness.wait_caught_up()
    thread = await fake.create_thread(world.general_id, "new findings", world.helper)
    odd = await fake.post_with_role_objects(int(thread["id"]), world.helper, f"doi {LEE_DOI}")
    normal = await harness.say(world.general_id, world.member, f"PMID {FLUGE_PMID}")
    assert await fake.wait_for_reply(int(normal["id"]))
    # The message the gateway event could not carry is read through the API and answered.
    [reply] = await fake.wait_for_reply(int(odd["id"]))
    assert reply["channel_id"] == thread["id"]
    assert "skipped a MESSAGE_CREATE event" in caplog.text
    assert fake.requests_to("GET", rf"/channels/{thread['id']}/messages/{odd['id']}")


async def test_a_garbled_frame_makes_the_bot_connect_again_and_answer(
    harness: Harness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "RECONNECT_DELAYS", (0.0,))
    caplog.set_level(logging.ERROR)
    fake, world = harness.fake, harness.world
    await harness.wait_caught_up()
    await fake.send_raw_frame('{"op": 0, "t": "MESSAGE_CREATE", "d": {"id": ')  # cut short
    await wait_until(lambda: len(fake.identifies) == 2, what="a second IDENTIFY")
    await fake.wait_connected()
    await harness.wait_caught_up(2)
    message = await harness.say(world.general_id, world.member, f"doi {LEE_DOI}")
    assert await fake.wait_for_reply(int(message["id"]))
    assert "connecting again" in caplog.text
    assert harness.task is not None
    assert not harness.task.done()


async def test_an_unreadable_event_type_logs_its_traceback_once(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    fake, world = harness.fake, harness.world
    await harness.wait_caught_up()
    for _ in range(2):
        await fake.dispatch("CHANNEL_UPDATE", channel_with_overwrites_by_id(fake))
    # Events are read in order: once this message is handled, both were skipped.
    await harness.say(world.general_id, world.member, f"doi {LEE_DOI}")
    skipped = [r for r in caplog.records if "skipped a CHANNEL_UPDATE" in r.getMessage()]
    assert [bool(record.exc_info) for record in skipped] == [True, False]


async def test_the_discord_process_survives_an_unreadable_event(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    fake, world = fake_discord, fake_discord.world
    process = await start_discord_cli(fake, "--db", str(atlas_db_path), "run", "discord")
    try:
        # The first catch-up lists the active threads: from then on messages are live.
        await wait_until(
            lambda: fake.requests_to("GET", r"/guilds/\d+/threads/active"),
            timeout=60,
            what="the bot's first catch-up",
        )
        await fake.dispatch("THREAD_CREATE", thread_without_metadata(fake))
        message = await fake.post(world.general_id, world.member, f"doi {LEE_DOI}")
        await fake.wait_for_reply(int(message["id"]))
        assert process.returncode is None
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    text = output.decode()
    assert process.returncode == 0, text
    assert "skipped a THREAD_CREATE event" in text
    assert fake.bot_token not in text
