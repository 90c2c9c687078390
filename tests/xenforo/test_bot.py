"""The XenForo bot against the fake forum: answers, edits, policy, never twice."""

from __future__ import annotations

import pytest

from bot.core.conversation import NOT_MINE_TEXT
from records.places import get_place_settings
from tests.xenforo.conftest import (
    ADMIN,
    GROUP_MOD,
    LEE_DOI,
    MEMBER,
    MODERATOR,
    NODE,
    OTHER_NODE,
    WALITT_DOI,
    Harness,
    HarnessFactory,
)


def test_posts_from_before_the_first_poll_are_not_answered(harness: Harness) -> None:
    assert harness.fake.replies_by_bot() == []


def test_a_citing_post_gets_one_reply_quoting_it(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Brain scans", f"What about doi:{LEE_DOI}?")
    post_id = harness.fake.threads[thread]["first_post_id"]
    assert harness.poll().replies == 1
    (reply,) = harness.fake.replies_by_bot()
    assert reply["thread_id"] == thread
    assert reply["message"].startswith(
        f'[QUOTE="Senior Member, post: {post_id}, member: {MEMBER}"]What about doi:'
    )
    assert "[URL='https://www.mecfsatlas.com/evidence/lee-2024-brain-regional']" in reply["message"]


def test_replies_in_a_long_thread_are_read_from_its_last_page(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Chat", "hello")
    harness.poll()
    for n in range(45):
        harness.fake.add_post(thread, f"chatter {n}")
    cited = harness.fake.add_post(thread, f"see {LEE_DOI}")
    harness.poll()
    assert [p["thread_id"] for p in harness.fake.replies_by_bot(quoting=cited)] == [thread]


def test_nothing_is_answered_twice_across_restarts(
    harness: Harness, factory: HarnessFactory
) -> None:
    thread = harness.fake.add_thread(NODE, "Brain scans", f"doi:{LEE_DOI}")
    harness.poll()
    restarted = factory.build()
    restarted.poll()
    restarted.poll()
    harness.fake.add_post(thread, f"and {WALITT_DOI}")
    factory.build().poll()
    assert len(harness.fake.replies_by_bot()) == 2


def test_an_edit_adding_a_study_gets_a_card_for_that_study_only(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Brain scans", f"doi:{LEE_DOI}")
    post_id = harness.fake.threads[thread]["first_post_id"]
    harness.poll()
    harness.fake.edit_post(post_id, f"doi:{LEE_DOI} and also doi:{WALITT_DOI}")
    harness.poll()
    harness.poll()
    replies = harness.fake.replies_by_bot(quoting=post_id)
    assert len(replies) == 2
    assert "walitt-2024" in replies[1]["message"]
    assert "lee-2024-brain-regional" not in replies[1]["message"]


def test_the_same_study_in_the_same_thread_waits_for_the_cooldown(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Brain scans", f"doi:{LEE_DOI}")
    harness.poll()
    harness.fake.add_post(thread, f"again doi:{LEE_DOI}")
    harness.poll()
    assert len(harness.fake.replies_by_bot()) == 1


def test_an_opted_out_member_gets_no_automatic_cards(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Me", "!evidence optout")
    harness.poll()
    harness.fake.add_post(thread, f"doi:{LEE_DOI}")
    harness.poll()
    (answer,) = harness.fake.replies_by_bot()
    assert "I will not reply to your posts automatically" in answer["message"]


def test_a_member_cannot_switch_the_bot_off(harness: Harness) -> None:
    harness.fake.add_thread(NODE, "Sneaky", "!evidence off")
    harness.poll()
    assert get_place_settings(harness.db, "xenforo", str(NODE)) is None
    (answer,) = harness.fake.replies_by_bot()
    assert "Only moderators can use !evidence off." in answer["message"]


def _switches_mode(harness: Harness, user: int) -> bool:
    harness.db.execute("DELETE FROM place_settings")
    harness.fake.add_thread(NODE, "Mode", "!evidence summon-only", user_id=user)
    harness.poll()
    settings = get_place_settings(harness.db, "xenforo", str(NODE))
    return settings is not None and settings.mode == "summon-only"


def test_with_a_members_key_forum_staff_are_moderators(harness: Harness) -> None:
    # XenForo shows a normal key `is_staff` only: is_admin, is_moderator and groups are hidden.
    assert "is_moderator" not in harness.fake.handle_user_view(MODERATOR)
    assert [_switches_mode(harness, user) for user in (MODERATOR, ADMIN)] == [True, True]


def test_with_a_members_key_a_listed_group_cannot_be_seen(harness: Harness) -> None:
    assert _switches_mode(harness, GROUP_MOD) is False


def test_a_moderator_not_shown_as_staff_needs_a_key_that_sees_flags(
    harness: Harness, factory: HarnessFactory
) -> None:
    harness.fake.add_user(77, "Quiet Mod", moderator=True, staff=False)
    assert _switches_mode(harness, 77) is False
    harness.fake.bot_manages_users = True
    assert _switches_mode(factory.build(), 77) is True


@pytest.mark.parametrize("super_user_key", [False, True])
def test_listed_groups_are_moderators_when_the_key_sees_groups(
    harness: Harness, factory: HarnessFactory, super_user_key: bool
) -> None:
    # An administrator's key sees groups; a super user key does with the bypass parameter.
    harness.fake.bot_manages_users = not super_user_key
    harness.fake.super_user_key = super_user_key
    restarted = factory.build(bypass_permissions=super_user_key)
    assert _switches_mode(restarted, GROUP_MOD) is True


def test_a_summons_quoting_a_post_cards_it(harness: Harness) -> None:
    harness.fake.add_thread(OTHER_NODE, "Mode", "!evidence summon-only", user_id=MODERATOR)
    harness.poll()
    thread = harness.fake.add_thread(OTHER_NODE, "Q", f"doi:{LEE_DOI}")
    cited = harness.fake.threads[thread]["first_post_id"]
    harness.poll()
    assert harness.fake.replies_by_bot(quoting=cited) == []
    summons = harness.fake.add_post(
        thread, f'[QUOTE="Senior Member, post: {cited}, member: {MEMBER}"]x[/QUOTE]\n!evidence'
    )
    harness.poll()
    (reply,) = harness.fake.replies_by_bot(quoting=summons)
    assert "lee-2024-brain-regional" in reply["message"]


def test_a_moderator_removes_a_card_by_quoting_it(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.fake.replies_by_bot()
    quote = f'[QUOTE="EvidenceBot, post: {card["post_id"]}, member: 1"]x[/QUOTE]'
    harness.fake.add_post(thread, f"{quote}\n!evidence remove", user_id=MODERATOR)
    harness.poll()
    assert harness.fake.posts[card["post_id"]]["message_state"] == "deleted"


def test_remove_quoting_a_members_post_deletes_nothing(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", "hello")
    first = harness.fake.threads[thread]["first_post_id"]
    harness.poll()
    quote = f'[QUOTE="Senior Member, post: {first}, member: {MEMBER}"]x[/QUOTE]'
    harness.fake.add_post(thread, f"{quote}\n!evidence remove", user_id=MODERATOR)
    harness.poll()
    assert harness.fake.posts[first]["message_state"] == "visible"
    assert NOT_MINE_TEXT in harness.fake.replies_by_bot()[0]["message"]


def test_a_quoted_citation_is_not_carded_again(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", "hello")
    harness.poll()
    harness.fake.add_post(thread, f'[QUOTE="x, post: 1, member: 2"]doi:{LEE_DOI}[/QUOTE] agreed')
    harness.poll()
    assert harness.fake.replies_by_bot() == []


def test_a_link_in_bbcode_is_a_citation(harness: Harness) -> None:
    harness.fake.add_thread(NODE, "Q", f"[URL='https://doi.org/{LEE_DOI}']this study[/URL]")
    harness.poll()
    assert len(harness.fake.replies_by_bot()) == 1


def test_a_busy_forum_is_listed_back_past_its_first_page(harness: Harness) -> None:
    threads = [harness.fake.add_thread(NODE, f"T{n}", "hi") for n in range(30)]
    harness.poll()
    cited = [harness.fake.add_post(thread, f"doi:{LEE_DOI}") for thread in threads]
    harness.poll()
    assert all(len(harness.fake.replies_by_bot(quoting=post)) == 1 for post in cited)


def test_a_malformed_post_is_skipped_and_the_thread_goes_on(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", "hello")
    harness.poll()
    broken = harness.fake.add_post(thread, "broken")
    harness.fake.posts[broken]["post_date"] = "not a time"
    cited = harness.fake.add_post(thread, f"doi:{LEE_DOI}")
    harness.poll()
    assert len(harness.fake.replies_by_bot(quoting=cited)) == 1


def test_a_command_by_a_user_the_api_cannot_read_is_a_members(harness: Harness) -> None:
    harness.fake.add_user(77, "Ghost")
    harness.fake.add_thread(NODE, "Sneaky", "!evidence off", user_id=77)
    del harness.fake.users[77]
    assert harness.poll().failures == 0
    assert get_place_settings(harness.db, "xenforo", str(NODE)) is None
    (answer,) = harness.fake.replies_by_bot()
    assert "Only moderators can use !evidence off." in answer["message"]


def test_an_idle_poll_lists_the_forums_and_reads_no_thread(
    factory: HarnessFactory,
) -> None:
    for n in range(5):
        factory.fake.add_thread(NODE, f"T{n}", "hello")
    bot = factory.build(edit_check_seconds=300)
    bot.poll()
    thread = factory.fake.add_thread(NODE, "New", f"doi:{LEE_DOI}")
    bot.poll()  # reads the new thread (and checks the recent ones for edits once)
    bot.poll()  # reads our own reply, which bumped the thread
    before = len(factory.fake.requests)
    bot.poll()
    paths = [r.path for r in factory.fake.requests[before:]]
    assert paths == [f"/api/forums/{NODE}/threads", f"/api/forums/{OTHER_NODE}/threads"]
    assert len(factory.fake.replies_by_bot()) == 1
    assert factory.fake.replies_by_bot()[0]["thread_id"] == thread
