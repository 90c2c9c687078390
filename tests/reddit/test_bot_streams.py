"""Watching subreddits: first run, new items, restarts, backlogs and failing streams."""

from __future__ import annotations

import json
import logging

import pytest

from bot.reddit_bot.reading import DEEP_SWEEP_SECONDS
from bot.reddit_bot.streams import SWEEP_SECONDS
from tests.reddit.conftest import (
    LEE_DOI,
    LEE_ID,
    SUBREDDIT,
    WALITT_DOI,
    BotHarness,
    HarnessFactory,
)

CARD_LINK = f"/evidence/{LEE_ID}"


def seen_count(harness: BotHarness) -> int:
    return int(harness.db.execute("SELECT count(*) FROM seen_items").fetchone()[0])


def test_first_run_answers_nothing_already_there(harness_factory: HarnessFactory) -> None:
    fake = harness_factory.fake
    old_post = fake.add_submission(SUBREDDIT, "Old thread", selftext=f"doi:{LEE_DOI}")
    old_comment = fake.add_comment(old_post, f"see {WALITT_DOI}")
    harness = harness_factory.build()
    harness.poll()
    harness.poll()
    assert harness.bot_replies_to(old_post) == []
    assert harness.bot_replies_to(old_comment) == []
    assert fake.requests_to("/api/comment") == []


@pytest.mark.parametrize(
    ("title", "selftext", "url"),
    [
        ("Brain imaging meta-analysis", f"Here it is: https://doi.org/{LEE_DOI}", None),
        (f"New review doi:{LEE_DOI}", "", None),
        ("Look at this paper", "", f"https://doi.org/{LEE_DOI}"),
    ],
    ids=["self-text", "title", "link-post-url"],
)
def test_new_submission_citing_a_study_gets_a_markdown_card(
    harness: BotHarness, title: str, selftext: str, url: str | None
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, title, selftext=selftext, url=url)
    report = harness.poll()
    replies = harness.bot_replies_to(post)
    assert report.replies == 1
    assert len(replies) == 1
    assert CARD_LINK in replies[0]["body"]
    assert len(replies[0]["body"]) <= 10_000


