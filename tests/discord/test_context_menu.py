"""The "Check evidence" message context menu: a private answer, recorded nowhere."""

from __future__ import annotations

import pytest

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
