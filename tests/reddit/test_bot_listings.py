"""Listings as real Reddit serves them: same-second ties, late items, damaged items, idle
polls that cost little, and subreddits that fail or cannot be read on their own."""

from __future__ import annotations

import logging

import pytest

from bot.reddit_bot.health import UNREADABLE_RECHECK_SECONDS
from bot.reddit_bot.reading import DEEP_SWEEP_SECONDS
from bot.reddit_bot.streams import SWEEP_SECONDS
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, WALITT_DOI, BotHarness, HarnessFactory

# A probe's answer when nothing is new lists the newest item alone (which shows that the
# probe's anchor is still listed); a page of items is a hundred times more.
IDLE_BYTES_PER_STREAM = 1000


def test_item_of_the_newest_ones_second_listed_below_it_is_answered_in_the_next_poll(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    newest = fake.add_submission(SUBREDDIT, "Hello")
    harness.poll()
    same_second = fake.thing(newest)["created_utc"]
    tie = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}", created_utc=same_second)
    harness.poll()  # no sweep is due
    assert len(harness.bot_replies_to(tie)) == 1


def test_same_second_neighbour_below_the_anchors_is_answered_with_the_next_new_item(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    first = fake.add_submission(SUBREDDIT, "Hello")
    second_ = fake.thing(first)["created_utc"]
    fake.add_submission(SUBREDDIT, "Hello again", created_utc=second_)
    harness.poll()
    # Listed below both items the last poll saw: no probe above them can list it ...
    tie = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}", created_utc=second_)
    harness.poll()
    # ... but once anything new comes, the first page is read back past that second.
    later = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    harness.poll()
    assert len(harness.bot_replies_to(later)) == 1
    assert len(harness.bot_replies_to(tie)) == 1


@pytest.mark.parametrize("removed", [1, 2, 4])
def test_new_post_is_answered_at_once_when_the_newest_handled_ones_were_removed(
    harness: BotHarness, removed: int
) -> None:
    fake = harness.fake
    handled = [fake.add_submission(SUBREDDIT, f"Post {n}") for n in range(6)]
    harness.poll()
    for fullname in handled[-removed:]:
        fake.remove(fullname)  # AutoModerator, or a moderator
    new = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()  # no sweep is due
    assert len(harness.bot_replies_to(new)) == 1
    idle_before = len(fake.requests_to("/new"))
    harness.poll()
    assert len(fake.requests_to("/new")) == idle_before + 1  # an idle probe again


@pytest.mark.parametrize("hours_late", [0.5, 5, 23])
def test_item_approved_hours_late_below_newer_ones_is_answered_once(
    harness: BotHarness, hours_late: float
) -> None:
    fake = harness.fake
    newer = fake.add_submission(SUBREDDIT, "Newest thread")
    harness.poll()
    created = fake.thing(newer)["created_utc"]
    late = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}", created_utc=created - hours_late * 3600)
    for _ in range(int(DEEP_SWEEP_SECONDS / SWEEP_SECONDS) + 1):  # an hour of sweeps
        harness.clock.advance(SWEEP_SECONDS)
        harness.poll()
    assert len(harness.bot_replies_to(late)) == 1
    assert len(fake.requests_to("/api/comment")) == 1  # the look-back never answers twice


def test_item_more_than_a_day_late_is_not_read_back(harness: BotHarness) -> None:
    fake = harness.fake
    newer = fake.add_submission(SUBREDDIT, "Newest thread")
    harness.poll()
    created = fake.thing(newer)["created_utc"]
    late = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}", created_utc=created - 25 * 3600)
    harness.clock.advance(DEEP_SWEEP_SECONDS)
    harness.poll()
    assert harness.bot_replies_to(late) == []