def test_new_comment_citing_a_study_gets_a_card(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Question about PEM")
    comment = harness.fake.add_comment(post, f"This one is relevant: doi {LEE_DOI}")
    harness.poll()
    assert harness.bot_replies_to(post) == []
    assert [CARD_LINK in r["body"] for r in harness.bot_replies_to(comment)] == [True]


def test_post_citing_nothing_gets_no_reply(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "How is everyone doing?", selftext="Rest day")
    harness.poll()
    assert harness.bot_replies_to(post) == []


def test_bot_never_answers_its_own_comments(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    (own,) = harness.bot_replies_to(post)
    harness.poll()
    harness.poll()
    assert harness.bot_replies_to(own["name"]) == []
    assert len(harness.fake.comments_by(harness.fake.username)) == 1


def test_restart_resumes_after_the_last_item_without_answering_twice(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    first = harness_factory.build()
    first.poll()
    before = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    first.poll()
    while_down = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    restarted = harness_factory.build()
    restarted.poll()
    restarted.poll()
    assert len(restarted.bot_replies_to(before)) == 1
    assert len(restarted.bot_replies_to(while_down)) == 1


def test_restart_after_losing_the_seen_marks_still_answers_once(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    first = harness_factory.build()
    first.poll()
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    first.poll()
    # A crash after replying but before the seen mark and cursor were stored.
    first.db.execute("DELETE FROM seen_items")
    first.db.execute("DELETE FROM stream_state")
    first.db.execute(
        "INSERT INTO stream_state (platform, stream, cursor, updated_at) "
        "VALUES ('reddit', ?, ?, 'x')",
        [f"submissions:{SUBREDDIT.lower()}", '{"fullname": null, "created_utc": 0.0}'],
    )
    first.db.conn.commit()
    restarted = harness_factory.build()
    restarted.poll()
    assert len(restarted.bot_replies_to(post)) == 1


def test_backlog_longer_than_one_listing_page_is_read_completely(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    first = harness_factory.build()
    first.poll()
    for n in range(230):
        fake.add_submission(SUBREDDIT, f"Update number {n}")
    restarted = harness_factory.build()
    report = restarted.poll()
    assert report.new_items == 230
    assert seen_count(restarted) == 230
    pages = fake.requests_to(f"/r/{SUBREDDIT.lower()}/new")
    assert len(pages) == 1 + 3  # the first run's read, then three pages of at most 100


def test_deleted_cursor_item_does_not_stall_the_stream(harness: BotHarness) -> None:
    fake = harness.fake
    newest = fake.add_submission(SUBREDDIT, "Hello")
    harness.poll()
    fake.delete(newest)
    later = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()  # a probe anchored on the deleted item finds nothing...
    harness.clock.advance(SWEEP_SECONDS)
    harness.poll()  # ...the next sweep does, and re-anchors
    assert len(harness.bot_replies_to(later)) == 1
    after_sweep = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    harness.poll()  # probes work again
    assert len(harness.bot_replies_to(after_sweep)) == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_server_error_mid_stream_backs_off_and_resumes_without_loss(
    harness: BotHarness, status: int
) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, "Thread")
    comment = fake.add_comment(post, f"doi:{LEE_DOI}")
    fake.fail_next(status, path_contains="/comments", method="GET")
    failed = harness.poll()
    assert failed.failed
    assert harness.bot_replies_to(comment) == []
    assert harness.bot.next_wait() == 30.0  # only one stream failed: no global back-off
    recovered = harness.poll()
    assert not recovered.failed
    assert harness.bot.next_wait() == 30.0
    assert len(harness.bot_replies_to(comment)) == 1


def test_failure_on_a_later_listing_page_rereads_the_whole_backlog(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    first = harness_factory.build()
    first.poll()
    for n in range(150):
        fake.add_submission(SUBREDDIT, f"Item {n}")
    harness = harness_factory.build()
    fake.fail_next(500, path_contains="/new", skip=1)
    assert harness.poll().failed
    assert seen_count(harness) == 0
    assert not harness.poll().failed
    assert seen_count(harness) == 150


def test_slow_listing_times_out_and_the_next_poll_catches_up(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.slow_next(5.0, path_contains="/new")
    assert harness.poll().failed
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1


def test_repeated_failures_back_off_exponentially_up_to_the_cap(harness: BotHarness) -> None:
    harness.fake.fail_next(503, path_contains="/r/", count=1000)
    harness.bot.run(max_polls=8)
    assert harness.sleep.calls == [60.0, 120.0, 240.0, 480.0, 900.0, 900.0, 900.0]


def test_one_bad_item_does_not_stop_the_stream(
    harness: BotHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = harness.fake
    bad = fake.add_submission(SUBREDDIT, "explode", selftext=f"doi:{LEE_DOI}")
    good = fake.add_submission(SUBREDDIT, "fine", selftext=f"doi:{WALITT_DOI}")
    service = harness.bot.service
    original = service.evaluate

    def failing(post, *, summoned=False):  # type: ignore[no-untyped-def]
        if post.text.startswith("explode"):
            raise ValueError("corrupt item")
        return original(post, summoned=summoned)

    monkeypatch.setattr(service, "evaluate", failing)
    report = harness.poll()
    assert report.skipped_items == [bad]
    assert harness.bot_replies_to(bad) == []
    assert len(harness.bot_replies_to(good)) == 1


def test_automoderator_comments_are_never_answered(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    sticky = harness.fake.add_comment(post, f"Rules mention doi:{LEE_DOI}", author="AutoModerator")
    harness.poll()
    assert harness.bot_replies_to(sticky) == []


def test_expired_token_costs_one_poll_then_the_bot_logs_in_again(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.expire_tokens()
    assert harness.poll().failed
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1
    assert len(fake.requests_to("/api/v1/access_token")) == 2


def test_unreadable_subreddit_does_not_stop_the_others(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    fake.add_subreddit("PrivateSub", private=True)
    harness_factory.settings = harness_factory.settings.model_copy(
        update={"subreddits": ["PrivateSub", SUBREDDIT]}
    )
    harness = harness_factory.build()
    first = harness.poll()
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    report = harness.poll()
    assert first.unreadable == report.unreadable == ["privatesub"]
    assert report.stream_errors == []  # reported once, then re-checked quietly
    assert len(harness.bot_replies_to(post)) == 1


def test_two_bot_processes_on_one_database_reply_once(harness_factory: HarnessFactory) -> None:
    fake = harness_factory.fake
    first, second = harness_factory.build(), harness_factory.build()
    first.poll()
    second.poll()
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    first.poll()
    second.poll()
    assert len(first.bot_replies_to(post)) == 1


def test_answer_praw_cannot_read_is_survived_and_retried(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.fake.fail_next(200, path_contains="/new")  # a 200 whose body is not a listing
    report = harness.poll()
    assert report.stream_errors == [f"submissions:{SUBREDDIT.lower()}: ValueError"]
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1


def test_secrets_never_reach_the_logs(
    harness_factory: HarnessFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake = harness_factory.fake
    harness = harness_factory.build()
    harness.poll()
    fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.fail_next(503, path_contains="/new")
    harness.poll()
    harness.poll()
    assert "Fetching" in caplog.text  # prawcore's debug lines were captured
    for secret in (fake.client_secret, fake.password, "token-1"):
        assert secret not in caplog.text


def test_first_run_reads_back_one_hour_and_never_answers_what_was_older(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    day_old = [
        fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI} {n}", created_utc=1_699_950_000.0 + n)
        for n in range(250)
    ]
    newest = fake.add_submission(SUBREDDIT, "Newest", created_utc=1_700_000_000.0)
    harness = harness_factory.build()
    harness.poll()
    assert len(fake.requests_to("/new")) == 2  # the newest five, then one page
    harness.clock.advance(DEEP_SWEEP_SECONDS)
    harness.poll()  # a sweep of the whole day
    assert fake.requests_to("/api/comment") == []
    assert harness.bot_replies_to(day_old[-1]) == harness.bot_replies_to(newest) == []


def test_cursor_stored_before_floors_existed_answers_late_items_but_nothing_older(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    newest = fake.add_submission(SUBREDDIT, "Newest", created_utc=1_700_000_000.0)
    harness = harness_factory.build()
    # What the earlier version stored: no floor.
    legacy = json.dumps({"fullname": newest, "created_utc": 1_700_000_000.0})
    harness.db.execute(
        "INSERT INTO stream_state (platform, stream, cursor, updated_at) "
        "VALUES ('reddit', ?, ?, 'x')",
        [f"submissions:{SUBREDDIT.lower()}", legacy],
    )
    harness.db.conn.commit()
    before_start = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}", created_utc=1_699_990_000.0)
    late = fake.add_submission(SUBREDDIT, f"doi:{WALITT_DOI}", created_utc=1_699_998_800.0)
    harness.poll()
    assert harness.bot_replies_to(before_start) == []
    assert len(harness.bot_replies_to(late)) == 1
