"""A claim left by a killed process (claimed, never confirmed) after a restart.

The records hold a claim as a process killed between claiming and confirming leaves it;
nobody delivers the message again: the new bot's catch-up reads it from the channel. Past
the lease it looks in the channel for the reply the dead process may have sent: found, it is
confirmed and nothing is posted; not found, the message is answered once. A claim younger
than the lease is left alone until the lease ends, then taken over the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from records.db import open_db
from records.replies import claim_reply, get_reply
from tests.discord.conftest import LEE_DOI, LEE_ID, Harness, settings_for
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import settle, wait_until

Json = dict[str, object]
LEASE = 120.0


@pytest.fixture
async def stopped(fake_discord: FakeDiscord, atlas_db_path: Path) -> AsyncIterator[Harness]:
    """A harness whose bot is not running yet (the killed process is gone)."""
    running = Harness(fake_discord, settings_for(fake_discord, atlas_db_path))
    assert running.settings.reply.claim_lease_seconds == LEASE
    yield running
    await running.stop()


def leave_claim(db_path: Path, message: Json, *, age: float) -> None:
    """What a process killed after claiming `message` `age` seconds ago left behind."""
    db = open_db(db_path)
    try:
        channel = str(message["channel_id"])
        won = claim_reply(
            db,
            platform="discord",
            place=channel,
            thread=channel,
            message_id=str(message["id"]),
            entry_ids=[LEE_ID],
            at=datetime.now(UTC) - timedelta(seconds=age),
        )
        assert won == (LEE_ID,)
    finally:
        db.close()


def reply_posts(fake: FakeDiscord, channel_id: int) -> int:
    return len(fake.requests_to("POST", rf"/channels/{channel_id}/messages"))


def history_reads(fake: FakeDiscord, channel_id: int) -> int:
    return len(fake.requests_to("GET", rf"/channels/{channel_id}/messages"))


async def test_a_stale_claim_whose_reply_was_sent_is_confirmed_without_a_second_post(
    stopped: Harness, fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    world = fake_discord.world
    message = await fake_discord.post(world.general_id, world.member, f"see doi:{LEE_DOI}")
    leave_claim(atlas_db_path, message, age=LEASE + 60)
    # The dead process's reply reached Discord (long enough ago that its nonce is forgotten).
    chatter = await fake_discord.post(world.general_id, world.other_member, "unrelated")
    earlier = fake_discord.message_payload(
        world.general_id, world.bot_user, "cards", reference_id=int(str(message["id"]))
    )
    fake_discord.messages[int(str(earlier["id"]))] = earlier
    assert int(str(chatter["id"])) < int(str(earlier["id"]))

    await stopped.start()
    await stopped.wait_caught_up()
    await settle()

    assert stopped.handled_count(int(str(message["id"]))) == 1
    assert [r["id"] for r in fake_discord.replies_to(int(str(message["id"])))] == [earlier["id"]]
    assert reply_posts(fake_discord, world.general_id) == 0
    assert history_reads(fake_discord, world.general_id) == 2  # the catch-up, then the search
    record = get_reply(stopped.records, "discord", str(message["id"]))
    assert record is not None
    assert record.reply_id == earlier["id"]


async def test_a_stale_claim_whose_reply_was_not_sent_is_answered_once(
    stopped: Harness, fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    world = fake_discord.world
    message = await fake_discord.post(world.general_id, world.member, f"see doi:{LEE_DOI}")
    leave_claim(atlas_db_path, message, age=LEASE + 60)
    # Someone else's reply to the message is not the bot's.
    await fake_discord.post(
        world.general_id, world.other_member, "me too", reference_id=int(str(message["id"]))
    )

    await stopped.start()
    await stopped.wait_caught_up()
    await wait_until(
        lambda: fake_discord.replies_to(int(str(message["id"]))), what="the bot's reply"
    )
    await stopped.wait_handled(int(str(message["id"])))
    await fake_discord.redeliver(message)  # and a later delivery sends nothing more
    await stopped.wait_handled(int(str(message["id"])), times=2)
    await settle()

    (reply,) = fake_discord.replies_to(int(str(message["id"])))
    assert reply_posts(fake_discord, world.general_id) == 1
    record = get_reply(stopped.records, "discord", str(message["id"]))
    assert record is not None
    assert record.reply_id == reply["id"]


async def test_a_claim_younger_than_the_lease_is_left_alone(
    stopped: Harness, fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    world = fake_discord.world
    message = await fake_discord.post(world.general_id, world.member, f"see doi:{LEE_DOI}")
    leave_claim(atlas_db_path, message, age=1.0)

    await stopped.start()
    await stopped.wait_caught_up()
    await stopped.wait_handled(int(str(message["id"])))
    await settle()

    assert fake_discord.replies_to(int(str(message["id"]))) == []
    assert (
        reply_posts(fake_discord, world.general_id),
        history_reads(fake_discord, world.general_id),
    ) == (0, 1)  # read by the catch-up, not searched
    record = get_reply(stopped.records, "discord", str(message["id"]))
    assert record is not None
    assert record.reply_id is None


async def test_a_stale_claim_is_kept_unsent_when_the_channel_cannot_be_read(
    stopped: Harness, fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    world = fake_discord.world
    message = await fake_discord.post(world.general_id, world.member, f"see doi:{LEE_DOI}")
    leave_claim(atlas_db_path, message, age=LEASE + 60)
    history = rf"/channels/{world.general_id}/messages"
    fake_discord.fail_next("GET", history, status=403, code=50001)

    await stopped.start()
    report = await stopped.wait_caught_up()
    assert report.failed_channels == [world.general_id]
    fake_discord.fail_next("GET", history, status=403, code=50001)
    await fake_discord.redeliver(message)  # the search for the earlier reply fails too
    await stopped.wait_handled(int(str(message["id"])))
    await settle()

    assert history_reads(fake_discord, world.general_id) == 2
    assert reply_posts(fake_discord, world.general_id) == 0
    record = get_reply(stopped.records, "discord", str(message["id"]))
    assert record is not None
    assert record.reply_id is None  # still claimed: silence rather than a possible copy


async def test_a_claim_younger_than_the_lease_is_taken_over_when_the_lease_ends(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    world = fake_discord.world
    message = await fake_discord.post(world.general_id, world.member, f"see doi:{LEE_DOI}")
    leave_claim(atlas_db_path, message, age=0.0)
    settings = settings_for(fake_discord, atlas_db_path)
    settings = settings.model_copy(
        update={"reply": settings.reply.model_copy(update={"claim_lease_seconds": 1.0})}
    )
    running = Harness(fake_discord, settings)
    await running.start()
    try:
        await running.wait_caught_up()
        # Nobody delivers the message again: the bot looks at it once the lease has ended.
        [reply] = await fake_discord.wait_for_reply(int(str(message["id"])))
        await running.wait_handled(int(str(message["id"])), times=2)
        record = get_reply(running.records, "discord", str(message["id"]))
        assert record is not None
        assert record.reply_id == reply["id"]
    finally:
        await running.stop()
