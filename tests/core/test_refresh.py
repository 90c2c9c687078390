"""The refresh pass: posted cards follow their entry, edited once, never re-posted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.core.commands import Invocation, execute, parse_command
from bot.core.delivery import LookupFailed, SendFailed, deliver
from bot.core.refresh import CardGone, EditClosed, Refresh, Refresher, refresh_pass
from bot.core.service import EvidenceService, ReplyPlan
from records import modlog, posted_cards
from records.atlas_store import get_entry, upsert_entries
from records.posted_cards import PostedCard, Shown
from records.retractions import EntryFlag, store_flags
from tests.core.conftest import LEE_DOI, FakeClock, make_post
from tests.core.recording_outlet import RecordingOutlet

LEE = "lee-2024-brain-regional"


@dataclass
class FakeEditor:
    """Keeps each card's text; `fail` makes the next edit raise it."""

    platform: str = "console"
    texts: dict[str, str] = field(default_factory=dict)
    edits: list[str] = field(default_factory=list)
    replies: list[tuple[str, str]] = field(default_factory=list)
    fail: BaseException | None = None
    apply_then_fail: bool = False
    closed: bool = False
    reply_fail: BaseException | None = None
    reply_made_then_fail: bool = False
    lookups: int = 0

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        if self.closed:
            raise EditClosed("edit window over")
        if self.fail is not None and not self.apply_then_fail:
            failure, self.fail = self.fail, None
            raise failure
        self.edits.append(card.reply_id)
        self.texts[card.reply_id] = plan.text()
        if self.fail is not None:
            failure, self.fail = self.fail, None
            raise failure

    def shows(self, card: PostedCard, line: str) -> bool:
        if card.reply_id not in self.texts:
            raise LookupFailed("unreadable")
        return line in " ".join(self.texts[card.reply_id].split())

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        if self.reply_fail is not None and not self.reply_made_then_fail:
            failure, self.reply_fail = self.reply_fail, None
            raise failure
        self.replies.append((card.reply_id, plan.text()))
        if self.reply_fail is not None:
            failure, self.reply_fail = self.reply_fail, None
            raise failure
        return f"under-{card.reply_id}-{len(self.replies)}"

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        self.lookups += 1
        found = [n for n, (to, text) in enumerate(self.replies, 1)
                 if to == card.reply_id and line in " ".join(text.split())]  # fmt: skip
        return f"under-{card.reply_id}-{found[0]}" if found else None


def post_card(service: EvidenceService, message_id: str = "1") -> str:
    """Answer a post citing Lee 2024; the reply's id."""
    plan = service.handle_post(make_post(f"see doi {LEE_DOI}", message_id=message_id))
    assert plan is not None
    delivery = deliver(service, plan, RecordingOutlet())
    assert delivery.reply_id is not None
    return delivery.reply_id


def retract_with_new_summary(service: EvidenceService) -> None:
    entry = get_entry(service.db, LEE)
    assert entry is not None
    upsert_entries(
        service.db, [entry.model_copy(update={"retracted": True, "summary": "A new summary."})]
    )


def test_a_posted_card_records_where_it_lives_and_the_version_it_shows(
    service: EvidenceService,
) -> None:
    reply_id = post_card(service)
    card = posted_cards.get_posted(service.db, "console", reply_id)
    assert card is not None
    assert (card.place, card.thread, card.message_id) == ("forum", "t1", "1")
    assert list(card.versions) == [LEE]
    assert card.shown[LEE].fields["retracted"] is False


def test_an_unchanged_card_is_left_alone(service: EvidenceService) -> None:
    post_card(service)
    editor = FakeEditor()
    assert refresh_pass(service, editor) == []
    assert editor.edits == []


def test_a_retraction_and_new_summary_edit_the_card_once_with_banner_and_dated_line(
    service: EvidenceService,
) -> None:
    reply_id = post_card(service)
    retract_with_new_summary(service)
    editor = FakeEditor()
    done = refresh_pass(service, editor)
    assert [r.status for r in done] == [Refresh.EDITED]
    text = " ".join(editor.texts[reply_id].split())
    assert "RETRACTED since this card was posted" in text
    assert "A new summary." in text
    assert "Updated 2026-05-01: the paper was retracted, the atlas revised its summary." in text
    assert refresh_pass(service, editor) == []
    assert editor.edits == [reply_id]
    actions = modlog.recent_actions(service.db, platform="console")
    assert [a.action for a in actions] == ["card edited"]


