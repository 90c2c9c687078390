"""`!evidence …` and `/evidence …`: every subcommand, with and without permission."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.commands import OFF_HERE
from records.posted_cards import refresh_off_places
from tests.discord.commands_helpers import Answer, run_prefix, run_slash
from tests.discord.conftest import FLUGE_PMID, LEE_DOI, LEE_ID, Harness
from tests.discord.fake_discord import FakeUser

REFUSAL = "Only moderators"
UNKNOWN_DOI = "10.5555/not.in.atlas.2024"


async def run(
    harness: Harness, style: str, user: FakeUser, channel_id: int, sub: str, **options: Any
) -> Answer:
    """One command, as a prefix message or a slash interaction."""
    if style == "slash":
        return await run_slash(harness, user, channel_id, sub, **options)
    words = " ".join(str(v) for v in options.values())
    text = f"{sub} {words}" if sub != "lookup" else words
    return await run_prefix(harness, user, channel_id, text.strip())


def place_row(harness: Harness, channel_id: int) -> dict[str, Any] | None:
    """The stored settings of a channel."""
    rows = list(
        harness.records.query(
            "SELECT mode, cooldown_hours FROM place_settings WHERE place = ?", [str(channel_id)]
        )
    )
    return rows[0] if rows else None


def mod_log_actions(harness: Harness) -> list[str]:
    """Actions in the mod-log table, oldest first."""
    return [
        row["action"] for row in harness.records.query("SELECT action FROM mod_log ORDER BY id")
    ]


STYLES = ["prefix", "slash"]
MODERATOR_COMMANDS: list[tuple[str, dict[str, Any]]] = [
    ("on", {}),
    ("off", {}),
    ("summon-only", {}),
    ("cooldown", {"hours": "6"}),
    ("stats", {}),
    ("unmatched", {"count": "3"}),
    ("post", {"query": LEE_DOI}),
    ("remove", {"message": "1234567890123456789"}),
]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize(("sub", "options"), MODERATOR_COMMANDS)
async def test_members_are_refused_moderator_commands(
    harness: Harness, style: str, sub: str, options: dict[str, Any]
) -> None:
    answer = await run(
        harness, style, harness.world.member, harness.world.general_id, sub, **options
    )
    assert REFUSAL in answer.text
    assert answer.private == (style == "slash")
    assert place_row(harness, harness.world.general_id) is None
    assert mod_log_actions(harness) == []


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("who", ["moderator", "helper"])
@pytest.mark.parametrize(
    ("command", "stored"),
    [
        (("on", {}), {"mode": "auto", "cooldown_hours": None}),
        (("off", {}), {"mode": "off", "cooldown_hours": None}),
        (("summon-only", {}), {"mode": "summon-only", "cooldown_hours": None}),
        (("cooldown", {"hours": "6"}), {"mode": "auto", "cooldown_hours": 6.0}),
    ],
)
async def test_moderators_change_this_channel_and_the_change_is_logged(
    harness: Harness, style: str, who: str, command: tuple[str, dict[str, Any]], stored: Any
) -> None:
    sub, options = command
    user = getattr(harness.world, who)
    answer = await run(harness, style, user, harness.world.general_id, sub, **options)
    assert REFUSAL not in answer.text
    assert place_row(harness, harness.world.general_id) == stored
    assert len(mod_log_actions(harness)) == 1
    [log_line] = await harness.fake.wait_for_channel_message(harness.world.mod_log_id)
    assert str(user.id) in log_line["content"]
    assert log_line["embeds"] == []


@pytest.mark.parametrize("style", STYLES)
async def test_stats_shows_mode_and_counts_to_moderators(harness: Harness, style: str) -> None:
    await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    answer = await run(harness, style, harness.world.moderator, harness.world.general_id, "stats")
    assert "Mode here: auto" in answer.text
    assert "Replies here: 1" in answer.text


@pytest.mark.parametrize("style", STYLES)
async def test_unmatched_lists_papers_seen_here(harness: Harness, style: str) -> None:
    await harness.say(harness.world.general_id, harness.world.member, f"doi {UNKNOWN_DOI}")
    answer = await run(
        harness, style, harness.world.moderator, harness.world.general_id, "unmatched", count="3"
    )
    assert f"doi:{UNKNOWN_DOI}" in answer.text


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("query", [LEE_DOI, f"PMID {FLUGE_PMID}", LEE_ID])
async def test_anyone_can_look_up_a_study_card(harness: Harness, style: str, query: str) -> None:
    answer = await run(
        harness, style, harness.world.member, harness.world.general_id, "lookup", query=query
    )
    assert len(answer.embeds) == 1
    assert not answer.private


@pytest.mark.parametrize("style", STYLES)
async def test_lookup_of_unknown_paper_says_so(harness: Harness, style: str) -> None:
    answer = await run(
        harness, style, harness.world.member, harness.world.general_id, "lookup", query=UNKNOWN_DOI
    )
    assert "not in the atlas" in answer.text
    assert answer.embeds == []


@pytest.mark.parametrize("style", STYLES)
async def test_optout_stops_automatic_replies_and_optin_resumes_them(
    harness: Harness, style: str
) -> None:
    member, channel = harness.world.member, harness.world.general_id
    opted_out = await run(harness, style, member, channel, "optout")
    assert "will not reply" in opted_out.text
    quiet = await harness.say(channel, member, f"doi {LEE_DOI}")
    assert harness.fake.replies_to(int(quiet["id"])) == []
    await run(harness, style, member, channel, "optin")
    answered = await harness.say(harness.world.quiet_id, member, f"doi {LEE_DOI}")
    assert len(harness.fake.replies_to(int(answered["id"]))) == 1


async def test_channel_switched_off_gets_no_automatic_reply(harness: Harness) -> None:
    await run_prefix(harness, harness.world.moderator, harness.world.quiet_id, "off")
    message = await harness.say(harness.world.quiet_id, harness.world.member, f"doi {LEE_DOI}")
    assert harness.fake.replies_to(int(message["id"])) == []


async def test_summon_only_channel_answers_a_bare_command_in_reply(harness: Harness) -> None:
    channel = harness.world.quiet_id
    await run_prefix(harness, harness.world.moderator, channel, "summon-only")
    cited = await harness.say(channel, harness.world.member, f"doi {LEE_DOI}")
    assert harness.fake.replies_to(int(cited["id"])) == []
    await harness.fake.post(
        channel, harness.world.other_member, "!evidence", reference_id=int(cited["id"])
    )
    [card] = await harness.fake.wait_for_reply(int(cited["id"]))
    assert card["embeds"][0]["url"].endswith(LEE_ID)


@pytest.mark.parametrize("who", ["member", "moderator"])
async def test_post_puts_a_card_under_a_message_for_moderators_only(
    harness: Harness, who: str
) -> None:
    channel = harness.world.general_id
    target = await harness.say(channel, harness.world.other_member, "what about that brain study?")
    user = getattr(harness.world, who)
    answer = await run_prefix(
        harness, user, channel, f"post {LEE_DOI}", reference_id=int(target["id"])
    )
    cards = harness.fake.replies_to(int(target["id"]))
    if who == "member":
        assert REFUSAL in answer.text
        assert cards == []
    else:
        assert [c["embeds"][0]["url"].rsplit("/", 1)[-1] for c in cards] == [LEE_ID]
        assert mod_log_actions(harness) == ["post"]
        [line] = await harness.fake.wait_for_channel_message(harness.world.mod_log_id)
        assert f"post: {LEE_ID}" in line["content"]


async def test_slash_post_names_the_target_by_link(harness: Harness) -> None:
    channel = harness.world.general_id
    target = await harness.say(channel, harness.world.other_member, "which study was that?")
    link = f"https://discord.com/channels/{harness.world.guild_id}/{channel}/{target['id']}"
    answer = await run_slash(
        harness, harness.world.moderator, channel, "post", query=f"{LEE_DOI} {link}"
    )
    assert answer.private
    [card] = harness.fake.replies_to(int(target["id"]))
    assert card["embeds"][0]["url"].endswith(LEE_ID)


@pytest.mark.parametrize(("who", "removed"), [("member", False), ("moderator", True)])
async def test_remove_by_reply_deletes_the_bots_card_for_moderators_only(
    harness: Harness, who: str, removed: bool
) -> None:
    channel = harness.world.general_id
    cited = await harness.say(channel, harness.world.other_member, f"doi {LEE_DOI}")
    [card] = await harness.fake.wait_for_reply(int(cited["id"]))
    await run_prefix(
        harness, getattr(harness.world, who), channel, "remove", reference_id=int(card["id"])
    )
    assert (int(card["id"]) in harness.fake.deleted) is removed
    assert mod_log_actions(harness) == (["remove"] if removed else [])
    if removed:
        [line] = await harness.fake.wait_for_channel_message(harness.world.mod_log_id)
        assert f"deleted my reply {card['id']}" in line["content"]


async def test_slash_remove_by_id_deletes_the_card(harness: Harness) -> None:
    channel = harness.world.general_id
    cited = await harness.say(channel, harness.world.other_member, f"doi {LEE_DOI}")
    [card] = await harness.fake.wait_for_reply(int(cited["id"]))
    answer = await run_slash(harness, harness.world.helper, channel, "remove", message=card["id"])
    assert answer.texts == ["Removed."]
    assert int(card["id"]) in harness.fake.deleted


async def test_remove_refuses_a_message_that_is_not_the_bots(harness: Harness) -> None:
    channel = harness.world.general_id
    other = await harness.say(channel, harness.world.other_member, "just chatting")
    answer = await run_slash(
        harness, harness.world.moderator, channel, "remove", message=other["id"]
    )
    assert "not one of my messages" in answer.text
    assert int(other["id"]) not in harness.fake.deleted


@pytest.mark.parametrize(
    ("channel_mode", "thread_mode", "answered"),
    [
        ("off", None, False),
        ("off", "on", True),
        ("on", "off", False),
    ],
)
async def test_threads_follow_their_channel_unless_set_themselves(
    harness: Harness, channel_mode: str, thread_mode: str | None, answered: bool
) -> None:
    world = harness.world
    await run_prefix(harness, world.moderator, world.general_id, channel_mode)
    if thread_mode is not None:
        await run_prefix(harness, world.moderator, world.thread_id, thread_mode)
    message = await harness.say(world.thread_id, world.member, f"doi {LEE_DOI}")
    assert len(harness.fake.replies_to(int(message["id"]))) == int(answered)


async def test_prefix_command_ignores_case(harness: Harness) -> None:
    message = await harness.fake.post(
        harness.world.general_id, harness.world.member, f"!Evidence LOOKUP {LEE_DOI}"
    )
    [answer] = await harness.fake.wait_for_reply(int(message["id"]))
    assert answer["embeds"][0]["url"].endswith(LEE_ID)


@pytest.mark.parametrize("where", ["general_id", "thread_id"])
@pytest.mark.parametrize(
    ("subcommand", "options"), [("lookup", {"query": LEE_DOI}), ("optout", {})]
)
async def test_where_the_bot_is_off_member_slash_commands_are_answered_only_privately(
    harness: Harness, where: str, subcommand: str, options: dict[str, Any]
) -> None:
    world = harness.world
    await run_prefix(harness, world.moderator, world.general_id, "off")
    answer = await run_slash(harness, world.member, getattr(world, where), subcommand, **options)
    assert answer.private
    assert answer.embeds == []
    if subcommand == "lookup":
        assert answer.text == OFF_HERE


@pytest.mark.parametrize("style", STYLES)
async def test_moderators_turn_card_refreshing_off_in_this_channel(
    harness: Harness, style: str
) -> None:
    channel = harness.world.general_id
    answer = await run(harness, style, harness.world.moderator, channel, "refresh", state="off")
    assert "left as they were posted" in answer.text
    assert refresh_off_places(harness.records, "discord") == {str(channel)}
    assert mod_log_actions(harness) == ["refresh"]
    answer = await run(harness, style, harness.world.member, channel, "refresh", state="on")
    assert REFUSAL in answer.text
    assert refresh_off_places(harness.records, "discord") == {str(channel)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cooldown", "hours is a required argument that is missing."),
        ("descriptions", "how is a required argument that is missing."),
        ("post", "query is a required argument that is missing."),
    ],
)
async def test_a_prefix_command_missing_its_argument_names_it_and_points_to_help(
    harness: Harness, text: str, expected: str
) -> None:
    answer = await run_prefix(harness, harness.world.moderator, harness.world.general_id, text)
    assert answer.text == f"{expected} Try !evidence help."


async def test_a_one_word_argument_leaves_the_words_after_it_out(harness: Harness) -> None:
    world = harness.world
    await run_prefix(harness, world.moderator, world.general_id, "cooldown 6 hours")
    row = place_row(harness, world.general_id)
    assert row is not None
    assert row["cooldown_hours"] == 6
