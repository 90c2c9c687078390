"""Threads opened while the bot runs are watched at once: joined, answered, and read after a
restart even when they were archived meanwhile."""

from __future__ import annotations

from typing import Any

from tests.discord.commands_helpers import run_prefix
from tests.discord.conftest import FLUGE_PMID, LEE_DOI, LEE_ID, Harness


def card_ids(reply: dict[str, object]) -> list[str]:
    embeds = reply["embeds"]
    assert isinstance(embeds, list)
    return [str(embed["url"]).rstrip("/").rsplit("/", 1)[-1] for embed in embeds]


async def test_a_new_thread_is_joined_and_its_messages_answered(harness: Harness) -> None:
    fake, world = harness.fake, harness.world
    thread = await fake.create_thread(world.general_id, "fresh findings", world.member)
    message = await harness.say(int(thread["id"]), world.other_member, f"doi {LEE_DOI}")
    [reply] = await fake.wait_for_reply(int(message["id"]))
    assert reply["channel_id"] == thread["id"]
    assert card_ids(reply) == [LEE_ID]
    assert fake.thread_joins == [int(thread["id"])]


async def test_a_new_forum_post_is_answered_from_its_first_message(harness: Harness) -> None:
    fake, world = harness.fake, harness.world
    thread = await fake.create_thread(
        world.forum_id, "Brain study", world.member, first_message=f"What about doi {LEE_DOI}?"
    )
    await harness.wait_handled(int(thread["id"]))
    [reply] = await fake.wait_for_reply(int(thread["id"]))
    assert card_ids(reply) == [LEE_ID]


async def test_a_new_thread_follows_its_channels_mode(harness: Harness) -> None:
    fake, world = harness.fake, harness.world
    await run_prefix(harness, world.moderator, world.quiet_id, "off")
    thread = await fake.create_thread(world.quiet_id, "side chat", world.member)
    message = await harness.say(int(thread["id"]), world.member, f"doi {LEE_DOI}")
    assert fake.replies_to(int(message["id"])) == []


async def archived_while_down(harness: Harness) -> tuple[dict[str, Any], dict[str, Any]]:
    """A thread the bot joined, archived while the bot was stopped, with a message posted
    meanwhile: (thread, missed message). The bot is stopped."""
    fake, world = harness.fake, harness.world
    await harness.wait_caught_up()
    thread = await fake.create_thread(world.general_id, "quick question", world.member)
    await fake.wait_for_thread_join(int(thread["id"]))
    await harness.stop()
    missed = await fake.post(int(thread["id"]), world.other_member, f"PMID {FLUGE_PMID}")
    fake.archive_thread(int(thread["id"]))  # no longer listed among the active threads
    return thread, missed


async def test_a_thread_archived_while_the_bot_was_down_is_still_read(harness: Harness) -> None:
    thread, missed = await archived_while_down(harness)
    await harness.start()
    await harness.wait_caught_up()
    [reply] = await harness.fake.wait_for_reply(int(missed["id"]))
    assert reply["channel_id"] == thread["id"]


async def test_an_archived_thread_that_cannot_be_looked_up_now_is_read_again_later(
    harness: Harness,
) -> None:
    thread, missed = await archived_while_down(harness)
    # Archived threads are not in the gateway's cache: the catch-up looks them up, and
    # this lookup meets a passing server error.
    harness.fake.fail_next("GET", rf"/channels/{thread['id']}", status=503, code=0)
    harness.set_reply(catch_up_retry_seconds=0.05)
    await harness.start()
    first = await harness.wait_caught_up()
    assert first.failed_channels == [int(thread["id"])]
    await harness.wait_caught_up(2)
    [reply] = await harness.fake.wait_for_reply(int(missed["id"]))
    assert reply["channel_id"] == thread["id"]