@pytest.mark.parametrize(
    ("update", "said", "shown"),
    [
        (
            {"does_not_prove": "Nothing about causes."},
            "the atlas revised what it does not prove",
            "Nothing about causes.",
        ),
        ({"pem": "not_required"}, "the atlas changed its PEM badge", "PEM not required"),
        ({"summary": "A new summary."}, "the atlas revised its summary", "A new summary."),
        ({"study_type": "Case series"}, "the atlas changed its study type", "Case series"),
        ({"confidence": "Low confidence"}, "the atlas changed its confidence", "Low confidence"),
        ({"journal": "Brain Reviews"}, "the atlas revised its journal", "Brain Reviews"),
        ({"year": 2023}, "the atlas revised its year", "2023"),
        ({"authors": ["Kim, A."]}, "the atlas revised its authors", "Kim"),
    ],
)
def test_a_change_to_any_field_a_card_shows_edits_it_once(
    service: EvidenceService, update: dict[str, object], said: str, shown: str
) -> None:
    reply_id = post_card(service)
    entry = get_entry(service.db, LEE)
    assert entry is not None
    upsert_entries(service.db, [entry.model_copy(update=update)])
    editor = FakeEditor()
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.EDITED]
    text = " ".join(editor.texts[reply_id].split())
    assert f"Updated 2026-05-01: {said}." in text
    assert shown in text
    assert refresh_pass(service, editor) == []
    assert editor.edits == [reply_id]


def test_a_card_recorded_before_the_byline_was_fingerprinted_is_not_edited_for_it(
    service: EvidenceService,
) -> None:
    reply_id = post_card(service)
    card = posted_cards.get_posted(service.db, "console", reply_id)
    assert card is not None
    # What a card posted before the byline and badges joined the fingerprint recorded.
    old = {k: v for k, v in card.shown[LEE].fields.items() if k not in {"journal", "year"}}
    posted_cards.record_posted(service.db, platform="console", reply_id=reply_id,
                               place=card.place, thread=card.thread,
                               message_id=card.message_id, layout=card.layout,
                               shown={LEE: Shown("an-older-hash", old)},
                               at=datetime.now(UTC))  # fmt: skip
    editor = FakeEditor()
    assert refresh_pass(service, editor) == []
    entry = get_entry(service.db, LEE)
    assert entry is not None
    upsert_entries(service.db, [entry.model_copy(update={"summary": "Revised."})])
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.EDITED]
    text = " ".join(editor.texts[reply_id].split())
    assert "Updated 2026-05-01: the atlas revised its summary." in text


def test_a_notice_the_enricher_found_edits_the_card(service: EvidenceService) -> None:
    reply_id = post_card(service)
    store_flags(
        service.db,
        [EntryFlag(LEE, "expression_of_concern", "n1", "crossref", notice_doi="10.1/eoc")],
    )
    editor = FakeEditor()
    refresh_pass(service, editor)
    assert "a notice about the paper was published" in " ".join(editor.texts[reply_id].split())


def test_a_dry_run_lists_the_card_and_changes_nothing(service: EvidenceService) -> None:
    post_card(service)
    retract_with_new_summary(service)
    editor = FakeEditor()
    done = refresh_pass(service, editor, dry_run=True)
    assert [r.status for r in done] == [Refresh.WOULD_EDIT]
    assert editor.edits == []
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.EDITED]


@pytest.mark.parametrize(
    ("failure", "status", "again"),
    [
        (CardGone("404 Unknown Message"), Refresh.GONE, []),
        (SendFailed("503"), Refresh.FAILED, [Refresh.EDITED]),
        (EditClosed("edit window over"), Refresh.REPLIED, []),
    ],
)
def test_an_edit_failure_is_marked_retried_or_answered_below(
    service: EvidenceService, failure: Exception, status: Refresh, again: list[Refresh]
) -> None:
    post_card(service)
    retract_with_new_summary(service)
    editor = FakeEditor(fail=failure)
    assert [r.status for r in refresh_pass(service, editor)] == [status]
    assert [r.status for r in refresh_pass(service, editor)] == again


def test_a_closed_card_gets_no_reply_when_nothing_was_retracted(service: EvidenceService) -> None:
    post_card(service)
    entry = get_entry(service.db, LEE)
    assert entry is not None
    upsert_entries(service.db, [entry.model_copy(update={"summary": "Revised."})])
    editor = FakeEditor(fail=EditClosed("too old"))
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.FROZEN]
    assert editor.replies == []


def test_a_place_with_refreshing_off_keeps_its_cards(service: EvidenceService) -> None:
    post_card(service)
    retract_with_new_summary(service)
    posted_cards.set_refresh(service.db, "console", "forum", on=False, by="mod")
    editor = FakeEditor()
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.OFF]
    assert editor.edits == []
    posted_cards.set_refresh(service.db, "console", "forum", on=True)
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.EDITED]


