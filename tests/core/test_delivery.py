"""`deliver`: claim, send, confirm or release, the same for every platform."""

from __future__ import annotations

import sqlite3

import pytest

from bot.core.delivery import (
    ClaimState,
    Delivered,
    SendFailed,
    claim_state,
    deliver,
    reply_key,
)
from bot.core.service import EvidenceService, ReplyPlan
from records.replies import get_reply
from tests.core.conftest import LEE_DOI, FakeClock, make_post
from tests.core.recording_outlet import RecordingOutlet

LEE = "lee-2024-brain-regional"


def plan_for(service: EvidenceService, message_id: str = "1") -> ReplyPlan:
    plan = service.handle_post(make_post(f"see {LEE_DOI}", message_id=message_id))
    assert plan is not None
    return plan


def test_a_sent_reply_is_confirmed_with_its_id(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    delivery = deliver(service, plan_for(service), outlet)
    assert (delivery.status, delivery.reply_id) == (Delivered.SENT, "r1")
    record = get_reply(service.db, "console", "1")
    assert record is not None
    assert (record.reply_id, record.entries) == ("r1", (LEE,))


def test_a_message_claimed_before_is_not_sent_again(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    plan = plan_for(service)
    deliver(service, plan, outlet)
    assert deliver(service, plan, outlet).status is Delivered.ALREADY
    assert outlet.answered() == ["1"]


@pytest.mark.parametrize(
    ("failure", "status", "kept"),
    [
        (SendFailed("503"), Delivered.RELEASED, False),
        (SendFailed("locked", final=True), Delivered.GIVEN_UP, False),
        (SendFailed("timeout", maybe_sent=True), Delivered.UNCERTAIN, True),
    ],
)
def test_a_failed_send_releases_the_claim_unless_the_reply_may_exist(
    service: EvidenceService, failure: SendFailed, status: Delivered, kept: bool
) -> None:
    outlet = RecordingOutlet(fail_next=failure)
    delivery = deliver(service, plan_for(service), outlet)
    assert delivery.status is status
    assert (get_reply(service.db, "console", "1") is not None) is kept
    assert delivery.retry is (status is not Delivered.GIVEN_UP)


def test_a_released_message_is_answered_by_the_next_delivery(service: EvidenceService) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("503"))
    deliver(service, plan_for(service), outlet)
    assert deliver(service, plan_for(service), outlet).status is Delivered.SENT
    assert outlet.answered() == ["1"]


def test_an_abandoned_claim_is_taken_over_and_its_earlier_reply_confirmed(
    service: EvidenceService, clock: FakeClock
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("killed", maybe_sent=True))
    deliver(service, plan_for(service), outlet)
    assert claim_state(service, make_post("x")) is ClaimState.IN_FLIGHT
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    assert claim_state(service, make_post("x")) is ClaimState.ABANDONED
    outlet.earlier["1"] = "r-old"
    delivery = deliver(service, plan_for(service), outlet)
    assert (delivery.status, delivery.reply_id) == (Delivered.FOUND, "r-old")
    assert outlet.sent == []
    assert claim_state(service, make_post("x")) is ClaimState.ANSWERED


def test_a_takeover_sends_when_no_earlier_reply_exists(
    service: EvidenceService, clock: FakeClock
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("killed", maybe_sent=True))
    deliver(service, plan_for(service), outlet)
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    assert deliver(service, plan_for(service), outlet).status is Delivered.SENT
    assert outlet.answered() == ["1"]


def test_a_takeover_that_cannot_look_keeps_the_claim_and_sends_nothing(
    service: EvidenceService, clock: FakeClock
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("killed", maybe_sent=True))
    deliver(service, plan_for(service), outlet)
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    outlet.lookup_fails = True
    assert deliver(service, plan_for(service), outlet).status is Delivered.UNCERTAIN
    assert outlet.sent == []
    assert claim_state(service, make_post("x")) is ClaimState.IN_FLIGHT


def test_a_summons_reply_goes_to_the_summoner(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    summoner = make_post("!evidence", message_id="2")
    deliver(service, plan_for(service), outlet, to=summoner)
    assert outlet.answered() == ["2"]
    assert claim_state(service, make_post("x", message_id="1")) is ClaimState.ANSWERED


def test_an_unknown_message_is_unanswered(service: EvidenceService) -> None:
    assert claim_state(service, make_post("x", message_id="404")) is ClaimState.UNANSWERED


def test_a_place_refusing_replies_for_now_defers_and_releases(service: EvidenceService) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("banned", defer=True))
    delivery = deliver(service, plan_for(service), outlet)
    assert delivery.status is Delivered.DEFERRED
    assert not delivery.retry
    assert not delivery.answered
    assert get_reply(service.db, "console", "1") is None
    assert deliver(service, plan_for(service), outlet).status is Delivered.SENT


def test_resuming_an_uncertain_delivery_confirms_the_reply_found(
    service: EvidenceService,
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("timeout", maybe_sent=True))
    first = deliver(service, plan_for(service), outlet)
    assert first.status is Delivered.UNCERTAIN
    assert first.plan is not None
    outlet.earlier["1"] = "r-made"
    resumed = deliver(service, first.plan, outlet, resume=True)
    assert (resumed.status, resumed.reply_id) == (Delivered.FOUND, "r-made")
    assert outlet.sent == []
    assert claim_state(service, make_post("x")) is ClaimState.ANSWERED


def test_resuming_sends_when_no_reply_was_made_and_waits_when_it_cannot_look(
    service: EvidenceService,
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("timeout", maybe_sent=True))
    first = deliver(service, plan_for(service), outlet)
    assert first.plan is not None
    outlet.lookup_fails = True
    again = deliver(service, first.plan, outlet, resume=True)
    assert again.status is Delivered.UNCERTAIN
    assert outlet.sent == []
    outlet.lookup_fails = False
    assert deliver(service, first.plan, outlet, resume=True).status is Delivered.SENT
    assert outlet.answered() == ["1"]


def test_a_failed_confirmation_hands_over_the_claim_and_resuming_finds_the_reply(
    service: EvidenceService, monkeypatch: pytest.MonkeyPatch
) -> None:
    outlet = RecordingOutlet()
    held: list[ReplyPlan] = []

    def locked(plan: ReplyPlan, reply_id: str) -> None:
        raise sqlite3.OperationalError("database is locked")

    with monkeypatch.context() as patch:
        patch.setattr(service, "confirm", locked)
        with pytest.raises(sqlite3.OperationalError):
            deliver(service, plan_for(service), outlet, hold=held.append)
    (claimed,) = held
    outlet.earlier["1"] = "r1"
    resumed = deliver(service, claimed, outlet, resume=True)
    assert (resumed.status, resumed.reply_id) == (Delivered.FOUND, "r1")
    assert outlet.answered() == ["1"]


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (("1", ("a", "b")), True),  # a resend of the same reply
        (("2", ("a", "b")), False),  # another message
        (("1", ("a",)), False),  # an edit carding other studies
        (("1", ("b", "a")), False),  # the cards in another order make another reply
    ],
)
def test_the_reply_key_is_the_same_only_for_the_same_message_and_studies(
    other: tuple[str, tuple[str, ...]], same: bool
) -> None:
    key = reply_key("1", ("a", "b"))
    assert len(key) == 64
    assert (reply_key(*other) == key) is same
