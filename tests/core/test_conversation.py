"""`Conversation.answer`: commands and citations through an Outlet, as every adapter does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.core.commands import PostCards, RemoveReply, SummonCards
from bot.core.conversation import NOT_MINE_TEXT, NOTHING_CITED_TEXT, Conversation
from bot.core.delivery import Delivered, SendFailed
from bot.core.service import EvidenceService
from records.modlog import recent_actions
from records.places import get_place_settings
from tests.core.conftest import LEE_DOI, make_post
from tests.core.recording_outlet import RecordingOutlet

LEE = "lee-2024-brain-regional"


def talk(service: EvidenceService, outlet: RecordingOutlet) -> Conversation:
    return Conversation(service, outlet, "console")


def never() -> bool:
    return False


def always() -> bool:
    return True


def test_a_citing_post_gets_its_card(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    handled = talk(service, outlet).answer(make_post(f"see {LEE_DOI}"), is_moderator=never)
    assert handled.replied
    assert [plan.entry_ids for _to, plan, _id in outlet.sent] == [(LEE,)]


def test_a_member_cannot_switch_the_bot_off(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    handled = talk(service, outlet).answer(make_post("!evidence off"), is_moderator=never)
    assert handled.command == "off"
    assert get_place_settings(service.db, "console", "forum") is None
    (_to, plan, _id) = outlet.sent[0]
    assert plan.reply.notice == "Only moderators can use !evidence off."


def test_a_moderator_switches_it_off_and_members_get_nothing_more(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    conversation = talk(service, outlet)
    conversation.answer(make_post("!evidence off", message_id="1"), is_moderator=always)
    handled = conversation.answer(make_post(f"see {LEE_DOI}", message_id="2"), is_moderator=never)
    assert not handled.replied
    assert outlet.answered() == ["1"]


def test_a_summons_cards_the_answered_post_under_the_summoner(service: EvidenceService) -> None:
    cited = make_post(f"see {LEE_DOI}", message_id="1", author_id="m2")
    outlet = RecordingOutlet(posts={"1": cited})
    service.settings.reply.default_mode = "summon-only"
    summons = make_post("!evidence", message_id="2")
    handled = talk(service, outlet).answer(summons, is_moderator=never, replying_to="1")
    assert isinstance(handled.result and handled.result.task, SummonCards)
    assert handled.replied
    assert outlet.answered() == ["2"]


def test_a_summons_of_a_post_citing_nothing_says_so(service: EvidenceService) -> None:
    outlet = RecordingOutlet(posts={"1": make_post("hello", message_id="1")})
    talk(service, outlet).answer(
        make_post("!evidence", message_id="2"), is_moderator=never, replying_to="1"
    )
    assert [plan.reply.notice for _to, plan, _id in outlet.sent] == [NOTHING_CITED_TEXT]


def test_a_moderators_post_command_cards_the_answered_message(service: EvidenceService) -> None:
    outlet = RecordingOutlet(posts={"1": make_post("what about the brain one?", message_id="1")})
    handled = talk(service, outlet).answer(
        make_post(f"!evidence post {LEE_DOI}", message_id="2"), is_moderator=always, replying_to="1"
    )
    assert isinstance(handled.result and handled.result.task, PostCards)
    assert outlet.answered() == ["1"]
    assert outlet.sent[0][1].entry_ids == (LEE,)


def test_remove_deletes_the_bots_reply_and_logs_it(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    conversation = talk(service, outlet)
    conversation.answer(make_post(f"see {LEE_DOI}", message_id="1"), is_moderator=never)
    handled = conversation.answer(
        make_post("!evidence remove", message_id="2"), is_moderator=always, replying_to="r1"
    )
    assert isinstance(handled.result and handled.result.task, RemoveReply)
    assert outlet.deleted == ["r1"]
    assert recent_actions(service.db)[0].action == "remove"


def test_remove_of_a_members_post_is_refused(service: EvidenceService) -> None:
    outlet = RecordingOutlet(posts={"1": make_post("mine", message_id="1")})
    talk(service, outlet).answer(
        make_post("!evidence remove", message_id="2"), is_moderator=always, replying_to="1"
    )
    assert outlet.deleted == []
    assert outlet.sent[0][1].reply.notice == NOT_MINE_TEXT


def test_remove_by_a_member_is_refused(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    conversation = talk(service, outlet)
    conversation.answer(make_post(f"see {LEE_DOI}", message_id="1"), is_moderator=never)
    conversation.answer(
        make_post("!evidence remove", message_id="2"), is_moderator=never, replying_to="r1"
    )
    assert outlet.deleted == []


def test_a_failed_delete_asks_for_a_retry(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    conversation = talk(service, outlet)
    conversation.answer(make_post(f"see {LEE_DOI}", message_id="1"), is_moderator=never)
    outlet.fail_next = SendFailed("502")
    handled = conversation.answer(
        make_post("!evidence remove", message_id="2"), is_moderator=always, replying_to="r1"
    )
    assert handled.retry
    assert recent_actions(service.db) == []


def test_a_post_claimed_by_a_live_delivery_waits(service: EvidenceService) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("timeout", maybe_sent=True))
    conversation = talk(service, outlet)
    first = conversation.answer(make_post(f"see {LEE_DOI}"), is_moderator=never)
    assert first.delivery is not None
    assert first.delivery.status is Delivered.UNCERTAIN
    again = conversation.answer(make_post(f"see {LEE_DOI}"), is_moderator=never)
    assert (again.waiting, again.retry) == (True, True)


class SteppingClock:
    """Each reading one second after the one before, from `start` (issue 29's race)."""

    def __init__(self, start: datetime) -> None:
        self.next = start

    def __call__(self) -> datetime:
        now, self.next = self.next, self.next + timedelta(seconds=1)
        return now


def test_a_claim_met_exactly_at_its_lease_boundary_waits_instead_of_being_dropped(
    service: EvidenceService,
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("timeout", maybe_sent=True))
    conversation = talk(service, outlet)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    service.clock = lambda: start
    post = make_post(f"see {LEE_DOI}")
    conversation.answer(post, is_moderator=never)
    # The first reading of the next look is the last instant of the lease; any later
    # reading is past it. One decision, one reading: still in flight, so wait.
    lease = timedelta(seconds=service.settings.reply.claim_lease_seconds)
    service.clock = SteppingClock(start + lease)
    handled = conversation.answer(post, is_moderator=never)
    assert (handled.waiting, handled.retry) == (True, True)


def test_bots_issue_no_commands(service: EvidenceService) -> None:
    outlet = RecordingOutlet()
    handled = talk(service, outlet).answer(
        make_post("!evidence off", author_is_bot=True), is_moderator=always
    )
    assert handled.command is None
    assert get_place_settings(service.db, "console", "forum") is None


def test_an_uncertain_reply_is_resumed_in_process_when_enabled(service: EvidenceService) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("timeout", maybe_sent=True))
    conversation = Conversation(service, outlet, "console", resume_uncertain=True)
    post = make_post(f"see {LEE_DOI}")
    assert conversation.answer(post, is_moderator=never).retry
    handled = conversation.answer(post, is_moderator=never)
    assert handled.replied
    assert not handled.retry
    assert outlet.answered() == ["1"]


def test_without_resuming_an_uncertain_reply_waits_for_its_lease(service: EvidenceService) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("timeout", maybe_sent=True))
    conversation = talk(service, outlet)
    post = make_post(f"see {LEE_DOI}")
    conversation.answer(post, is_moderator=never)
    handled = conversation.answer(post, is_moderator=never)
    assert handled.waiting
    assert outlet.sent == []


def test_a_lost_command_confirmation_does_not_run_the_command_again(
    service: EvidenceService,
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("rate limited"))
    handled = talk(service, outlet).answer(make_post("!evidence off"), is_moderator=always)
    assert not handled.retry
    assert handled.delivery is not None
    assert handled.delivery.status is Delivered.GIVEN_UP
