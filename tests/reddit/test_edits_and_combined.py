"""Edited items, and many subreddits read through one combined listing."""

from __future__ import annotations

import pytest

from bot.reddit_bot.membership import MEMBER_CHECK_SECONDS
from bot.reddit_bot.streams import SWEEP_SECONDS
from records.replies import get_reply
from tests.reddit.conftest import (
    LEE_DOI,
    LEE_ID,
    MODERATOR,
    SUBREDDIT,
    WALITT_DOI,
    WALITT_ID,
    BotHarness,
    HarnessFactory,
)


def sweep(harness: BotHarness) -> None:
    harness.clock.advance(SWEEP_SECONDS)
    harness.poll()


@pytest.mark.parametrize(
    ("kind", "before", "after", "replies"),
    [
        ("comment", "I read a study about this somewhere", f"It was doi:{LEE_DOI}", 1),
        ("submission", "Which study was it?", f"Found it: doi:{LEE_DOI}", 1),
        ("comment", f"doi:{LEE_DOI}", f"Fixed a typo. doi:{LEE_DOI}", 1),
        ("comment", "!evidence help", "!evidence help (edited)", 1),
        ("comment", "Nothing cited", "Still nothing cited", 0),
    ],
    ids=["citation-added", "submission-text", "nothing-new", "command-not-rerun", "no-study"],
)
def test_an_edit_is_handled_once_at_the_next_sweep(
    harness: BotHarness, kind: str, before: str, after: str, replies: int
) -> None:
    fake = harness.fake
    thread = fake.add_submission(
        SUBREDDIT, "Thread", selftext=before if kind == "submission" else ""
    )
    item = thread if kind == "submission" else fake.add_comment(thread, before, author=MODERATOR)
    harness.poll()
    fake.edit(item, after)
    sweep(harness)
    sweep(harness)
    assert len(harness.bot_replies_to(item)) == replies
    if replies and "doi" in after:
        assert f"/evidence/{LEE_ID}" in harness.bot_replies_to(item)[0]["body"]


def test_edit_adding_a_second_study_cards_only_the_new_one(harness: BotHarness) -> None:
    fake = harness.fake
    thread = fake.add_submission(SUBREDDIT, "Thread")
    comment = fake.add_comment(thread, f"doi:{LEE_DOI}")
    harness.poll()
    fake.edit(comment, f"doi:{LEE_DOI} and also doi:{WALITT_DOI}")
    sweep(harness)
    first, second = sorted(harness.bot_replies_to(comment), key=lambda r: r["created_utc"])
    assert f"/evidence/{LEE_ID}" in first["body"]
    assert f"/evidence/{WALITT_ID}" in second["body"]
    assert f"/evidence/{LEE_ID}" not in second["body"]
    record = get_reply(harness.db, "reddit", comment)
    assert record is not None
    assert set(record.entries) == {LEE_ID, WALITT_ID}


def test_edits_made_before_the_first_run_are_not_answered(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    thread = fake.add_submission(SUBREDDIT, "Thread")
    comment = fake.add_comment(thread, "nothing yet")
    fake.edit(comment, f"doi:{LEE_DOI}")
    harness = harness_factory.build()
    harness.poll()
    sweep(harness)
    assert harness.bot_replies_to(comment) == []


# -- many subreddits ------------------------------------------------------------------------

IDLE_SUBREDDITS = [f"MECFS_{n:02d}" for n in range(25)]


def many(factory: HarnessFactory, names: list[str], *, create: bool = True) -> BotHarness:
    """A bot watching `names` (created on the fake unless `create` is False)."""
    for name in names:
        if create and name != SUBREDDIT:
            factory.fake.add_subreddit(name)
    factory.settings = factory.settings.model_copy(update={"subreddits": names})
    return factory.build()


def test_25_idle_subreddits_cost_under_20_requests_a_minute(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    harness = many(harness_factory, IDLE_SUBREDDITS)
    for name in IDLE_SUBREDDITS:  # each has some history, and one item in the last day
        thread = fake.add_submission(name, f"Welcome to r/{name}")
        fake.add_comment(thread, "Hello")
    harness.poll()  # each subreddit's first run
    harness.poll()
    before = len(fake.requests)

    def sleep(seconds: float) -> None:
        harness.clock.advance(seconds)

    harness.bot._sleep = sleep
    minutes = 30
    harness.bot.run(max_polls=minutes * 2)  # every 30 s, with sweeps every 10 minutes
    rate = (len(fake.requests) - before) / minutes
    assert rate < 20
    assert rate <= 5  # two probes a poll, two one-page sweeps every ten minutes
    listings = fake.requests_to("+")
    assert {r.path.split("/")[2].count("+") for r in listings} == {24}  # all 25 in one


def test_new_items_in_many_subreddits_are_all_answered_from_one_listing(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    harness = many(harness_factory, IDLE_SUBREDDITS)
    harness.poll()
    posts = [fake.add_submission(name, f"doi:{LEE_DOI}") for name in IDLE_SUBREDDITS[:5]]
    harness.poll()
    assert [len(harness.bot_replies_to(p)) for p in posts] == [1] * 5


@pytest.mark.parametrize("setup", ["private", "closed", "missing"])
def test_unreadable_subreddit_is_left_out_of_the_combined_listing(
    harness_factory: HarnessFactory, setup: str
) -> None:
    fake = harness_factory.fake
    fake.add_subreddit("Other")
    if setup != "missing":
        fake.add_subreddit("Gone", private=setup == "private", closed=setup == "closed")
    harness = many(harness_factory, [SUBREDDIT, "Other", "Gone"], create=False)
    harness.poll()
    report = harness.poll()
    assert report.unreadable == ["gone"]
    assert report.stream_errors == []
    post = fake.add_submission("Other", f"doi:{LEE_DOI}")
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1
    assert all("gone" not in r.path for r in fake.requests_to("+"))


def test_subreddit_turning_private_is_found_by_its_turn_of_checks_and_read_again_later(
    harness_factory: HarnessFactory, caplog: pytest.LogCaptureFixture
) -> None:
    fake = harness_factory.fake
    harness = many(harness_factory, [SUBREDDIT, "Other"])
    harness.poll()
    # A combined listing shows nothing of a private subreddit, and says nothing about it.
    fake.set_private("Other")
    reports = []
    for _ in range(2):
        harness.clock.advance(MEMBER_CHECK_SECONDS)
        reports.append(harness.poll())
    assert reports[-1].unreadable == ["other"]
    assert sum("other" in r.getMessage() for r in caplog.records if r.levelname == "WARNING") == 1
    asked = len(fake.requests_to("other"))
    post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    assert len(harness.bot_replies_to(post)) == 1
    assert len(fake.requests_to("other")) == asked  # left out of the listings
    fake.set_private("Other", private=False)
    harness.clock.advance(30 * 60)
    harness.poll()
    back = fake.add_submission("Other", f"doi:{WALITT_DOI}")
    harness.poll()
    harness.poll()
    assert len(harness.bot_replies_to(back)) == 1


def test_watched_subreddit_turning_private_is_reported_once_not_as_an_error(
    harness: BotHarness,
) -> None:
    harness.fake.set_private(SUBREDDIT)
    reports = [harness.poll() for _ in range(3)]
    assert [r.unreadable for r in reports] == [[SUBREDDIT.lower()]] * 3
    assert [r.stream_errors for r in reports] == [[], [], []]
    assert harness.bot.next_wait() == 30.0