def test_only_the_hourly_sweep_reads_back_a_whole_day(harness: BotHarness) -> None:
    fake = harness.fake
    newer = fake.add_submission(SUBREDDIT, "Newest thread")
    for n in range(150):  # older items of the last day, more than a page
        fake.add_submission(SUBREDDIT, f"Old {n}", created_utc=1_699_990_000.0 + n)
    harness.poll()
    del newer
    pages = []
    for _ in range(int(DEEP_SWEEP_SECONDS / SWEEP_SECONDS)):
        harness.clock.advance(SWEEP_SECONDS)
        before = len(fake.requests_to("/new"))
        harness.poll()
        pages.append(len(fake.requests_to("/new")) - before)
    assert pages == [1] * 5 + [2]  # five sweeps of the last hour, then the whole day


def test_sweep_interval_is_a_setting(harness_factory: HarnessFactory) -> None:
    harness = harness_factory.build(sweep_seconds=120.0)
    harness.poll()
    fake = harness.fake
    newer, *_ = [fake.add_submission(SUBREDDIT, f"Thread {n}") for n in range(3)]
    harness.poll()
    late = fake.add_submission(
        SUBREDDIT, f"doi:{LEE_DOI}", created_utc=fake.thing(newer)["created_utc"] - 1800
    )
    harness.clock.advance(119)
    harness.poll()
    assert harness.bot_replies_to(late) == []
    harness.clock.advance(1)
    harness.poll()
    assert len(harness.bot_replies_to(late)) == 1


def test_every_item_is_answered_once_across_probes_and_sweeps(harness: BotHarness) -> None:
    fake = harness.fake
    posts = []
    for n in range(6):
        posts.append(fake.add_submission(SUBREDDIT, f"Post {n} doi:{LEE_DOI}"))
        harness.poll()
        harness.clock.advance(SWEEP_SECONDS / 2)
    harness.poll()
    assert [len(harness.bot_replies_to(p)) for p in posts] == [1] * 6


