"""Replies Reddit refuses or loses: locks, archives, bans, RATELIMIT, server errors."""

from __future__ import annotations

import pytest

from bot.reddit_bot.bot import MAX_ITEM_ATTEMPTS
from records.modlog import recent_actions
from records.replies import get_reply
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, WALITT_DOI, BotHarness, HarnessFactory
from tests.reddit.fake_reddit import RATELIMIT_MESSAGE, RATELIMIT_TRY_AGAIN


@pytest.mark.parametrize("flag", ["locked", "archived"])
def test_locked_or_archived_submission_is_not_answered(harness: BotHarness, flag: str) -> None:
    post = harness.fake.add_submission(
        SUBREDDIT, f"doi:{LEE_DOI}", locked=flag == "locked", archived=flag == "archived"
    )
    report = harness.poll()
    assert not report.failed
    assert harness.fake.requests_to("/api/comment") == []
    assert get_reply(harness.db, "reddit", post) is None


def test_comment_in_a_thread_locked_later_is_refused_once_and_released(
    harness: BotHarness,
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    comment = harness.fake.add_comment(post, f"doi:{LEE_DOI}")
    harness.fake.set_flags(post, locked=True)
    report = harness.poll()
    harness.poll()
    assert not report.failed
    assert len(harness.fake.requests_to("/api/comment")) == 1
    assert harness.bot_replies_to(comment) == []
    assert get_reply(harness.db, "reddit", comment) is None


def test_comment_whose_parent_vanished_before_the_reply_is_skipped(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    comment = harness.fake.add_comment(post, f"doi:{LEE_DOI}")
    harness.fake.delete(comment)
    report = harness.poll()
    assert not report.failed
    assert harness.bot_replies_to(comment) == []


def test_ban_stops_replies_in_that_subreddit_and_is_mod_logged(harness: BotHarness) -> None:
    fake = harness.fake
    fake.set_banned(SUBREDDIT)
    first = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    second = fake.add_submission(SUBREDDIT, f"doi:{WALITT_DOI}")
    report = harness.poll()
    assert not report.failed
    assert len(fake.requests_to("/api/comment")) == 1  # the second is not even tried
    assert harness.bot_replies_to(first) == harness.bot_replies_to(second) == []
    (action,) = recent_actions(harness.db, platform="reddit")
    assert action.action == "banned"


def test_ban_is_rechecked_after_some_hours(harness: BotHarness) -> None:
    fake = harness.fake
    fake.set_banned(SUBREDDIT)
    fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    fake.set_banned(SUBREDDIT, banned=False)
    harness.clock.advance(7 * 3600)
    later = fake.add_submission(SUBREDDIT, f"doi:{WALITT_DOI}")
    harness.poll()
    assert len(harness.bot_replies_to(later)) == 1


@pytest.mark.parametrize(
    ("amount", "wait"),
    [("1 minute", 61.0), ("9 seconds", 10.0), ("500 milliseconds", 1.5)],
)
def test_ratelimit_waits_the_time_reddit_names_then_posts_once(
    harness: BotHarness, amount: str, wait: float
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.ratelimit_next(amount)
    harness.poll()
    assert harness.sleep.calls == [wait]
    assert len(harness.bot_replies_to(post)) == 1


def test_ratelimit_longer_than_the_cap_defers_the_item_to_a_later_poll(
    harness: BotHarness,
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.ratelimit_next("20 minutes")
    assert harness.poll().failed
    assert harness.sleep.calls == []
    assert get_reply(harness.db, "reddit", post) is None  # released for the retry
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1


def test_server_error_after_the_comment_was_made_does_not_post_twice(
    harness: BotHarness,
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.fail_next(502, path_contains="/api/comment", after_commit=True)
    harness.poll()
    harness.poll()
    (reply,) = harness.bot_replies_to(post)
    record = get_reply(harness.db, "reddit", post)
    assert record is not None
    assert record.reply_id == reply["name"]
    assert harness.fake.requests_to(f"/user/{harness.fake.username}/comments")


def test_server_error_before_the_comment_was_made_retries_and_posts_once(
    harness: BotHarness,
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.fail_next(500, path_contains="/api/comment")
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1
    assert len(harness.fake.requests_to("/api/comment")) == 2
    assert harness.sleep.calls == [30.0]


def test_unverifiable_failure_is_not_retried_blindly(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.fail_next(500, path_contains="/api/comment", after_commit=True)
    fake.fail_next(500, path_contains=f"/user/{fake.username}/comments")
    assert harness.poll().failed  # posted, but the bot cannot tell: the item waits
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1
    assert len(fake.requests_to("/api/comment")) == 1
    record = get_reply(harness.db, "reddit", post)
    assert record is not None
    assert record.reply_id == harness.bot_replies_to(post)[0]["name"]


def test_unverifiable_reply_is_not_posted_again_after_a_restart(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    first = harness_factory.build()
    first.poll()
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.fail_next(500, path_contains="/api/comment", after_commit=True)
    fake.fail_next(500, path_contains=f"/user/{fake.username}/comments")
    assert first.poll().failed
    restarted = harness_factory.build()
    restarted.poll()
    restarted.poll()
    assert len(fake.replies_to(post, author=fake.username)) == 1
    assert len(fake.requests_to("/api/comment")) == 1


def test_item_that_keeps_failing_is_given_up_so_later_items_are_answered(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    stuck = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    later = fake.add_submission(SUBREDDIT, f"doi:{WALITT_DOI}")
    fake.fail_next(503, path_contains="/api/comment", count=3 * MAX_ITEM_ATTEMPTS)
    reports = [harness.poll() for _ in range(MAX_ITEM_ATTEMPTS)]
    assert all(report.failed for report in reports[:-1])
    assert reports[-1].skipped_items == [stuck]
    assert harness.bot_replies_to(stuck) == []
    assert get_reply(harness.db, "reddit", stuck) is None
    harness.poll()
    assert len(harness.bot_replies_to(later)) == 1


def test_reply_reddit_makes_without_returning_it_is_recorded_with_its_id(
    harness: BotHarness,
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.withhold_next_reply()  # `things: []`, as in a quarantined subreddit
    report = harness.poll()
    harness.poll()
    (reply,) = harness.bot_replies_to(post)
    assert not report.failed
    record = get_reply(harness.db, "reddit", post)
    assert record is not None
    assert record.reply_id == reply["name"]
    assert len(harness.fake.requests_to("/api/comment")) == 1


@pytest.mark.parametrize(
    ("amount", "wording", "wait"),
    [
        ("9m30s", RATELIMIT_TRY_AGAIN, 571.0),
        ("3 seconds", RATELIMIT_TRY_AGAIN, 4.0),
        ("1 minute", RATELIMIT_MESSAGE, 61.0),
    ],
)
def test_ratelimit_in_every_wording_waits_what_reddit_names(
    harness: BotHarness, amount: str, wording: str, wait: float
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.ratelimit_next(amount, wording=wording)
    harness.poll()
    assert harness.sleep.calls == [wait]
    assert len(harness.bot_replies_to(post)) == 1
