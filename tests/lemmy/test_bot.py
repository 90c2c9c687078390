"""The Lemmy bot against the fake instance: answers, commands, permissions, faults, restarts."""

from __future__ import annotations

import pytest

from records.places import get_place_settings
from tests.lemmy.conftest import (
    ADMIN,
    COMMUNITY,
    LEE_DOI,
    MEMBER,
    MODERATOR,
    WALITT_DOI,
    Harness,
    HarnessFactory,
)


def test_posts_from_before_the_first_poll_are_not_answered(factory: HarnessFactory) -> None:
    factory.fake.add_post(COMMUNITY, MEMBER, "Old", f"doi:{LEE_DOI}")
    factory.build().poll()
    assert factory.fake.bot_replies() == []


def test_a_citing_post_gets_one_markdown_card_under_it(harness: Harness) -> None:
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Brain study", f"What about doi:{LEE_DOI}?")
    assert harness.poll().replies == 1
    (reply,) = harness.fake.bot_replies(f"post/{post}")
    assert reply["path"] == f"0.{reply['id']}"
    assert "](https://www.mecfsatlas.com/evidence/lee-2024-brain-regional)" in reply["content"]
    assert "^(" not in reply["content"]


def test_a_citing_comment_is_answered_as_a_reply_to_it(harness: Harness) -> None:
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Chat")
    comment = harness.fake.add_comment(post, MEMBER, f"see doi:{WALITT_DOI}")
    harness.poll()
    (reply,) = harness.fake.bot_replies(f"comment/{comment}")
    assert reply["path"] == f"0.{comment}.{reply['id']}"


def test_a_quoted_citation_is_not_the_quoters(harness: Harness) -> None:
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Chat")
    harness.fake.add_comment(post, MEMBER, f"> doi:{LEE_DOI}\n\nI disagree")
    harness.poll()
    assert harness.fake.bot_replies() == []


def test_nothing_is_answered_twice_across_restarts(
    harness: Harness, factory: HarnessFactory
) -> None:
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    factory.build().poll()
    harness.fake.add_comment(post, MEMBER, f"and doi:{WALITT_DOI}")
    again = factory.build()
    again.poll()
    again.poll()
    assert len(harness.fake.bot_replies()) == 2


def test_an_edit_adding_a_study_gets_a_card_for_it(harness: Harness) -> None:
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Chat")
    comment = harness.fake.add_comment(post, MEMBER, f"doi:{LEE_DOI}")
    harness.poll()
    harness.fake.edit_comment(comment, f"doi:{LEE_DOI} and doi:{WALITT_DOI}")
    harness.poll()
    assert len(harness.fake.bot_replies(f"comment/{comment}")) == 2


def test_a_long_outage_is_read_back_page_by_page(harness: Harness) -> None:
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Busy")
    cited = harness.fake.add_comment(post, MEMBER, f"doi:{LEE_DOI}")
    for n in range(120):
        harness.fake.add_comment(post, MEMBER, f"chatter {n}")
    harness.poll()
    assert len(harness.fake.bot_replies(f"comment/{cited}")) == 1


def test_a_member_cannot_switch_the_bot_off(harness: Harness) -> None:
    harness.fake.add_post(COMMUNITY, MEMBER, "Sneaky", "!evidence off")
    harness.poll()
    assert get_place_settings(harness.db, "lemmy", COMMUNITY) is None
    (answer,) = harness.fake.bot_replies()
    assert "Only moderators can use" in answer["content"]


@pytest.mark.parametrize("user", [MODERATOR, ADMIN])
def test_community_moderators_and_admins_can(harness: Harness, user: str) -> None:
    harness.fake.add_post(COMMUNITY, user, "Mode", "!evidence summon-only")
    harness.poll()
    settings = get_place_settings(harness.db, "lemmy", COMMUNITY)
    assert settings is not None
    assert settings.mode == "summon-only"


