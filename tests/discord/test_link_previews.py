"""Link previews are not edits: Discord sends MESSAGE_UPDATE when it adds a link's preview
embeds, with `edited_timestamp` unchanged (null, or the time of the last real edit)."""

from __future__ import annotations

from tests.discord.commands_helpers import run_prefix
from tests.discord.conftest import LEE_DOI, LEE_ID, WALITT_DOI, WALITT_ID, Harness


def card_ids(reply: dict[str, object]) -> list[str]:
    embeds = reply["embeds"]
    assert isinstance(embeds, list)
    return [str(embed["url"]).rstrip("/").rsplit("/", 1)[-1] for embed in embeds]


async def test_a_preview_of_a_new_message_is_no_edit(harness: Harness) -> None:
    fake, world = harness.fake, harness.world
    await run_prefix(harness, world.moderator, world.quiet_id, "summon-only")
    message = await harness.say(world.quiet_id, world.member, f"https://doi.org/{LEE_DOI}")
    await run_prefix(harness, world.moderator, world.quiet_id, "on")
    update = await fake.unfurl(int(message["id"]))
    assert update["edited_timestamp"] is None
    assert update["embeds"]
    await harness.wait_handled(int(message["id"]), times=2)
    assert fake.replies_to(int(message["id"])) == []


async def test_a_preview_after_a_real_edit_is_no_second_edit(harness: Harness) -> None:
    fake, world = harness.fake, harness.world
    await run_prefix(harness, world.moderator, world.quiet_id, "summon-only")
    message = await harness.say(world.quiet_id, world.member, "have a look")
    await fake.edit(int(message["id"]), f"have a look: https://doi.org/{LEE_DOI}")
    await harness.wait_handled(int(message["id"]), times=2)  # an edit, quiet here
    await run_prefix(harness, world.moderator, world.quiet_id, "on")
    # The preview of the link the edit added keeps the edit's time.
    update = await fake.unfurl(int(message["id"]))
    assert update["edited_timestamp"] is not None
    await harness.wait_handled(int(message["id"]), times=3)
    assert fake.replies_to(int(message["id"])) == []
    # A real edit afterwards is one, and cards every study the message cites.
    await fake.edit(int(message["id"]), f"have a look: https://doi.org/{LEE_DOI} doi {WALITT_DOI}")
    [reply] = await fake.wait_for_reply(int(message["id"]))
    assert card_ids(reply) == [LEE_ID, WALITT_ID]
