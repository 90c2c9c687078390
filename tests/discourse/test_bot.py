"""The Discourse bot against the fake forum: answers, edits, policy, permissions, never twice."""

from __future__ import annotations

import pytest

from records.places import get_place_settings
from tests.discourse.conftest import (
    CATEGORY,
    HELPER,
    LEE_DOI,
    MODERATOR,
    WALITT_DOI,
    Harness,
    HarnessFactory,
)


def test_posts_from_before_the_first_poll_are_not_answered(harness: Harness) -> None:
    assert harness.fake.bot_replies() == []


def test_a_citing_post_gets_one_reply_to_its_number(harness: Harness) -> None:
    topic_post = harness.fake.add_topic(CATEGORY, "Brain", "hello")
    topic = harness.fake.posts[topic_post]["topic_id"]
    cited = harness.fake.add_post(topic, f"What about doi:{LEE_DOI}?")
    assert harness.poll().replies == 1
    (reply,) = harness.fake.bot_replies(cited)
    assert reply["reply_to_post_number"] == "2"
    assert "](https://www.mecfsatlas.com/evidence/lee-2024-brain-regional)" in reply["raw"]
    assert "^(" not in reply["raw"]


def test_a_long_outage_is_read_back_page_by_page(harness: Harness) -> None:
    topic = harness.fake.posts[harness.fake.add_topic(CATEGORY, "Busy", "hi")]["topic_id"]
    cited = harness.fake.add_post(topic, f"doi:{LEE_DOI}")
    for n in range(120):
        harness.fake.add_post(topic, f"chatter {n}")
    harness.poll()
    assert len(harness.fake.bot_replies(cited)) == 1


def test_nothing_is_answered_twice_across_restarts(
    harness: Harness, factory: HarnessFactory
) -> None:
    first = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    factory.build().poll()
    topic = harness.fake.posts[first]["topic_id"]
    harness.fake.add_post(topic, f"and {WALITT_DOI}")
    again = factory.build()
    again.poll()
    again.poll()
    assert len(harness.fake.bot_replies()) == 2


def test_an_edit_adding_a_study_gets_a_card_for_it_only(harness: Harness) -> None:
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    harness.fake.edit_post(post, f"doi:{LEE_DOI} and doi:{WALITT_DOI}")
    harness.poll()
    harness.poll()
    replies = harness.fake.bot_replies(post)
    assert len(replies) == 2
    assert "walitt-2024" in replies[1]["raw"]
    assert "lee-2024-brain-regional" not in replies[1]["raw"]


def test_a_quoted_citation_is_not_carded_again(harness: Harness) -> None:
    harness.fake.add_topic(
        CATEGORY, "Q", f'[quote="a, post:1, topic:9"]\ndoi:{LEE_DOI}\n[/quote]\nyes'
    )
    harness.poll()
    assert harness.fake.bot_replies() == []


def test_a_member_cannot_switch_the_bot_off(harness: Harness) -> None:
    harness.fake.add_topic(CATEGORY, "Sneaky", "!evidence off")
    harness.poll()
    assert get_place_settings(harness.db, "discourse", str(CATEGORY)) is None
    (answer,) = harness.fake.bot_replies()
    assert "Only moderators can use" in answer["raw"]


@pytest.mark.parametrize("user", [MODERATOR, HELPER])
def test_staff_and_listed_groups_can(harness: Harness, user: str) -> None:
    harness.fake.add_topic(CATEGORY, "Mode", "!evidence summon-only", user=user)
    harness.poll()
    settings = get_place_settings(harness.db, "discourse", str(CATEGORY))
    assert settings is not None
    assert settings.mode == "summon-only"


def test_a_summons_replying_to_a_post_cards_it(harness: Harness) -> None:
    harness.fake.add_topic(CATEGORY, "Mode", "!evidence summon-only", user=MODERATOR)
    harness.poll()
    cited = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    assert harness.fake.bot_replies(cited) == []
    topic = harness.fake.posts[cited]["topic_id"]
    summons = harness.fake.add_post(topic, "!evidence", reply_to=1)
    harness.poll()
    (reply,) = harness.fake.bot_replies(summons)
    assert "lee-2024-brain-regional" in reply["raw"]


def test_a_moderator_removes_a_card_by_replying_to_it(harness: Harness) -> None:
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.fake.bot_replies(post)
    topic = harness.fake.posts[post]["topic_id"]
    harness.fake.add_post(topic, "!evidence remove", user=MODERATOR, reply_to=card["post_number"])
    harness.poll()
    assert harness.fake.posts[card["id"]]["deleted_at"] is not None


def test_a_member_cannot_remove_a_card(harness: Harness) -> None:
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.fake.bot_replies(post)
    topic = harness.fake.posts[post]["topic_id"]
    harness.fake.add_post(topic, "!evidence remove", reply_to=card["post_number"])
    harness.poll()
    assert harness.fake.posts[card["id"]]["deleted_at"] is None


def test_hostile_atlas_free_text_mentions_nobody(harness: Harness) -> None:
    harness.fake.add_topic(
        CATEGORY, "Q", "!evidence @admin @everyone [x](javascript:alert(1)) " * 30
    )
    harness.poll()
    (answer,) = harness.fake.bot_replies()
    assert "@admin" not in answer["raw"]
    assert "](javascript" not in answer["raw"]


def test_a_listed_group_that_does_not_exist_makes_nobody_a_moderator(harness: Harness) -> None:
    harness.fake.groups.clear()
    harness.fake.add_topic(CATEGORY, "Sneaky", "!evidence off", user=HELPER)
    assert harness.poll().failures == 0
    assert get_place_settings(harness.db, "discourse", str(CATEGORY)) is None
    (answer,) = harness.fake.bot_replies()
    assert "Only moderators can use" in answer["raw"]


def test_a_summons_answering_the_topic_cards_its_first_post(harness: Harness) -> None:
    harness.fake.add_topic(CATEGORY, "Mode", "!evidence summon-only", user=MODERATOR)
    harness.poll()
    first = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    summons = harness.fake.add_post(harness.fake.posts[first]["topic_id"], "!evidence")
    harness.poll()
    (reply,) = harness.fake.bot_replies(summons)
    assert "lee-2024-brain-regional" in reply["raw"]
