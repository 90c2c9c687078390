"""The service end to end: real SQLite file, real linker index, the policy applied."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from bot.core.factory import build_service
from bot.core.policy import Verdict
from bot.core.service import EvidenceService, ReplyPlan
from bot.discord_bot.render import TOTAL_LIMIT, embed_length, render_discord
from config.settings import Settings
from records import replies
from records.atlas_store import upsert_entries
from records.db import Database, open_db
from records.models import Post
from records.places import opt_out, set_place_cooldown, set_place_mode
from records.replies import get_reply, recently_carded
from records.retractions import EntryFlag, store_flags
from records.unmatched import list_papers
from tests.core.conftest import (
    FLUGE_PMID,
    LEE_DOI,
    NOT_IN_ATLAS_DOI,
    WALITT_PMCID,
    FakeClock,
    entry,
    make_post,
)

LEE = "lee-2024-brain-regional"
WALITT = "walitt-2024-deep-phenotyping"
FLUGE = "fluge-2019-lymphocyte-depletion"


def answer(service: EvidenceService, text: str, **fields: object) -> Verdict:
    """Evaluate a post and, when the policy says so, claim and confirm the reply."""
    outcome = service.evaluate(make_post(text, **fields))
    if outcome.plan is not None:
        claimed = service.claim(outcome.plan)
        assert claimed is not None
        service.confirm(claimed, f"reply-{fields.get('message_id', '1')}")
    return outcome.decision.verdict


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        (f"see {LEE_DOI}", LEE),
        (f"https://doi.org/{LEE_DOI}", LEE),
        (f"PMID: {FLUGE_PMID}", FLUGE),
        (f"full text at {WALITT_PMCID}", WALITT),
        (f"https://pmc.ncbi.nlm.nih.gov/articles/{WALITT_PMCID}/", WALITT),
        ("https://www.mecfsatlas.com/evidence/lee-2024-brain-regional", LEE),
        ("see Naviaux et al. 2016 on metabolism", "naviaux-2016-metabolomics"),
    ],
)
def test_a_post_citing_an_atlas_study_gets_its_card(
    service: EvidenceService, text: str, entry_id: str
) -> None:
    plan = service.handle_post(make_post(text))
    assert plan is not None
    assert plan.entry_ids == (entry_id,)
    assert plan.reply.cards[0].url.endswith(f"/evidence/{entry_id}")


def test_unmatched_reference_is_logged_once_per_message(service: EvidenceService) -> None:
    post = make_post(f"not in the atlas: {NOT_IN_ATLAS_DOI}")
    first = service.evaluate(post)
    again = service.evaluate(post)
    assert (first.logged, again.logged) == (1, 0)
    assert first.decision.verdict is Verdict.NO_STUDIES
    (paper,) = list_papers(service.db)
    assert (paper.key, paper.mentions) == (f"doi:{NOT_IN_ATLAS_DOI}", 1)


def test_a_message_is_never_answered_twice(service: EvidenceService) -> None:
    assert answer(service, f"see {LEE_DOI}") is Verdict.REPLY
    assert answer(service, f"see {LEE_DOI}") is Verdict.ALREADY_ANSWERED
    assert service.handle_post(make_post(f"see {LEE_DOI}")) is None


def test_two_processes_cannot_both_answer_one_message(
    service: EvidenceService, db_path: Path, settings: Settings, clock: FakeClock
) -> None:
    other_db = open_db(db_path)
    try:
        other = build_service(other_db, settings, clock=clock)
        post = make_post(f"see {LEE_DOI}")
        mine, theirs = service.handle_post(post), other.handle_post(post)
        assert mine is not None
        assert theirs is not None
        assert service.claim(mine) is not None
        assert other.claim(theirs) is None
    finally:
        other_db.close()


def test_record_reply_logs_once_and_reports_a_duplicate(service: EvidenceService) -> None:
    post = make_post(f"see {LEE_DOI}")
    plan = service.handle_post(post)
    assert plan is not None
    assert service.record_reply(post, plan, "r1") is True
    assert service.record_reply(post, plan, "r2") is False
    record = get_reply(service.db, "console", "1")
    assert record is not None
    assert (record.reply_id, record.entries) == ("r1", (LEE,))


def test_an_edit_cards_only_studies_it_did_not_card_before(service: EvidenceService) -> None:
    assert answer(service, f"see {LEE_DOI}") is Verdict.REPLY
    edited = make_post(f"see {LEE_DOI} and {WALITT_PMCID}", is_edit=True)
    plan = service.handle_post(edited)
    assert plan is not None
    assert plan.entry_ids == (WALITT,)
    assert service.claim(plan) is not None
    assert service.evaluate(edited).decision.verdict is Verdict.NOTHING_NEW
    record = get_reply(service.db, "console", "1")
    assert record is not None
    assert record.entries == (LEE, WALITT)


def test_a_released_claim_lets_the_message_be_answered_later(service: EvidenceService) -> None:
    post = make_post(f"see {LEE_DOI}")
    plan = service.handle_post(post)
    assert plan is not None
    claimed = service.claim(plan)
    assert claimed is not None
    service.release(claimed)
    assert get_reply(service.db, "console", "1") is None
    assert recently_carded(service.db, "console", "t1", service.clock()) == set()
    assert service.handle_post(post) is not None


@pytest.mark.parametrize(
    ("thread", "hours_later", "expected"),
    [
        ("t1", 1, Verdict.COOLDOWN),
        ("t1", 23.9, Verdict.COOLDOWN),
        ("t1", 24.1, Verdict.REPLY),
        ("t2", 1, Verdict.REPLY),
    ],
)
def test_a_study_is_not_carded_again_in_a_thread_within_the_cooldown(
    service: EvidenceService, clock: FakeClock, thread: str, hours_later: float, expected: Verdict
) -> None:
    assert answer(service, f"see {LEE_DOI}") is Verdict.REPLY
    clock.advance(hours=hours_later)
    assert answer(service, f"again {LEE_DOI}", message_id="2", thread=thread) is expected


def test_a_place_can_shorten_its_cooldown(service: EvidenceService, clock: FakeClock) -> None:
    set_place_cooldown(service.db, "console", "forum", 1, actor="mod", default_mode="auto")
    assert answer(service, f"see {LEE_DOI}") is Verdict.REPLY
    clock.advance(hours=1.5)
    assert answer(service, f"again {LEE_DOI}", message_id="2") is Verdict.REPLY


def test_a_summons_bypasses_the_cooldown(service: EvidenceService) -> None:
    assert answer(service, f"see {LEE_DOI}") is Verdict.REPLY
    post = make_post(f"again {LEE_DOI}", message_id="2")
    assert service.evaluate(post, summoned=True).decision.verdict is Verdict.REPLY


def test_the_hourly_rate_cap_holds_per_place(atlas_db: Database, clock: FakeClock) -> None:
    service = build_service(atlas_db, Settings(reply={"rate_cap_per_hour": 2}), clock=clock)
    assert answer(service, LEE_DOI, message_id="1", thread="a") is Verdict.REPLY
    assert answer(service, LEE_DOI, message_id="2", thread="b") is Verdict.REPLY
    assert answer(service, LEE_DOI, message_id="3", thread="c") is Verdict.RATE_CAP
    assert answer(service, LEE_DOI, message_id="4", place="other") is Verdict.REPLY
    clock.advance(hours=1, seconds=1)
    assert answer(service, LEE_DOI, message_id="5", thread="d") is Verdict.REPLY


def test_opted_out_members_get_no_reply_and_leave_no_trace(service: EvidenceService) -> None:
    opt_out(service.db, "console", service.author_hash("m1"))
    outcome = service.evaluate(make_post(f"{LEE_DOI} and {NOT_IN_ATLAS_DOI}"))
    assert outcome.decision.verdict is Verdict.OPTED_OUT
    assert outcome.logged == 0
    assert list_papers(service.db) == []


@pytest.mark.parametrize(
    ("fields", "self_id", "expected"),
    [
        ({"author_is_bot": True}, None, Verdict.BOT_AUTHOR),
        ({"author_id": "bot-1"}, "bot-1", Verdict.SELF),
    ],
)
def test_bots_and_the_bot_itself_are_ignored_entirely(
    service: EvidenceService, fields: dict[str, object], self_id: str | None, expected: Verdict
) -> None:
    if self_id:
        service.add_self_id(self_id)
    outcome = service.evaluate(make_post(f"{LEE_DOI} {NOT_IN_ATLAS_DOI}", **fields))
    assert outcome.decision.verdict is expected
    assert outcome.logged == 0


@pytest.mark.parametrize(
    ("mode", "summoned", "expected", "logged"),
    [
        ("off", False, Verdict.PLACE_OFF, 0),
        ("off", True, Verdict.PLACE_OFF, 0),
        ("summon-only", False, Verdict.SUMMON_ONLY, 1),
        ("summon-only", True, Verdict.REPLY, 1),
        ("auto", False, Verdict.REPLY, 1),
    ],
)
def test_place_mode_controls_replies_and_logging(
    service: EvidenceService, mode: str, summoned: bool, expected: Verdict, logged: int
) -> None:
    set_place_mode(service.db, "console", "forum", mode, actor="mod")  # type: ignore[arg-type]
    outcome = service.evaluate(make_post(f"{LEE_DOI} {NOT_IN_ATLAS_DOI}"), summoned=summoned)
    assert outcome.decision.verdict is expected
    assert outcome.logged == logged


def test_default_mode_comes_from_settings(atlas_db: Database) -> None:
    service = build_service(atlas_db, Settings(reply={"default_mode": "summon-only"}))
    assert service.evaluate(make_post(LEE_DOI)).decision.verdict is Verdict.SUMMON_ONLY


def test_fifty_references_in_one_post_give_one_reply_with_links(
    db: Database, settings: Settings
) -> None:
    entries = [
        entry(id=f"doe-2020-study-{n}", title=f"Study number {n} of fifty", doi=f"10.5555/t.{n}")
        for n in range(50)
    ]
    upsert_entries(db, entries)
    service = build_service(db, settings)
    text = "Reading list: " + ", ".join(f"doi:10.5555/t.{n}" for n in range(50))
    plan = service.handle_post(make_post(text))
    assert plan is not None
    assert len(plan.entry_ids) == 50
    assert len(plan.reply.cards) == settings.reply.max_cards
    assert len(plan.reply.more) == 50 - settings.reply.max_cards
    message = render_discord(plan.reply)
    assert sum(embed_length(e) for e in message.embeds) <= TOTAL_LIMIT
    assert len(message.content) <= 2000
    assert len(plan.markdown()) <= 10_000


def test_a_retraction_found_by_the_enricher_shows_on_the_card(service: EvidenceService) -> None:
    store_flags(
        service.db,
        [EntryFlag(entry_id=LEE, kind="retraction", notice_id="n", source="crossref")],
    )
    plan = service.handle_post(make_post(LEE_DOI))
    assert plan is not None
    assert plan.reply.cards[0].retracted
    assert plan.text().startswith("!!! RETRACTED")


@pytest.mark.parametrize(
    ("query", "status", "first"),
    [
        (LEE_DOI, "found", LEE),
        ("38383456", "found", WALITT),
        ("lee-2024-brain-regional", "found", LEE),
        ("deep phenotyping", "found", WALITT),
        ("Walitt 2024", "found", WALITT),
        ("exercise", "choices", None),
        (NOT_IN_ATLAS_DOI, "not_found", None),
        ("zzzz qqqq", "not_found", None),
    ],
)
def test_lookup_finds_one_study_several_or_none(
    service: EvidenceService, query: str, status: str, first: str | None
) -> None:
    result = service.lookup(query)
    assert result.status == status
    if first:
        assert result.entries[0].id == first
    if status == "choices":
        assert len(result.reply.more) >= 2
        assert result.text().splitlines()[2].startswith("1. ")


@pytest.mark.parametrize(
    "query",
    ["rituximab", "Rituximab studies please", "Studien zu Rituximab", "ensayo con rituximab"],
)
def test_words_from_a_summary_list_the_studies_holding_them(
    service: EvidenceService, query: str
) -> None:
    result = service.lookup(query)
    assert result.status == "choices"
    assert [e.id for e in result.entries] == ["fluge-2019-lymphocyte-depletion"]
    assert "not in the atlas" not in result.text()
    assert "1. B-Lymphocyte Depletion" in result.text()


def test_words_matching_nothing_say_what_to_try(service: EvidenceService) -> None:
    text = service.lookup("zzzz qqqq").text()
    assert "not in the atlas" not in text
    assert "Try a DOI, PMID or link" in text


def test_a_lookup_for_a_paper_the_atlas_lacks_is_logged(service: EvidenceService) -> None:
    result = service.lookup(NOT_IN_ATLAS_DOI)
    assert result.logged == 1
    assert "not in the atlas" in result.text()
    assert [p.key for p in list_papers(service.db)] == [f"doi:{NOT_IN_ATLAS_DOI}"]


def test_words_that_name_no_study_are_not_logged(service: EvidenceService) -> None:
    result = service.lookup("zzzz qqqq")
    assert result.logged == 0
    assert list_papers(service.db) == []


def test_preview_shows_every_cited_study_even_after_a_reply(service: EvidenceService) -> None:
    assert answer(service, f"see {LEE_DOI} and {WALITT_PMCID}") is Verdict.REPLY
    plan = service.preview(make_post(f"see {LEE_DOI} and {WALITT_PMCID}"))
    assert plan is not None
    assert plan.entry_ids == (LEE, WALITT)
    assert service.preview(make_post("nothing cited here")) is None


def test_a_hostile_query_is_neutralised_in_every_answer(service: EvidenceService) -> None:
    result = service.lookup("@everyone <@123> [win](https://evil.example)")
    assert result.status == "not_found"
    for text in (result.text(), result.markdown(), render_discord(result.reply).content):
        assert "@everyone" not in text
        assert "<@123>" not in text
    for markup in (result.markdown(), render_discord(result.reply).content):
        assert "](https://evil" not in markup


def test_a_hundred_thousand_character_message_gets_one_reply(service: EvidenceService) -> None:
    filler = "pacing helps me, PEM lasts days. " * 3000
    plan = service.handle_post(make_post(f"{filler} {LEE_DOI} {filler}"[:100_000]))
    assert plan is not None
    assert plan.entry_ids == (LEE,)


def test_two_processes_answering_two_messages_card_a_study_once(
    service: EvidenceService, db_path: Path, settings: Settings, clock: FakeClock
) -> None:
    other_db = open_db(db_path)
    try:
        other = build_service(other_db, settings, clock=clock)
        mine = service.handle_post(make_post(f"{LEE_DOI} {WALITT_PMCID}", message_id="a"))
        theirs = other.handle_post(make_post(f"{LEE_DOI}", message_id="b"))
        assert mine is not None
        assert theirs is not None
        assert service.claim(mine) is not None
        assert other.claim(theirs) is None
        both = other.handle_post(make_post(f"{LEE_DOI} PMID {FLUGE_PMID}", message_id="c"))
        assert both is not None
        assert both.entry_ids == (FLUGE,)
    finally:
        other_db.close()


def test_a_claim_drops_studies_carded_meanwhile_and_keeps_the_rest(
    service: EvidenceService,
) -> None:
    first = service.handle_post(make_post(f"{LEE_DOI} {WALITT_PMCID}", message_id="a"))
    second = service.handle_post(make_post(LEE_DOI, message_id="b"))
    assert first is not None
    assert second is not None
    assert service.claim(second) is not None
    narrowed = service.claim(first)
    assert narrowed is not None
    assert narrowed.entry_ids == (WALITT,)
    assert [c.entry_id for c in narrowed.reply.cards] == [WALITT]


@pytest.mark.parametrize("where", ["settings", "place"])
def test_a_zero_hour_cooldown_cards_a_study_again_within_the_same_second(
    atlas_db: Database, clock: FakeClock, where: str
) -> None:
    settings = Settings(reply={"cooldown_hours": 0 if where == "settings" else 24})
    service = build_service(atlas_db, settings, clock=clock)
    if where == "place":
        set_place_cooldown(service.db, "console", "forum", 0, actor="mod", default_mode="auto")
    assert answer(service, f"see {LEE_DOI}", message_id="1") is Verdict.REPLY
    assert answer(service, f"again {LEE_DOI}", message_id="2") is Verdict.REPLY
    assert answer(service, f"and again {LEE_DOI}", message_id="3") is Verdict.REPLY


def test_a_short_cooldown_is_measured_below_the_second(
    service: EvidenceService, clock: FakeClock
) -> None:
    set_place_cooldown(service.db, "console", "forum", 0.5 / 3600, actor="m", default_mode="auto")
    clock.advance(microseconds=100_000)
    assert answer(service, f"see {LEE_DOI}", message_id="1") is Verdict.REPLY
    clock.advance(microseconds=800_000)  # 0.8 s later, in the same whole second
    assert answer(service, f"again {LEE_DOI}", message_id="2") is Verdict.REPLY


def test_the_reply_to_an_edit_is_found_by_its_own_id(service: EvidenceService) -> None:
    first = service.handle_post(make_post(f"see {LEE_DOI}"))
    assert first is not None
    service.record_reply(first.post, first, "reply-1")
    edited = make_post(f"see {LEE_DOI} and {WALITT_PMCID}", is_edit=True)
    second = service.handle_post(edited)
    assert second is not None
    claimed = service.claim(second)
    assert claimed is not None
    service.confirm(claimed, "reply-2")
    for reply_id, studies in (("reply-1", (LEE,)), ("reply-2", (WALITT,))):
        found = replies.find_by_reply_id(service.db, "console", reply_id)
        sent = replies.get_reply_message(service.db, "console", reply_id)
        assert found is not None
        assert sent is not None
        assert (found.message_id, sent.entries) == ("1", studies)
    assert service.handle_post(edited) is None  # never answered twice for the same studies


def test_preview_is_empty_where_the_bot_is_off(service: EvidenceService) -> None:
    set_place_mode(service.db, "console", "forum", "off", actor="mod")
    post = make_post(f"see {LEE_DOI}")
    assert service.preview(post) is None
    assert service.is_off(post)


# -- claims left by a killed process (the lease) -------------------------------------------

LEASE = Settings().reply.claim_lease_seconds


def _claim_and_die(service: EvidenceService, post: Post) -> ReplyPlan:
    """Claim `post` and never confirm: what a process killed before sending leaves."""
    plan = service.handle_post(post)
    assert plan is not None
    claimed = service.claim(plan)
    assert claimed is not None
    assert not claimed.takeover
    return plan


@pytest.mark.parametrize("age", [0.0, LEASE / 2, LEASE - 1])
def test_a_claim_younger_than_the_lease_is_not_taken_over(
    service: EvidenceService, clock: FakeClock, age: float
) -> None:
    post = make_post(f"see {LEE_DOI}")
    plan = _claim_and_die(service, post)
    clock.advance(seconds=age)
    assert service.evaluate(post).decision.verdict is Verdict.ALREADY_ANSWERED
    assert service.claim(plan) is None


def test_a_stale_claim_is_taken_over_by_exactly_one_of_two_processes(
    service: EvidenceService, db_path: Path, settings: Settings, clock: FakeClock
) -> None:
    post = make_post(f"see {LEE_DOI} and {WALITT_PMCID}")
    _claim_and_die(service, post)
    clock.advance(seconds=LEASE + 1)
    ready = threading.Barrier(2)

    def compete(_: int) -> bool | None:
        db = open_db(db_path)  # each process has its own connection
        try:
            process = build_service(db, settings, clock=clock)
            plan = process.handle_post(post)
            assert plan is not None  # the stale claim counts as unanswered
            assert plan.entry_ids == (LEE, WALITT)  # its own carded studies are no cooldown
            ready.wait(timeout=30)
            claimed = process.claim(plan)
            return None if claimed is None else claimed.takeover
        finally:
            db.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(compete, range(2)))
    assert sorted(results, key=str) == [None, True]
    record = get_reply(service.db, "console", "1")
    assert record is not None
    assert (record.reply_id, record.entries) == (None, (LEE, WALITT))
    assert recently_carded(service.db, "console", "t1", service.clock()) == {LEE, WALITT}


def test_a_taken_over_claim_is_not_taken_over_again_within_the_lease(
    service: EvidenceService, clock: FakeClock
) -> None:
    post = make_post(f"see {LEE_DOI}")
    _claim_and_die(service, post)
    clock.advance(seconds=LEASE + 1)
    plan = service.handle_post(post)
    assert plan is not None
    taken = service.claim(plan)
    assert taken is not None
    assert taken.takeover
    clock.advance(seconds=LEASE - 1)
    assert service.claim(plan) is None


@pytest.mark.parametrize("later", [LEASE + 1, 30 * 24 * 3600.0])
def test_a_confirmed_reply_is_never_taken_over(
    service: EvidenceService, clock: FakeClock, later: float
) -> None:
    post = make_post(f"see {LEE_DOI}")
    plan = service.handle_post(post)
    assert plan is not None
    claimed = service.claim(plan)
    assert claimed is not None
    service.confirm(claimed, "reply-1")
    clock.advance(seconds=later)
    assert service.evaluate(post).decision.verdict is Verdict.ALREADY_ANSWERED
    assert service.claim(plan) is None
    record = get_reply(service.db, "console", "1")
    assert record is not None
    assert record.reply_id == "reply-1"


def test_a_study_the_atlas_has_no_summary_for_is_answered_only_when_asked(
    service: EvidenceService,
) -> None:
    upsert_entries(
        service.db,
        [entry(id="doe-2021-bare-entry", doi="10.5555/bare.1", summary=None, does_not_prove=None)],
    )
    service = build_service(service.db, service.settings, clock=service.clock)
    outcome = service.evaluate(make_post("see 10.5555/bare.1"))
    assert outcome.plan is None
    assert outcome.decision.verdict is Verdict.UNFINISHED
    summoned = service.evaluate(make_post("see 10.5555/bare.1"), summoned=True)
    assert summoned.plan is not None
    assert "The atlas has no summary of this study yet." in summoned.plan.text()
    looked_up = service.lookup("10.5555/bare.1")
    assert looked_up.status == "found"
    assert "The atlas has no summary of this study yet." in looked_up.text()
