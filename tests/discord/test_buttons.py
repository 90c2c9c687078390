"""The buttons under each card: Remove and Wrong match, also after a restart."""

from __future__ import annotations

from typing import Any

import pytest

from tests.discord.conftest import FLUGE_ID, FLUGE_PMID, LEE_DOI, LEE_ID, Harness
from tests.discord.fake_discord.server import EPHEMERAL
from tests.discord.waiting import wait_until


async def _card(harness: Harness, text: str = f"doi {LEE_DOI}") -> dict[str, Any]:
    """A member's message and the bot's card reply to it."""
    cited = await harness.say(harness.world.general_id, harness.world.member, text)
    [card] = await harness.fake.wait_for_reply(int(cited["id"]))
    return card


@pytest.mark.parametrize(
    ("who", "removed"),
    [("member", True), ("moderator", True), ("helper", True), ("other_member", False)],
)
async def test_remove_button_works_for_the_cited_author_and_moderators_only(
    harness: Harness, who: str, removed: bool
) -> None:
    card = await _card(harness)
    pressed = await harness.fake.click(
        getattr(harness.world, who), card, f"evidence:remove:{harness.world.member.id}"
    )
    await harness.fake.wait_answered(pressed)
    [answer] = pressed.messages()
    assert int(answer["flags"]) & EPHEMERAL
    if removed:
        await harness.fake.wait_for_channel_message(harness.world.mod_log_id)
    assert (int(card["id"]) in harness.fake.deleted) is removed
    actions = [r["action"] for r in harness.records.query("SELECT action FROM mod_log")]
    assert actions == (["remove"] if removed else [])


@pytest.mark.parametrize("entry_id", [LEE_ID, FLUGE_ID])
async def test_wrong_match_button_records_a_report_for_that_card(
    harness: Harness, entry_id: str
) -> None:
    card = await _card(harness, f"doi {LEE_DOI} and PMID {FLUGE_PMID}")
    pressed = await harness.fake.click(
        harness.world.other_member, card, f"evidence:wrong:{entry_id}"
    )
    await harness.fake.wait_answered(pressed)
    reports = list(
        harness.records.query(
            "SELECT entry_id, reply_id, message_id, permalink FROM wrong_match_reports"
        )
    )
    assert reports == [
        {
            "entry_id": entry_id,
            "reply_id": card["id"],
            "message_id": card["message_reference"]["message_id"],
            # On the configured server (EVBOT_DISCORD__API_BASE_URL), not discord.com.
            "permalink": harness.fake.link({**card, "guild_id": str(harness.world.guild_id)}),
        }
    ]
    assert "curators" in pressed.texts()[0]


async def test_buttons_still_work_after_a_restart(harness: Harness) -> None:
    card = await _card(harness)
    await harness.restart()
    pressed = await harness.fake.click(
        harness.world.member, card, f"evidence:remove:{harness.world.member.id}"
    )
    await harness.fake.wait_answered(pressed)
    # The bot answers the press first, then deletes the card.
    await wait_until(lambda: int(card["id"]) in harness.fake.deleted, what="the card deleted")
