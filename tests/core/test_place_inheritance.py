"""A thread or forum post without settings of its own follows its parent channel's settings."""

from __future__ import annotations

import pytest

from bot.core.commands import Invocation, execute, parse_command
from bot.core.policy import Verdict
from bot.core.service import EvidenceService
from records.models import Post
from records.places import (
    PlaceMode,
    get_effective_place_settings,
    get_place_settings,
    set_place_cooldown,
    set_place_mode,
)
from tests.core.conftest import LEE_DOI, make_post

CHANNEL = "channel-1"
THREAD = "thread-1"


def in_thread(text: str, **fields: object) -> Post:
    """A post in THREAD, whose parent place is CHANNEL."""
    return make_post(text, place=THREAD, thread=THREAD, parent_place=CHANNEL, **fields)


@pytest.mark.parametrize(
    ("channel_mode", "thread_mode", "verdict"),
    [
        (None, None, Verdict.REPLY),
        ("off", None, Verdict.PLACE_OFF),
        ("summon-only", None, Verdict.SUMMON_ONLY),
        ("off", "auto", Verdict.REPLY),
        ("auto", "off", Verdict.PLACE_OFF),
        ("off", "summon-only", Verdict.SUMMON_ONLY),
    ],
)
def test_a_thread_follows_its_channel_unless_set_itself(
    service: EvidenceService,
    channel_mode: PlaceMode | None,
    thread_mode: PlaceMode | None,
    verdict: Verdict,
) -> None:
    if channel_mode is not None:
        set_place_mode(service.db, "console", CHANNEL, channel_mode, actor="mod")
    if thread_mode is not None:
        set_place_mode(service.db, "console", THREAD, thread_mode, actor="mod")
    post = in_thread(f"see {LEE_DOI}")
    assert service.evaluate(post).decision.verdict is verdict


def test_a_parent_message_id_is_not_a_parent_place(service: EvidenceService) -> None:
    # Reddit's parent_id names the comment answered; settings stored under that id mean nothing.
    set_place_mode(service.db, "console", "t1_parent", "off", actor="mod")
    post = make_post(f"see {LEE_DOI}", parent_id="t1_parent")
    assert service.evaluate(post).decision.verdict is Verdict.REPLY


def test_a_thread_takes_its_channels_cooldown(service: EvidenceService) -> None:
    set_place_cooldown(service.db, "console", CHANNEL, 0, actor="mod", default_mode="auto")
    first = in_thread(LEE_DOI)
    again = first.model_copy(update={"message_id": "2"})
    for post in (first, again):
        plan = service.handle_post(post)
        assert plan is not None
        assert service.claim(plan) is not None
    assert service.cooldown_for("console", THREAD, CHANNEL) == 0


@pytest.mark.parametrize(
    ("own_hours", "parent_hours", "expected"),
    [(None, 3.0, 3.0), (1.0, 3.0, 1.0), (None, None, None)],
)
def test_a_thread_with_its_own_mode_but_no_cooldown_takes_the_channels(
    service: EvidenceService,
    own_hours: float | None,
    parent_hours: float | None,
    expected: float | None,
) -> None:
    set_place_mode(service.db, "console", THREAD, "auto", actor="mod")
    if own_hours is not None:
        set_place_cooldown(service.db, "console", THREAD, own_hours, actor="m", default_mode="auto")
    set_place_cooldown(service.db, "console", CHANNEL, parent_hours, actor="m", default_mode="off")
    found = get_effective_place_settings(service.db, "console", THREAD, CHANNEL)
    assert found is not None
    assert (found.place, found.mode, found.cooldown_hours) == (THREAD, "auto", expected)


@pytest.mark.parametrize("text", [f"!evidence {LEE_DOI}", "!evidence", "!evidence help"])
def test_member_commands_in_a_thread_of_an_off_channel_are_silent(
    service: EvidenceService, text: str
) -> None:
    set_place_mode(service.db, "console", CHANNEL, "off", actor="mod")
    command = parse_command(text)
    assert command is not None
    post = in_thread(text)
    result = execute(service, command, Invocation(post=post, is_moderator=lambda: False))
    assert result.silent
    assert result.plan is None
    assert result.action is None


def test_a_moderators_cooldown_in_a_thread_keeps_the_channels_off(
    service: EvidenceService,
) -> None:
    set_place_mode(service.db, "console", CHANNEL, "off", actor="mod")
    command = parse_command("!evidence cooldown 2")
    assert command is not None
    post = in_thread("!evidence cooldown 2")
    result = execute(service, command, Invocation(post=post, is_moderator=lambda: True))
    assert result.ok
    stored = get_place_settings(service.db, "console", THREAD)
    assert stored is not None
    assert (stored.mode, stored.cooldown_hours) == ("off", 2)
    assert service.evaluate(in_thread(LEE_DOI)).decision.verdict is (Verdict.PLACE_OFF)
