"""The `evidence` command: parsing, permissions, and what each subcommand does."""

from __future__ import annotations

from typing import Any

import pytest

from bot.core.commands import (
    MODERATOR_ONLY,
    Command,
    Invocation,
    Name,
    execute,
    log_removal,
    parse_command,
)
from bot.core.factory import build_service
from bot.core.service import EvidenceService
from config.settings import Settings
from records.db import Database
from records.modlog import recent_actions, wrong_match_reports
from records.places import get_place_settings, is_opted_out
from tests.core.conftest import LEE_DOI, NOT_IN_ATLAS_DOI, WALITT_PMCID, FakeClock, make_post

LEE = "lee-2024-brain-regional"
WALITT = "walitt-2024-deep-phenotyping"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("!evidence", Command(Name.SUMMON)),
        ("  !evidence  ", Command(Name.SUMMON)),
        ("!Evidence OFF", Command(Name.OFF)),
        ("!evidence on", Command(Name.ON)),
        ("!evidence summon-only", Command(Name.SUMMON_ONLY)),
        ("!evidence summon_only", Command(Name.SUMMON_ONLY)),
        ("!evidence cooldown 12", Command(Name.COOLDOWN, "12")),
        ("!evidence cooldown 1.5h", Command(Name.COOLDOWN, "1.5h")),
        ("!evidence optout", Command(Name.OPTOUT)),
        ("!evidence opt-in", Command(Name.OPTIN)),
        ("!evidence remove 123", Command(Name.REMOVE, "123")),
        ("!evidence unmatched", Command(Name.UNMATCHED)),
        ("!evidence unmatched 10", Command(Name.UNMATCHED, "10")),
        ("!evidence stats", Command(Name.STATS)),
        ("!evidence wrong not this Lee", Command(Name.WRONG, "not this Lee")),
        ("!evidence help", Command(Name.HELP)),
        (f"!evidence {LEE_DOI}", Command(Name.LOOKUP, LEE_DOI)),
        ("!evidence lookup deep phenotyping", Command(Name.LOOKUP, "deep phenotyping")),
        ("!evidence deep phenotyping", Command(Name.LOOKUP, "deep phenotyping")),
        ("!evidence post 10.1/x", Command(Name.POST, "10.1/x")),
        ("great thread\n!evidence optout\nthanks", Command(Name.OPTOUT)),
    ],
)
def test_commands_are_parsed(text: str, expected: Command) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no command here",
        "!evidences",
        "!evidencex on",
        "I said !evidence on midline",
        "evidence on",
    ],
)
def test_text_without_a_command_is_not_one(text: str) -> None:
    assert parse_command(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "!evidence cooldown",
        "!evidence cooldown soon",
        "!evidence cooldown -1",
        "!evidence cooldown nan",
        "!evidence cooldown 99999",
        "!evidence unmatched 0",
        "!evidence unmatched 2.5",
        "!evidence unmatched 500",
        "!evidence lookup",
        "!evidence post",
    ],
)
def test_malformed_arguments_carry_a_problem(text: str) -> None:
    command = parse_command(text)
    assert command is not None
    assert command.problem


@pytest.mark.parametrize(("word", "text"), [("?evidence", "?evidence off"), ("!ev", "!ev stats")])
def test_the_command_word_is_configurable(word: str, text: str) -> None:
    command = parse_command(text, word)
    assert command is not None
    assert command.name in {Name.OFF, Name.STATS}


def invoke(
    service: EvidenceService,
    text: str,
    *,
    moderator: bool = False,
    target_id: str | None = None,
    **post: Any,
) -> Any:
    command = parse_command(text)
    assert command is not None
    asked: list[bool] = []

    def is_moderator() -> bool:
        asked.append(True)
        return moderator

    invocation = Invocation(
        post=make_post(text, **{"author_name": "ana", **post}),
        is_moderator=is_moderator,
        target_id=target_id,
    )
    return execute(service, command, invocation), asked


