"""Every reply-policy rule, alone and in the order `decide` applies them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from bot.core.policy import (
    Decision,
    Facts,
    Verdict,
    author_verdict,
    cooldown_start,
    decide,
    effective_cooldown,
    effective_mode,
    mode_verdict,
    not_carded_before,
    outside_cooldown,
    under_rate_cap,
    unique_in_order,
)
from records.places import PlaceSettings
from tests.core.conftest import START, make_post

A, B, C = "a-2020-x", "b-2021-y", "c-2022-z"


def facts(**fields: Any) -> Facts:
    """Facts for a plain member post citing A and B in an `auto` place."""
    post_fields = fields.pop("post", {})
    base = Facts(post=make_post("text", **post_fields), candidates=(A, B), mode="auto")
    return replace(base, **fields)


@pytest.mark.parametrize(
    ("is_bot", "is_self", "expected"),
    [
        (False, False, None),
        (True, False, Verdict.BOT_AUTHOR),
        (False, True, Verdict.SELF),
        (True, True, Verdict.SELF),
    ],
)
def test_bots_and_the_bot_itself_are_never_answered(
    is_bot: bool, is_self: bool, expected: Verdict | None
) -> None:
    post = make_post("text", author_is_bot=is_bot)
    assert author_verdict(post, is_self=is_self) == expected


@pytest.mark.parametrize(
    ("mode", "summoned", "expected"),
    [
        ("auto", False, None),
        ("auto", True, None),
        ("summon-only", False, Verdict.SUMMON_ONLY),
        ("summon-only", True, None),
        ("off", False, Verdict.PLACE_OFF),
        ("off", True, Verdict.PLACE_OFF),
    ],
)
def test_place_mode_decides_whether_the_bot_may_speak(
    mode: Any, summoned: bool, expected: Verdict | None
) -> None:
    assert mode_verdict(mode, summoned=summoned) == expected


@pytest.mark.parametrize(
    ("stored", "default", "expected"),
    [
        (None, "auto", "auto"),
        (None, "summon-only", "summon-only"),
        (PlaceSettings("console", "p", "off"), "auto", "off"),
        (PlaceSettings("console", "p", "summon-only"), "off", "summon-only"),
    ],
)
def test_place_setting_overrides_the_default_mode(
    stored: PlaceSettings | None, default: Any, expected: str
) -> None:
    assert effective_mode(stored, default) == expected


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (None, 24.0),
        (PlaceSettings("console", "p", "auto", cooldown_hours=None), 24.0),
        (PlaceSettings("console", "p", "auto", cooldown_hours=2.5), 2.5),
        (PlaceSettings("console", "p", "auto", cooldown_hours=0), 0),
    ],
)
def test_place_cooldown_overrides_the_default(
    stored: PlaceSettings | None, expected: float
) -> None:
    assert effective_cooldown(stored, 24.0) == expected


def test_cooldown_window_starts_that_many_hours_ago() -> None:
    assert cooldown_start(START, 24) == START - timedelta(hours=24)


@pytest.mark.parametrize("hours", [0, 0.0, -1])
def test_a_cooldown_of_zero_hours_is_no_cooldown(hours: float) -> None:
    assert cooldown_start(START, hours) is None


@pytest.mark.parametrize(
    ("previous", "is_edit", "expected"),
    [
        (None, False, (A, B)),
        (None, True, (A, B)),
        ((A,), False, None),
        ((A,), True, (B,)),
        ((A, B), True, ()),
        ((C,), True, (A, B)),
    ],
)
def test_a_message_is_answered_once_and_edits_add_only_new_studies(
    previous: tuple[str, ...] | None, is_edit: bool, expected: tuple[str, ...] | None
) -> None:
    assert not_carded_before((A, B), previous, is_edit=is_edit) == expected


@pytest.mark.parametrize(
    ("recent", "expected"),
    [(set(), (A, B)), ({A}, (B,)), ({A, B}, ()), ({C}, (A, B))],
)
def test_studies_carded_recently_in_the_thread_are_held_back(
    recent: set[str], expected: tuple[str, ...]
) -> None:
    assert outside_cooldown((A, B), recent) == expected


@pytest.mark.parametrize(
    ("count", "cap", "allowed"), [(0, 1, True), (29, 30, True), (30, 30, False)]
)
def test_rate_cap_allows_replies_below_the_cap(count: int, cap: int, allowed: bool) -> None:
    assert under_rate_cap(count, cap) is allowed


def test_repeated_studies_are_counted_once_in_order() -> None:
    assert unique_in_order([B, A, B, C, A]) == (B, A, C)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, Decision(Verdict.REPLY, entry_ids=(A, B))),
        ({"post": {"author_is_bot": True}}, Decision(Verdict.BOT_AUTHOR)),
        ({"is_self": True}, Decision(Verdict.SELF)),
        ({"mode": "off"}, Decision(Verdict.PLACE_OFF)),
        ({"mode": "off", "summoned": True}, Decision(Verdict.PLACE_OFF)),
        ({"mode": "summon-only"}, Decision(Verdict.SUMMON_ONLY)),
        ({"mode": "summon-only", "summoned": True}, Decision(Verdict.REPLY, entry_ids=(A, B))),
        ({"opted_out": True}, Decision(Verdict.OPTED_OUT)),
        ({"opted_out": True, "summoned": True}, Decision(Verdict.REPLY, entry_ids=(A, B))),
        ({"candidates": ()}, Decision(Verdict.NO_STUDIES)),
        ({"previous": (A,)}, Decision(Verdict.ALREADY_ANSWERED, held_back=(A, B))),
        (
            {"previous": (A,), "post": {"is_edit": True}},
            Decision(Verdict.REPLY, entry_ids=(B,), held_back=(A,)),
        ),
        (
            {"previous": (A, B), "post": {"is_edit": True}},
            Decision(Verdict.NOTHING_NEW, held_back=(A, B)),
        ),
        ({"recent": frozenset({A})}, Decision(Verdict.REPLY, entry_ids=(B,), held_back=(A,))),
        ({"recent": frozenset({A, B})}, Decision(Verdict.COOLDOWN, held_back=(A, B))),
        (
            {"recent": frozenset({A, B}), "summoned": True},
            Decision(Verdict.REPLY, entry_ids=(A, B)),
        ),
        ({"replies_last_hour": 30}, Decision(Verdict.RATE_CAP, held_back=(A, B))),
        ({"replies_last_hour": 30, "summoned": True}, Decision(Verdict.RATE_CAP, held_back=(A, B))),
        ({"candidates": (A, B, A, B)}, Decision(Verdict.REPLY, entry_ids=(A, B))),
    ],
)
def test_decide_applies_every_rule(changes: dict[str, Any], expected: Decision) -> None:
    assert decide(facts(**changes)) == expected


def test_a_bot_is_silenced_before_anything_else_is_considered() -> None:
    noisy = facts(post={"author_is_bot": True}, mode="off", opted_out=True, replies_last_hour=99)
    assert decide(noisy).verdict is Verdict.BOT_AUTHOR


@pytest.mark.parametrize(
    ("unfinished", "summoned", "expected"),
    [
        pytest.param(frozenset({A, B}), False, Decision(Verdict.UNFINISHED, held_back=(A, B)), id="all-auto"),
        pytest.param(frozenset({A}), False, Decision(Verdict.REPLY, entry_ids=(B,), held_back=(A,)), id="one-auto"),
        pytest.param(frozenset({A, B}), True, Decision(Verdict.REPLY, entry_ids=(A, B)), id="summoned"),
    ],
)  # fmt: skip
def test_a_study_without_summary_or_caveat_is_carded_only_when_asked_for(
    unfinished: frozenset[str], summoned: bool, expected: Decision
) -> None:
    assert decide(facts(unfinished=unfinished, summoned=summoned)) == expected