@pytest.mark.parametrize(("user", "removed"), [(MODERATOR, True), (MEMBER, False)])
def test_only_a_moderator_removes_a_card_by_replying_to_it(
    harness: Harness, user: str, removed: bool
) -> None:
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.fake.bot_replies(f"post/{post}")
    harness.fake.add_comment(post, user, "!evidence remove", parent=card["id"])
    harness.poll()
    assert harness.fake.comments[card["id"]]["deleted"] is removed


def test_a_summons_cards_the_comment_it_answers(harness: Harness) -> None:
    harness.poll()
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Q")
    cited = harness.fake.add_comment(post, MEMBER, f"doi:{LEE_DOI}")
    harness.fake.add_post(COMMUNITY, MODERATOR, "Mode", "!evidence summon-only")
    harness.poll()
    before = len(harness.fake.bot_replies())
    summons = harness.fake.add_comment(post, MEMBER, "!evidence", parent=cited)
    harness.poll()
    assert len(harness.fake.bot_replies()) == before + 1
    assert harness.fake.bot_replies(f"comment/{summons}")


def test_a_server_error_after_saving_the_reply_sends_no_second_copy(harness: Harness) -> None:
    harness.fake.fail("POST", "comment", 502, "internal_server_error", saved=True)
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    harness.poll()
    assert len(harness.fake.bot_replies(f"post/{post}")) == 1


def test_a_server_error_before_saving_is_retried_on_the_next_poll(harness: Harness) -> None:
    harness.fake.fail("POST", "comment", 500, "internal_server_error")
    post = harness.fake.add_post(COMMUNITY, MEMBER, "Q", f"doi:{LEE_DOI}")
    first = harness.poll()
    assert harness.fake.bot_replies() == []
    harness.poll()
    assert first.replies == 0
    assert len(harness.fake.bot_replies(f"post/{post}")) == 1


def test_a_rate_limit_waits_as_asked_and_sends_once(harness: Harness) -> None:
    harness.fake.fail("POST", "comment", 429, "rate_limit_error")
    harness.fake.add_post(COMMUNITY, MEMBER, "Q", f"doi:{LEE_DOI}")
    assert harness.poll().replies == 1
    assert 1.0 in harness.sleep.calls
    assert len(harness.fake.bot_replies()) == 1


def test_a_locked_post_is_given_up_without_holding_the_stream(harness: Harness) -> None:
    locked = harness.fake.add_post(COMMUNITY, MEMBER, "Locked", f"doi:{LEE_DOI}")
    harness.fake.posts[locked]["locked"] = True
    later = harness.fake.add_post(COMMUNITY, MEMBER, "Open", f"doi:{WALITT_DOI}")
    harness.poll()
    harness.poll()
    assert harness.fake.bot_replies(f"post/{locked}") == []
    assert len(harness.fake.bot_replies(f"post/{later}")) == 1


def test_a_failed_listing_fails_the_poll_not_the_process(harness: Harness) -> None:
    for _ in range(4):  # the first try and every retry
        harness.fake.fail("GET", "post/list", 503, "internal_server_error")
    harness.fake.add_post(COMMUNITY, MEMBER, "Q", f"doi:{LEE_DOI}")
    assert harness.poll().failures == 1
    harness.poll()
    assert len(harness.fake.bot_replies()) == 1


def test_the_bot_never_answers_itself(harness: Harness) -> None:
    harness.fake.add_post(COMMUNITY, "evidence_bot", "Mine", f"doi:{LEE_DOI}")
    harness.poll()
    assert harness.fake.bot_replies() == []


def test_a_moderator_added_later_is_recognised_without_a_restart(
    factory: HarnessFactory,
) -> None:
    harness = factory.build()
    harness.poll()
    harness.fake.add_post(COMMUNITY, MEMBER, "Early", "!evidence off")
    harness.poll()
    harness.fake.moderators[COMMUNITY].append(MEMBER)
    factory.now += 61  # a list lacking the name is read again after a minute
    harness.fake.add_post(COMMUNITY, MEMBER, "Mode", "!evidence off")
    harness.poll()
    settings = get_place_settings(harness.db, "lemmy", COMMUNITY)
    assert settings is not None
    assert settings.mode == "off"