MODERATOR_TEXTS = {
    Name.POST: f"!evidence post {LEE_DOI}",
    Name.ON: "!evidence on",
    Name.OFF: "!evidence off",
    Name.SUMMON_ONLY: "!evidence summon-only",
    Name.COOLDOWN: "!evidence cooldown 2",
    Name.DESCRIPTIONS: "!evidence descriptions card",
    Name.REFRESH: "!evidence refresh off",
    Name.REMOVE: "!evidence remove",
    Name.UNMATCHED: "!evidence unmatched",
    Name.STATS: "!evidence stats",
}


def test_every_moderator_command_has_a_refusal_test() -> None:
    assert set(MODERATOR_TEXTS) == set(MODERATOR_ONLY)


@pytest.mark.parametrize("name", sorted(MODERATOR_TEXTS))
def test_moderator_commands_refuse_members(service: EvidenceService, name: Name) -> None:
    result, asked = invoke(service, MODERATOR_TEXTS[name], target_id="m0")
    assert not result.ok
    assert result.text.startswith("Only moderators can use !evidence")
    assert result.action is None
    assert asked == [True]
    assert get_place_settings(service.db, "console", "forum") is None
    assert recent_actions(service.db) == []


@pytest.mark.parametrize(
    ("text", "mode"),
    [("!evidence off", "off"), ("!evidence summon-only", "summon-only"), ("!evidence on", "auto")],
)
def test_moderators_set_the_mode_and_it_is_logged(
    service: EvidenceService, text: str, mode: str
) -> None:
    result, _ = invoke(service, text, moderator=True)
    assert result.ok
    assert service.mode_for("console", "forum") == mode
    (action,) = recent_actions(service.db)
    assert (action.action, action.actor, action.target) == (f"mode:{mode}", "ana (m1)", "forum")


def test_moderators_set_the_cooldown(service: EvidenceService) -> None:
    result, _ = invoke(service, "!evidence cooldown 1.5", moderator=True)
    assert result.ok
    assert service.cooldown_for("console", "forum") == 1.5
    assert recent_actions(service.db)[0].detail == "1.5h"


def test_member_commands_never_ask_about_permissions(service: EvidenceService) -> None:
    for text in ("!evidence optout", "!evidence optin", "!evidence help", f"!evidence {LEE_DOI}"):
        result, asked = invoke(service, text)
        assert result.ok
        assert asked == []


def test_optout_and_optin_change_what_the_bot_does(service: EvidenceService) -> None:
    result, _ = invoke(service, "!evidence optout")
    assert "optin" in result.text
    assert is_opted_out(service.db, "console", service.author_hash("m1"))
    again, _ = invoke(service, "!evidence optout")
    assert again.text == "You had already opted out."
    invoke(service, "!evidence optin")
    assert not is_opted_out(service.db, "console", service.author_hash("m1"))


def test_lookup_command_returns_a_plan_with_the_card(service: EvidenceService) -> None:
    result, _ = invoke(service, f"!evidence {LEE_DOI}")
    assert result.lookup.status == "found"
    assert result.plan.entry_ids == ("lee-2024-brain-regional",)
    assert result.plan.summoned


def test_post_needs_a_target_message(service: EvidenceService) -> None:
    result, _ = invoke(service, f"!evidence post {LEE_DOI}", moderator=True)
    assert not result.ok
    assert "Reply to the message" in result.text


def test_post_gives_the_adapter_a_plan_and_is_logged(service: EvidenceService) -> None:
    result, _ = invoke(service, f"!evidence post {LEE_DOI}", moderator=True, target_id="m0")
    assert (result.ok, result.action) == (True, "post")
    assert result.plan.entry_ids == ("lee-2024-brain-regional",)
    assert recent_actions(service.db)[0].action == "post"


def test_remove_is_left_to_the_adapter_which_logs_it(service: EvidenceService) -> None:
    result, _ = invoke(service, "!evidence remove", moderator=True, target_id="r9")
    assert (result.ok, result.action) == (True, "remove")
    invocation = Invocation(post=make_post("x", author_name="ana"), is_moderator=lambda: True)
    log_removal(service, invocation, "r9")
    assert recent_actions(service.db)[0].target == "r9"


