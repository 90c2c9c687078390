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
    ("amount", "wording", "wait"),
    [("3 seconds", RATELIMIT_TRY_AGAIN, 4.0), ("500 milliseconds", RATELIMIT_MESSAGE, 1.5)],
)
def test_ratelimit_of_a_few_seconds_is_waited_out_then_posts_once(
    harness: BotHarness, amount: str, wording: str, wait: float
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.ratelimit_next(amount, wording=wording)
    harness.poll()
    assert harness.sleep.calls == [wait]
    assert len(harness.bot_replies_to(post)) == 1


@pytest.mark.parametrize(
    ("amount", "wording", "wait"),
    [
        ("6 minutes", RATELIMIT_MESSAGE, 361.0),
        ("9 seconds", RATELIMIT_TRY_AGAIN, 10.0),
        ("9m30s", RATELIMIT_TRY_AGAIN, 571.0),
        ("20 minutes", RATELIMIT_MESSAGE, 1201.0),
    ],
)
def test_ratelimit_defers_the_reply_and_polling_goes_on(
    harness_factory: HarnessFactory, amount: str, wording: str, wait: float
) -> None:
    fake = harness_factory.fake
    fake.add_subreddit("Other")
    harness_factory.settings = harness_factory.settings.model_copy(
        update={"subreddits": [SUBREDDIT, "Other"]}
    )
    harness = harness_factory.build()
    harness.poll()
    limited = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.ratelimit_next(amount, wording=wording)
    first = harness.poll()
    assert not first.failed
    assert harness.sleep.calls == []  # nothing stands still for Reddit's wait
    assert get_reply(harness.db, "reddit", limited) is None  # released, kept for later
    # Meanwhile: the other subreddit is answered, and the limited one is still read but not
    # asked to take comments before its wait is over.
    other = fake.add_submission("Other", f"doi:{WALITT_DOI}")
    same_sub = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    comments_before = len(fake.requests_to("/api/comment"))
    harness.clock.advance(wait - 1.5)
    harness.poll()
    assert len(harness.bot_replies_to(other)) == 1
    assert harness.bot_replies_to(same_sub) == []
    assert len(fake.requests_to("/api/comment")) == comments_before + 1  # only Other's
    harness.clock.advance(1.5)
    harness.poll()
    assert len(harness.bot_replies_to(limited)) == 1
    assert len(harness.bot_replies_to(same_sub)) == 1
    harness.poll()
    assert len(fake.requests_to("/api/comment", method="POST")) == comments_before + 3


def test_reply_deferred_by_ratelimits_for_a_day_is_given_up(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.ratelimit_next("10 minutes", count=1000)
    for _ in range(4 * 24 + 1):
        harness.poll()
        harness.clock.advance(15 * 60)
    attempts = len(harness.fake.requests_to("/api/comment"))
    harness.poll()
    harness.poll()
    assert harness.bot_replies_to(post) == []
    assert 90 <= attempts <= 100  # one attempt per wait, not one per poll
    assert len(harness.fake.requests_to("/api/comment")) == attempts  # given up


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