@pytest.mark.parametrize(
    "damage",
    [{"author": None}, {"created_utc": None}, {"created_utc": "soon"}, {"subreddit": None}],
    ids=["author-null", "created-null", "created-text", "subreddit-null"],
)
def test_unparseable_item_is_skipped_and_logged_once(
    harness: BotHarness, caplog: pytest.LogCaptureFixture, damage: dict[str, object]
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.reddit_bot")
    fake = harness.fake
    broken = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.corrupt(broken, **damage)  # type: ignore[arg-type]
    good = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    first = harness.poll()
    for _ in range(3):
        harness.clock.advance(SWEEP_SECONDS)
        harness.poll()
    assert not first.failed
    assert first.skipped_items == [broken]
    assert len(harness.bot_replies_to(good)) == 1
    assert sum(broken in r.getMessage() for r in caplog.records) == 1


def test_item_missing_its_fields_is_skipped_once(harness: BotHarness) -> None:
    fake = harness.fake
    broken = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    fake.corrupt(broken, drop=("author", "title"))
    good = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    report = harness.poll()
    assert report.skipped_items == [broken]
    assert len(harness.bot_replies_to(good)) == 1


def test_idle_poll_costs_a_few_hundred_bytes_however_full_the_subreddit(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    thread = fake.add_submission(SUBREDDIT, "Busy thread")
    for n in range(120):
        fake.add_submission(SUBREDDIT, f"Chat {n}")
        fake.add_comment(thread, f"reply {n}")
    harness.poll()  # reads the new items
    before = fake.bytes_served()
    harness.poll()
    harness.poll()
    idle = (fake.bytes_served() - before) / 2
    assert idle <= 2 * IDLE_BYTES_PER_STREAM
    probes = fake.requests_to("/new")[-2:]
    assert all(r.query.get("before") and r.query.get("limit") == "25" for r in probes)


def subreddits(factory: HarnessFactory, names: list[str]) -> BotHarness:
    factory.settings = factory.settings.model_copy(update={"subreddits": names})
    return factory.build()


def test_a_failing_listing_backs_off_alone(harness_factory: HarnessFactory) -> None:
    fake = harness_factory.fake
    fake.add_subreddit("Other")
    harness = subreddits(harness_factory, ["Other", SUBREDDIT])
    harness.poll()
    threads = [fake.add_submission(SUBREDDIT, f"Thread {n}") for n in range(8)]
    harness.poll()
    reads_before = len(fake.requests_to("/new"))
    fake.fail_next(503, path_contains="/new", count=1000)
    answered = []
    for thread in threads:
        comment = fake.add_comment(thread, f"doi:{LEE_DOI}")
        harness.poll()
        answered.append(len(harness.bot_replies_to(comment)))
        assert harness.bot.next_wait() == 30.0
    assert answered == [1] * 8
    failing_reads = len(fake.requests_to("/new")) - reads_before
    assert 3 <= failing_reads <= 8  # backing off: read 1+1+2+4... polls apart, not every poll


@pytest.mark.parametrize(
    ("setup", "name"),
    [("private", "Hidden"), ("closed", "Closed"), ("missing", "Nowhere")],
)
def test_unreadable_subreddit_is_reported_once_and_rechecked_slowly(
    harness_factory: HarnessFactory,
    caplog: pytest.LogCaptureFixture,
    setup: str,
    name: str,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.reddit_bot")
    fake = harness_factory.fake
    if setup != "missing":
        fake.add_subreddit(name, private=setup == "private", closed=setup == "closed")
    harness = subreddits(harness_factory, [name, SUBREDDIT])
    harness.poll()
    for _ in range(5):
        post = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
        report = harness.poll()
        assert report.stream_errors == []
        assert len(harness.bot_replies_to(post)) == 1
        assert harness.bot.next_wait() == 30.0
    path = f"/r/{name.lower()}/"
    assert len(fake.requests_to(path)) == 1  # once, at the start
    assert name.lower() not in "".join(r.path for r in fake.requests_to("+"))
    warnings = [r for r in caplog.records if name.lower() in r.getMessage()]
    assert len(warnings) == 1  # once, not once per poll or per listing
    harness.clock.advance(UNREADABLE_RECHECK_SECONDS)
    harness.poll()
    assert [r.path for r in fake.requests_to(path)][1:] == [f"{path}about"]


def test_subreddit_made_public_again_is_read_again(harness_factory: HarnessFactory) -> None:
    fake = harness_factory.fake
    fake.add_subreddit("Hidden", private=True)
    harness = subreddits(harness_factory, ["Hidden", SUBREDDIT])
    harness.poll()
    fake.set_private("Hidden", private=False)
    harness.clock.advance(UNREADABLE_RECHECK_SECONDS)
    harness.poll()  # starts its streams
    post = fake.add_submission("Hidden", f"doi:{LEE_DOI}")
    report = harness.poll()
    assert report.unreadable == []
    assert len(harness.bot_replies_to(post)) == 1


def test_first_run_with_a_damaged_newest_item_answers_nothing_already_there(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    old = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    damaged = fake.add_submission(SUBREDDIT, "Newest, damaged")
    fake.corrupt(damaged, author=None)
    harness = harness_factory.build()
    harness.poll()
    harness.poll()
    harness.clock.advance(SWEEP_SECONDS)
    harness.poll()
    assert harness.bot_replies_to(old) == []
    new = fake.add_submission(SUBREDDIT, f"Walitt: {WALITT_DOI}")
    harness.poll()
    assert len(harness.bot_replies_to(new)) == 1


def test_sweeps_never_answer_what_was_there_before_the_first_run(
    harness_factory: HarnessFactory,
) -> None:
    fake = harness_factory.fake
    thread = fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    old = [thread, fake.add_comment(thread, f"doi:{WALITT_DOI}")]
    old.append(fake.add_submission(SUBREDDIT, "Newest, citing nothing"))
    harness = harness_factory.build()
    harness.poll()
    for _ in range(3):
        harness.clock.advance(SWEEP_SECONDS)
        harness.poll()
    assert [harness.bot_replies_to(item) for item in old] == [[], [], []]
    assert harness.fake.requests_to("/api/comment") == []
