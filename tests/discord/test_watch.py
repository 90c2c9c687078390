"""Automatic replies: channels, threads and forum posts; no pings; once per message; edits."""

from __future__ import annotations

from typing import Any

import pytest

from tests.discord.conftest import FLUGE_ID, FLUGE_PMID, LEE_DOI, LEE_ID, WALITT_DOI, Harness


def _card_ids(reply: dict[str, Any]) -> list[str]:
    """Atlas slugs of the cards in a reply, from the embed links."""
    return [embed["url"].rstrip("/").rsplit("/", 1)[-1] for embed in reply["embeds"]]


@pytest.mark.parametrize("where", ["general_id", "thread_id", "forum_post_id"])
async def test_message_citing_a_study_gets_a_card_reply_in_the_same_place(
    harness: Harness, where: str
) -> None:
    channel_id = getattr(harness.world, where)
    message = await harness.say(channel_id, harness.world.member, f"Interesting: doi:{LEE_DOI}")
    [reply] = await harness.fake.wait_for_reply(int(message["id"]))
    assert reply["channel_id"] == str(channel_id)
    assert _card_ids(reply) == [LEE_ID]


async def test_reply_pings_nobody(harness: Harness) -> None:
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    [request] = harness.fake.requests_to("POST", rf"/channels/{harness.world.general_id}/messages")
    assert request.body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert request.body["message_reference"]["message_id"] == int(message["id"])


async def test_reply_carries_remove_and_wrong_match_buttons(harness: Harness) -> None:
    text = f"doi {LEE_DOI} and PMID {FLUGE_PMID}"
    message = await harness.say(harness.world.general_id, harness.world.member, text)
    [reply] = await harness.fake.wait_for_reply(int(message["id"]))
    custom_ids = [c["custom_id"] for row in reply["components"] for c in row["components"]]
    assert custom_ids == [
        f"evidence:remove:{harness.world.member.id}",
        f"evidence:wrong:{LEE_ID}",
        f"evidence:wrong:{FLUGE_ID}",
    ]


@pytest.mark.parametrize(
    ("author", "content"),
    [
        ("member", "No study here, just a chat about pacing."),
        ("other_bot", f"Bot relay: doi {LEE_DOI}"),
        ("bot_user", f"My own echo: doi {LEE_DOI}"),
    ],
)
async def test_no_reply_without_study_or_from_bots(
    harness: Harness, author: str, content: str
) -> None:
    message = await harness.say(harness.world.general_id, getattr(harness.world, author), content)
    assert harness.fake.replies_to(int(message["id"])) == []


async def test_same_message_delivered_again_gets_no_second_reply(harness: Harness) -> None:
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    await harness.fake.redeliver(message)
    await harness.wait_handled(int(message["id"]), times=2)
    assert len(harness.fake.replies_to(int(message["id"]))) == 1


async def test_two_simultaneous_deliveries_get_one_reply(harness: Harness) -> None:
    payload = harness.fake.message_payload(
        harness.world.general_id, harness.world.member, f"doi {LEE_DOI}"
    )
    harness.fake.messages[int(payload["id"])] = payload
    await harness.fake.redeliver(payload)
    await harness.fake.redeliver(payload)
    await harness.wait_handled(int(payload["id"]), times=2)
    assert len(harness.fake.replies_to(int(payload["id"]))) == 1


async def test_message_delivered_again_after_restart_gets_no_second_reply(
    harness: Harness,
) -> None:
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    await harness.restart()
    await harness.fake.redeliver(message)
    await harness.wait_handled(int(message["id"]), times=2)
    assert len(harness.fake.replies_to(int(message["id"]))) == 1


async def test_edit_adding_a_study_cards_only_the_new_study(harness: Harness) -> None:
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    await harness.fake.edit(int(message["id"]), f"doi {LEE_DOI}, and also doi {WALITT_DOI}")
    await harness.wait_handled(int(message["id"]), times=2)
    first, second = await harness.fake.wait_for_reply(int(message["id"]), count=2)
    assert _card_ids(first) == [LEE_ID]
    assert _card_ids(second) == ["walitt-2024-deep-phenotyping"]


async def test_edit_without_new_study_gets_no_new_reply(harness: Harness) -> None:
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    await harness.fake.edit(int(message["id"]), f"Fixed a typo. doi {LEE_DOI}")
    await harness.wait_handled(int(message["id"]), times=2)
    assert len(harness.fake.replies_to(int(message["id"]))) == 1


async def test_edit_after_restart_is_still_seen(harness: Harness) -> None:
    message = await harness.say(harness.world.general_id, harness.world.member, "no study yet")
    await harness.restart()
    await harness.fake.edit(int(message["id"]), f"now with doi {LEE_DOI}")
    await harness.wait_handled(int(message["id"]))
    [reply] = await harness.fake.wait_for_reply(int(message["id"]))
    assert _card_ids(reply) == [LEE_ID]


async def test_rate_limited_reply_is_retried_after_retry_after(harness: Harness) -> None:
    path = rf"/channels/{harness.world.general_id}/messages"
    harness.fake.rate_limit_next("POST", path, retry_after=0.05)
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    assert [r.status for r in harness.fake.requests_to("POST", path)] == [429, 200]
    assert len(harness.fake.replies_to(int(message["id"]))) == 1


async def test_same_study_again_in_the_thread_waits_for_the_cooldown(harness: Harness) -> None:
    await harness.say(harness.world.thread_id, harness.world.member, f"doi {LEE_DOI}")
    again = await harness.say(harness.world.thread_id, harness.world.other_member, LEE_DOI)
    assert harness.fake.replies_to(int(again["id"])) == []


async def test_direct_message_is_ignored(harness: Harness) -> None:
    payload = harness.fake.message_payload(
        harness.fake.ids.next(), harness.world.member, f"doi {LEE_DOI}"
    )
    del payload["guild_id"], payload["member"]
    harness.fake.messages[int(payload["id"])] = payload
    await harness.fake.redeliver(payload)
    # Without the DIRECT_MESSAGES intent Discord does not even send it; the next guild
    # message is handled after it would have been.
    await harness.say(harness.world.general_id, harness.world.member, "hello")
    assert harness.handled_count(int(payload["id"])) == 0
    assert harness.fake.requests_to("POST", r"/channels/\d+/messages") == []


async def test_failed_reply_is_released_so_a_later_delivery_answers(harness: Harness) -> None:
    harness.fake.fail_next("POST", rf"/channels/{harness.world.general_id}/messages")
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    assert harness.fake.replies_to(int(message["id"])) == []
    assert list(harness.records.query("SELECT * FROM replies")) == []
    await harness.fake.redeliver(message)
    [reply] = await harness.fake.wait_for_reply(int(message["id"]))
    assert _card_ids(reply) == [LEE_ID]
