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
from bot.core.service import EvidenceService
from records.modlog import recent_actions, wrong_match_reports
from records.places import get_place_settings, is_opted_out
from tests.core.conftest import LEE_DOI, NOT_IN_ATLAS_DOI, make_post


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
        post=make_post(text, author_name="ana", **post),
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


@pytest.mark.parametrize(
    ("text", "allowed"),
    [
        (f"!evidence {LEE_DOI}", False),
        ("!evidence", False),
        ("!evidence optout", True),
        ("!evidence help", True),
        ("!evidence on", True),
    ],
)
def test_where_the_bot_is_off_members_get_no_cards(
    service: EvidenceService, text: str, allowed: bool
) -> None:
    invoke(service, "!evidence off", moderator=True)
    result, _ = invoke(service, text, moderator=True)
    assert result.ok is allowed
    if not allowed:
        assert result.text == "Evidence cards are off here; a moderator can turn them on."
        assert result.plan is None
