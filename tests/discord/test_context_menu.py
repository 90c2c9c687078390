"""The "Check evidence" message context menu: a private answer, recorded nowhere."""

from __future__ import annotations

import pytest

from bot.core.commands import OFF_HERE
from tests.discord.commands_helpers import run_prefix
from tests.discord.conftest import FLUGE_ID, FLUGE_PMID, LEE_DOI, LEE_ID, Harness
from tests.discord.fake_discord.server import EPHEMERAL


@pytest.mark.parametrize(
    ("content", "cards"),
    [
        (f"doi {LEE_DOI}", [LEE_ID]),
        (f"doi {LEE_DOI} and PMID {FLUGE_PMID}", [LEE_ID, FLUGE_ID]),
    ],
)
async def test_check_evidence_shows_the_cards_privately(
    harness: Harness, content: str, cards: list[str]
) -> None:
    # Never delivered as MESSAGE_CREATE: the menu works from the interaction's copy alone.
    target = harness.fake.message_payload(harness.world.quiet_id, harness.world.member, content)
    pressed = await harness.fake.context_menu(
        harness.world.other_member, harness.world.quiet_id, "Check evidence", target
    )
    await harness.fake.wait_answered(pressed)
    [answer] = pressed.messages()
    assert int(answer["flags"]) & EPHEMERAL
    assert [e["url"].rsplit("/", 1)[-1] for e in answer["embeds"]] == cards
    assert list(harness.records.query("SELECT * FROM replies")) == []


async def test_check_evidence_on_a_message_without_studies_says_so(harness: Harness) -> None:
    target = harness.fake.message_payload(harness.world.general_id, harness.world.member, "hello")
    pressed = await harness.fake.context_menu(
        harness.world.member, harness.world.general_id, "Check evidence", target
    )
    await harness.fake.wait_answered(pressed)
    assert pressed.texts() == ["I found no atlas study in that message."]


@pytest.mark.parametrize("where", ["general_id", "thread_id"])
async def test_check_evidence_where_the_bot_is_off_says_so_privately(
    harness: Harness, where: str
) -> None:
    world = harness.world
    await run_prefix(harness, world.moderator, world.general_id, "off")
    channel = getattr(world, where)
    target = harness.fake.message_payload(channel, world.member, f"doi {LEE_DOI}")
    pressed = await harness.fake.context_menu(world.other_member, channel, "Check evidence", target)
    await harness.fake.wait_answered(pressed)
    [answer] = pressed.messages()
    assert int(answer["flags"]) & EPHEMERAL
    assert (pressed.texts(), answer["embeds"]) == ([OFF_HERE], [])
