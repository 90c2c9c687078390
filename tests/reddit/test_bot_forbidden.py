"""A 403 on a reply is about that item unless the subreddit says the bot is banned.

Reddit answers 403 to a reply under a locked post or comment as well as to a banned account
(praw documents both). The bot asks `/r/<sub>/about` (`user_is_banned`) before calling a
subreddit banned, keeps what it could not answer while banned, and answers it afterwards.
"""

from __future__ import annotations

import logging

import pytest

from records.deferred_items import deferred_items
from records.modlog import recent_actions
from records.replies import get_reply
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, WALITT_DOI, BotHarness


def banned_rows(harness: BotHarness) -> list[str]:
    return [
        a.detail or ""
        for a in recent_actions(harness.db, platform="reddit")
        if a.action == "banned"
    ]


def test_a_reply_refused_in_a_locked_thread_is_not_a_ban(harness: BotHarness) -> None:
    fake = harness.fake
    thread = fake.add_submission(SUBREDDIT, "Thread")
    locked = fake.add_comment(thread, f"doi:{LEE_DOI}")
    fake.set_flags(thread, locked=True)  # locked after the comment: its data says nothing
    harness.poll()
    later = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    report = harness.poll()
    assert not report.failed
    assert harness.bot_replies_to(locked) == []
    assert get_reply(harness.db, "reddit", locked) is None  # released, not half-claimed
    assert len(harness.bot_replies_to(later)) == 1
    assert banned_rows(harness) == []
    assert fake.requests_to(f"/r/{SUBREDDIT.lower()}/about")  # Reddit was asked, not guessed


def test_comment_in_a_thread_locked_after_it_was_posted_is_not_a_ban(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    thread = fake.add_submission(SUBREDDIT, "Thread")
    comment = fake.add_comment(thread, f"doi:{LEE_DOI}")
    fake.set_flags(thread, locked=True)
    other_thread = fake.add_submission(SUBREDDIT, "Another")
    other = fake.add_comment(other_thread, f"doi:{WALITT_DOI}")
    harness.poll()
    assert harness.bot_replies_to(comment) == []
    assert len(harness.bot_replies_to(other)) == 1
    assert banned_rows(harness) == []


def test_a_ban_is_taken_from_the_about_page_and_mod_logged_once(harness: BotHarness) -> None:
    fake = harness.fake
    fake.set_banned(SUBREDDIT)
    fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.add_submission(SUBREDDIT, f"doi:{WALITT_DOI}")
    harness.poll()
    harness.poll()
    (detail,) = banned_rows(harness)
    assert "user_is_banned" in detail
    assert len(fake.requests_to("/api/comment")) == 1


def test_refusals_in_several_threads_count_as_a_ban_when_about_cannot_be_read(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    fake.set_banned(SUBREDDIT)
    fake.fail_next(503, path_contains="/about", count=10)
    posts = [fake.add_submission(SUBREDDIT, f"Post {n} doi:{LEE_DOI}") for n in range(4)]
    harness.poll()
    assert len(fake.requests_to("/api/comment")) == 3  # the fourth waits: banned
    (detail,) = banned_rows(harness)
    assert "3 different threads" in detail
    assert [w.item_id for w in deferred_items(harness.db, "reddit", SUBREDDIT.lower())] == [
        posts[2],
        posts[3],
    ]


def test_citation_posted_while_banned_is_answered_once_the_ban_lifts(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    fake.set_banned(SUBREDDIT)
    refused = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    while_banned = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    harness.poll()
    assert harness.bot_replies_to(while_banned) == []
    harness.clock.advance(30 * 60)
    harness.poll()  # not re-checked yet
    assert len(fake.requests_to("/api/comment")) == 1
    fake.set_banned(SUBREDDIT, banned=False)
    harness.clock.advance(2 * 3600)
    report = harness.poll()
    assert report.replies == 2
    assert len(harness.bot_replies_to(refused)) == 1
    assert len(harness.bot_replies_to(while_banned)) == 1
    assert deferred_items(harness.db, "reddit", SUBREDDIT.lower()) == []
    harness.poll()
    assert len(harness.bot_replies_to(while_banned)) == 1


def test_citation_still_banned_after_a_day_is_logged_as_not_answered(
    harness: BotHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.reddit_bot")
    fake = harness.fake
    fake.set_banned(SUBREDDIT)
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    for _ in range(26):
        harness.clock.advance(3600)
        harness.poll()
    assert harness.bot_replies_to(post) == []
    assert deferred_items(harness.db, "reddit", SUBREDDIT.lower()) == []
    assert any("not answered" in r.getMessage() and post in r.getMessage() for r in caplog.records)
    assert len(fake.requests_to("/api/comment")) == 1  # never hammered while banned