def test_remove_without_a_target_asks_for_one(service: EvidenceService) -> None:
    result, _ = invoke(service, "!evidence remove", moderator=True)
    assert not result.ok


def test_bare_summons_asks_the_adapter_to_card_the_parent(service: EvidenceService) -> None:
    result, _ = invoke(service, "!evidence")
    assert (result.ok, result.action) == (True, "summon")


def test_unmatched_lists_papers_seen_in_this_place(service: EvidenceService) -> None:
    service.evaluate(make_post(f"cites {NOT_IN_ATLAS_DOI}", message_id="a"))
    service.evaluate(make_post(f"also {NOT_IN_ATLAS_DOI}", message_id="b", author_id="m2"))
    service.evaluate(make_post("PMID 22039471", message_id="c", place="elsewhere"))
    result, _ = invoke(service, "!evidence unmatched 5", moderator=True)
    assert result.text.splitlines()[1] == f"1. doi:{NOT_IN_ATLAS_DOI} (2 mentions)"
    assert "22039471" not in result.text


def test_stats_report_replies_in_this_place(service: EvidenceService) -> None:
    plan = service.handle_post(make_post(LEE_DOI, message_id="a"))
    assert plan is not None
    service.record_reply(plan.post, plan, "r1")
    result, _ = invoke(service, "!evidence stats", moderator=True)
    assert "Replies here: 1, cards: 1" in result.text
    assert "lee-2024-brain-regional (1)" in result.text


def test_wrong_match_report_names_the_reply_and_its_studies(service: EvidenceService) -> None:
    plan = service.handle_post(make_post(LEE_DOI, message_id="a"))
    assert plan is not None
    service.record_reply(plan.post, plan, "r1")
    result, _ = invoke(service, "!evidence wrong it was a different paper", target_id="r1")
    assert result.ok
    (report,) = wrong_match_reports(service.db)
    assert (report.message_id, report.entry_id) == ("a", "lee-2024-brain-regional")
    assert report.note == "it was a different paper"
    assert report.reporter_hash == service.author_hash("m1")


def test_malformed_command_is_refused_before_permissions(service: EvidenceService) -> None:
    result, asked = invoke(service, "!evidence cooldown forever", moderator=True)
    assert not result.ok
    assert "hours" in result.text
    assert asked == []


MEMBER_TEXTS = {
    Name.LOOKUP: f"!evidence {LEE_DOI}",
    Name.SUMMON: "!evidence",
    Name.OPTOUT: "!evidence optout",
    Name.OPTIN: "!evidence optin",
    Name.WRONG: "!evidence wrong",
    Name.HELP: "!evidence help",
}


def test_every_member_command_has_an_off_test() -> None:
    assert set(MEMBER_TEXTS) == set(Name) - MODERATOR_ONLY


@pytest.mark.parametrize("moderator", [False, True])
@pytest.mark.parametrize("name", sorted(MEMBER_TEXTS))
def test_where_the_bot_is_off_member_commands_are_silent(
    service: EvidenceService, name: Name, moderator: bool
) -> None:
    invoke(service, "!evidence off", moderator=True)
    result, _ = invoke(service, MEMBER_TEXTS[name], moderator=moderator, target_id="r1")
    assert result.silent
    assert (result.plan, result.action) == (None, None)


@pytest.mark.parametrize("name", sorted(MODERATOR_TEXTS))
def test_where_the_bot_is_off_moderator_commands_from_members_are_silent(
    service: EvidenceService, name: Name
) -> None:
    invoke(service, "!evidence off", moderator=True)
    result, _ = invoke(service, MODERATOR_TEXTS[name], target_id="m0")
    assert (result.ok, result.silent) == (False, True)
    assert service.mode_for("console", "forum") == "off"
    assert [a.action for a in recent_actions(service.db)] == ["mode:off"]


@pytest.mark.parametrize("name", sorted(MODERATOR_TEXTS))
def test_where_the_bot_is_off_moderators_still_command_it(
    service: EvidenceService, name: Name
) -> None:
    invoke(service, "!evidence off", moderator=True)
    result, _ = invoke(service, MODERATOR_TEXTS[name], moderator=True, target_id="m0")
    assert result.ok
    assert not result.silent


