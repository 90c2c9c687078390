"""A reply Discord refuses for good is told to the moderators (issue 23): the mod-log table
and the mod-log channel name the message that was not answered and why. A message deleted
before the reply went out is not worth their time."""

from __future__ import annotations

from typing import Any

import pytest

from tests.discord.conftest import LEE_DOI, Harness


def field_error(path: str, code: str, message: str) -> dict[str, Any]:
    """Discord's `errors` object for one rejected field (`a.0.b` nests as {a: {0: {b: …}}})."""
    leaf: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path.split(".")):
        leaf = {part: leaf}
    return leaf


async def refused_reply(
    harness: Harness, status: int, code: int, errors: dict[str, Any] | None
) -> dict[str, Any]:
    """A member cites a study in #general and Discord refuses the bot's reply; the message."""
    fake, world = harness.fake, harness.world
    fake.fail_next(
        "POST", rf"/channels/{world.general_id}/messages", status=status, code=code, errors=errors
    )
    message = await harness.say(world.general_id, world.member, f"doi {LEE_DOI}")
    assert fake.replies_to(int(message["id"])) == []
    result: dict[str, Any] = message
    return result


TOLD = [
    pytest.param(403, 50013, None, "HTTP 403, Discord error 50013: Missing Permissions", id="403"),
    pytest.param(
        400,
        50035,
        field_error("embeds.0.description", "BASE_TYPE_MAX_LENGTH", "Must be 4096 or fewer."),
        "embeds.0.description: Must be 4096 or fewer.",
        id="400-field",
    ),
]


@pytest.mark.parametrize(("status", "code", "errors", "reason"), TOLD)
async def test_a_reply_refused_for_good_is_told_to_the_moderators(
    harness: Harness, status: int, code: int, errors: dict[str, Any] | None, reason: str
) -> None:
    fake, world = harness.fake, harness.world
    message = await refused_reply(harness, status, code, errors)
    [line] = await fake.wait_for_channel_message(world.mod_log_id)
    assert fake.link(message) in line["content"]
    assert reason in line["content"]
    [row] = harness.records.query("SELECT * FROM mod_log WHERE action = 'reply refused'")
    assert row["target"] == message["id"]
    assert row["place"] == str(world.general_id)
    assert reason in row["detail"]


GONE = [
    pytest.param(404, 10008, None, id="unknown-message"),
    pytest.param(
        400,
        50035,
        field_error("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message"),
        id="reply-to-deleted",
    ),
]


@pytest.mark.parametrize(("status", "code", "errors"), GONE)
async def test_a_reply_to_a_deleted_message_is_not_reported(
    harness: Harness, status: int, code: int, errors: dict[str, Any] | None
) -> None:
    fake, world = harness.fake, harness.world
    await refused_reply(harness, status, code, errors)
    assert list(harness.records.query("SELECT * FROM mod_log")) == []
    assert fake.bot_messages(world.mod_log_id) == []


async def test_the_mod_log_channel_hears_of_one_refusal_reason_per_channel_once(
    harness: Harness,
) -> None:
    fake, world = harness.fake, harness.world
    first = await refused_reply(harness, 403, 50013, None)
    second = await refused_reply(harness, 403, 50013, None)
    [line] = await fake.wait_for_channel_message(world.mod_log_id)
    assert fake.link(first) in line["content"]
    assert "mod-log table only" in line["content"]
    rows = harness.records.query("SELECT target FROM mod_log WHERE action = 'reply refused'")
    assert [row["target"] for row in rows] == [first["id"], second["id"]]
    # Another channel, or another reason, is told again.
    fake.fail_next("POST", rf"/channels/{world.thread_id}/messages", status=403, code=50013)
    await harness.say(world.thread_id, world.member, f"doi {LEE_DOI}")
    await fake.wait_for_channel_message(world.mod_log_id, count=2)