def test_a_pass_killed_after_the_edit_is_confirmed_not_edited_again(
    service: EvidenceService, clock: FakeClock
) -> None:
    reply_id = post_card(service)
    retract_with_new_summary(service)
    # The edit reaches the platform, then the pass dies before confirming.
    editor = FakeEditor(fail=KeyboardInterrupt(), apply_then_fail=True)
    with pytest.raises(KeyboardInterrupt):
        refresh_pass(service, editor)
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.BUSY]
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.FOUND]
    assert refresh_pass(service, editor) == []
    assert editor.edits == [reply_id]


def test_a_pass_killed_before_the_edit_edits_after_the_lease(
    service: EvidenceService, clock: FakeClock
) -> None:
    reply_id = post_card(service)
    retract_with_new_summary(service)
    editor = FakeEditor(fail=KeyboardInterrupt())
    editor.texts[reply_id] = "the card as first posted"
    with pytest.raises(KeyboardInterrupt):
        refresh_pass(service, editor)
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    assert [r.status for r in refresh_pass(service, editor)] == [Refresh.EDITED]
    assert editor.edits == [reply_id]


class ReplyCase(NamedTuple):
    """How posting the retraction reply fails, and what the passes then report."""

    failure: BaseException
    made: bool  # the reply reached the platform before the failure
    first: list[Refresh] | None  # None: the pass was killed
    after_lease: list[Refresh]
    lookups: int  # how often the platform was asked for the reply


@pytest.mark.parametrize(
    "case",
    [
        # Killed between posting the reply and recording it: found, never posted again.
        ReplyCase(KeyboardInterrupt(), True, None, [Refresh.FOUND], 1),
        # Killed before the reply was posted: looked for once, then posted.
        ReplyCase(KeyboardInterrupt(), False, None, [Refresh.REPLIED], 1),
        # An ambiguous failure after the reply was made: kept claimed, then found.
        ReplyCase(
            SendFailed("no answer", maybe_sent=True), True, [Refresh.FAILED], [Refresh.FOUND], 1
        ),
        # A failure that surely posted nothing: released, posted by the next pass.
        ReplyCase(SendFailed("400"), False, [Refresh.FAILED], [Refresh.REPLIED], 0),
    ],
)
def test_a_retraction_reply_under_a_closed_card_is_posted_exactly_once(
    service: EvidenceService, clock: FakeClock, case: ReplyCase
) -> None:
    reply_id = post_card(service)
    retract_with_new_summary(service)
    editor = FakeEditor(closed=True, reply_fail=case.failure, reply_made_then_fail=case.made)
    if case.first is None:
        with pytest.raises(KeyboardInterrupt):
            refresh_pass(service, editor)
    else:
        assert [r.status for r in refresh_pass(service, editor)] == case.first
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    assert [r.status for r in refresh_pass(service, editor)] == case.after_lease
    assert refresh_pass(service, editor) == []
    assert [to for to, _ in editor.replies] == [reply_id]
    assert editor.lookups == case.lookups
    card = posted_cards.get_posted(service.db, "console", reply_id)
    assert card is not None
    assert (card.state, card.edit_claimed_at) == ("frozen", None)
    actions = modlog.recent_actions(service.db, platform="console")
    assert [a.action for a in actions] == ["retraction reply"]


def test_a_refresher_runs_a_pass_only_when_due(service: EvidenceService) -> None:
    post_card(service)
    retract_with_new_summary(service)
    now = [0.0]
    editor = FakeEditor()
    refresher = Refresher(service, editor, 600, clock=lambda: now[0])
    assert [r.status for r in refresher.maybe()] == [Refresh.EDITED]
    now[0] = 599.0
    assert refresher.maybe() == []
    assert Refresher(service, editor, 0).maybe() == []


def test_atlas_stats_counts_the_posted_cards_out_of_date(
    service: EvidenceService, db_path: Path
) -> None:
    post_card(service)
    stats = ["--db", str(db_path), "atlas", "stats"]
    assert "0 posted cards out of date" in CliRunner().invoke(cli, stats).output
    retract_with_new_summary(service)
    shown = CliRunner().invoke(cli, stats).output
    assert "1 posted card out of date (`evidence-bot cards refresh` edits them)" in shown


@pytest.mark.parametrize(
    ("text", "ok", "off_after"),
    [
        ("!evidence refresh off", True, {"forum"}),
        ("!evidence refresh on", True, set()),
        ("!evidence refresh sometimes", False, set()),
    ],
)
def test_moderators_turn_refreshing_on_and_off_in_their_place(
    service: EvidenceService, text: str, ok: bool, off_after: set[str]
) -> None:
    command = parse_command(text)
    assert command is not None
    result = execute(service, command, Invocation(post=make_post(text), is_moderator=lambda: True))
    assert result.ok is ok
    assert posted_cards.refresh_off_places(service.db, "console") == off_after
    if ok:
        assert modlog.recent_actions(service.db)[0].action == "refresh"