def test_where_the_bot_is_off_an_optout_still_takes_effect(service: EvidenceService) -> None:
    invoke(service, "!evidence off", moderator=True)
    result, _ = invoke(service, "!evidence optout")
    assert (result.ok, result.silent) == (True, True)
    assert is_opted_out(service.db, "console", service.author_hash("m1"))


def test_optout_and_optin_are_logged_under_the_members_pseudonym_only(
    service: EvidenceService,
) -> None:
    invoke(service, "!evidence optout", author_id="4242", author_name="Ana Realname")
    invoke(service, "!evidence optin", author_id="4242", author_name="Ana Realname")
    logged = recent_actions(service.db)
    pseudonym = f"member:{service.author_hash('4242')}"
    assert [(a.action, a.actor) for a in logged] == [("optin", pseudonym), ("optout", pseudonym)]
    for entry in logged:
        row = " ".join(str(v) for v in vars(entry).values())
        assert "4242" not in row.replace(service.author_hash("4242"), "")
        assert "Realname" not in row


def test_an_optout_that_changes_nothing_is_not_logged(service: EvidenceService) -> None:
    invoke(service, "!evidence optin")
    assert recent_actions(service.db) == []


@pytest.mark.parametrize(
    ("platform", "prefix", "word"),
    [("discord", "?", "?evidence"), ("discord", "!", "!evidence"), ("reddit", "?", "!evidence")],
)
def test_summon_only_confirmation_names_the_platforms_command(
    atlas_db: Database, clock: FakeClock, platform: str, prefix: str, word: str
) -> None:
    service = build_service(atlas_db, Settings(discord={"prefix": prefix}), clock=clock)
    command = parse_command(f"{word} summon-only", word)
    assert command is not None
    post = make_post(f"{word} summon-only", platform=platform)
    result = execute(service, command, Invocation(post=post, is_moderator=lambda: True))
    assert result.text.endswith(f"asks with {word}.")


def reply_citing_two(service: EvidenceService) -> None:
    plan = service.handle_post(make_post(f"{LEE_DOI} and {WALITT_PMCID}", message_id="a"))
    assert plan is not None
    assert plan.entry_ids == (LEE, WALITT)
    service.record_reply(plan.post, plan, "r1")


@pytest.mark.parametrize(
    ("text", "studies"),
    [
        ("!evidence wrong", [LEE, WALITT]),
        ("!evidence wrong both look off", [LEE, WALITT]),
        (f"!evidence wrong {WALITT} is another paper", [WALITT]),
        (f"!evidence wrong {WALITT.upper()}", [WALITT]),
    ],
)
def test_a_wrong_match_report_has_one_row_per_study(
    service: EvidenceService, text: str, studies: list[str]
) -> None:
    reply_citing_two(service)
    invoke(service, text, target_id="r1")
    reports = wrong_match_reports(service.db)
    assert sorted(r.entry_id or "" for r in reports) == studies
    assert {(r.message_id, r.reply_id) for r in reports} == {("a", "r1")}


@pytest.mark.parametrize("target_id", [None, "r404", "a-member-message"])
def test_wrong_not_answering_a_card_says_how_to_use_it_and_stores_nothing(
    service: EvidenceService, target_id: str | None
) -> None:
    result, _ = invoke(service, "!evidence wrong", target_id=target_id)
    assert not result.ok
    assert result.text.startswith("To report a wrong match, reply to one of my study cards")
    assert wrong_match_reports(service.db) == []


def test_wrong_answering_the_carded_message_reports_its_card(service: EvidenceService) -> None:
    reply_citing_two(service)
    link = "https://discord.com/channels/1/2/3"
    result, _ = invoke(service, f"!evidence wrong {WALITT}", target_id="a", permalink=link)
    assert result.ok
    (report,) = wrong_match_reports(service.db)
    assert (report.message_id, report.reply_id, report.entry_id) == ("a", "r1", WALITT)
    assert report.permalink == link
