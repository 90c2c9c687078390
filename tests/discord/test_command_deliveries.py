"""Cards a command asks for go through the core's delivery: a refused send frees the claim
and tells the member, and a released message is answered by the next request."""

from __future__ import annotations

from typing import Any

from bot.discord_bot.cogs.evidence import FAILED_TEXT
from tests.discord.commands_helpers import run_prefix
from tests.discord.conftest import LEE_DOI, LEE_ID, Harness


def reply_rows(harness: Harness, message_id: str) -> list[Any]:
    """The reply-log rows (claims and confirmed replies) for one message."""
    return list(
        harness.records.query("SELECT reply_id FROM replies WHERE message_id = ?", [message_id])
    )


async def test_a_refused_post_card_is_released_and_the_moderator_told(harness: Harness) -> None:
    world = harness.world
    channel = world.general_id
    target = await harness.say(channel, world.other_member, "what about that brain study?")
    harness.fake.fail_next("POST", rf"/channels/{channel}/messages", status=403, code=50013)
    answer = await run_prefix(
        harness, world.moderator, channel, f"post {LEE_DOI}", reference_id=int(target["id"])
    )
    assert answer.texts == [FAILED_TEXT]
    assert harness.fake.replies_to(int(target["id"])) == []
    assert reply_rows(harness, target["id"]) == []
    await run_prefix(
        harness, world.moderator, channel, f"post {LEE_DOI}", reference_id=int(target["id"])
    )
    [card] = harness.fake.replies_to(int(target["id"]))
    assert card["embeds"][0]["url"].endswith(LEE_ID)
    assert [row["reply_id"] for row in reply_rows(harness, target["id"])] == [card["id"]]
