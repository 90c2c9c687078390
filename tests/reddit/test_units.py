"""The adapter's small parts on their own: cursors, RATELIMIT parsing, moderator cache,
conversion of praw objects into Posts."""

from __future__ import annotations

from pathlib import Path

import praw
import pytest

from bot.reddit_bot.convert import facts, submission_text, to_post
from bot.reddit_bot.sending import ratelimit_seconds
from bot.reddit_bot.state import Cursor, StreamState
from bot.runtime.moderators import ModeratorCache
from records.db import open_db
from tests.reddit.conftest import SUBREDDIT, FakeClock
from tests.reddit.fake_reddit import FakeReddit


@pytest.mark.parametrize(
    ("message", "seconds"),
    [
        ("Take a break for 1 minute before trying again.", 61.0),
        ("Take a break for 9 minutes before trying again.", 541.0),
        ("you are doing that too much. try again in 45 seconds.", 46.0),
        ("try again in 1 second", 2.0),
        ("try again in 500 milliseconds", 1.5),
        ("Take a break for 9m30s before trying again.", 571.0),
        ("You are doing that too much. Try again in 3 seconds.", 4.0),
        ("Try again in 30 milliseconds.", 1.03),
        ("Take a break for 2 minutes and 5 seconds before trying again.", 126.0),
        ("try again in 45s", 46.0),
        ("try again in 1h", 3601.0),
        ("no time given", 60.0),
        (None, 60.0),
    ],
)
def test_ratelimit_wait_follows_reddits_message(message: str | None, seconds: float) -> None:
    assert ratelimit_seconds(message) == pytest.approx(seconds)


@pytest.mark.parametrize(
    "cursor", [Cursor("t3_abc", 1_700_000_001.0), Cursor(None, 0.0)], ids=["item", "empty"]
)
def test_cursor_survives_a_reopened_database(tmp_path: Path, cursor: Cursor) -> None:
    path = tmp_path / "state.db"
    first = open_db(path)
    StreamState(first).mark_handled("comments:cfs", "t1_x", cursor)
    first.close()
    reopened = open_db(path)
    state = StreamState(reopened)
    assert state.cursor("comments:cfs") == cursor
    assert state.is_seen("t1_x")
    assert not state.is_seen("t1_y")
    reopened.close()


@pytest.mark.parametrize("text", ["", "[]", '{"fullname": "t3_a"}', "not json"])
def test_corrupt_cursor_text_is_an_error(text: str) -> None:
    with pytest.raises(ValueError, match=r"cursor|Expecting|JSON"):
        Cursor.from_text(text)


class CountingFetch:
    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.calls = 0
        self.fail = False

    def __call__(self, subreddit: str) -> list[str]:
        self.calls += 1
        if self.fail:
            raise ConnectionError("Reddit is down")
        return list(self.names)


@pytest.mark.parametrize(
    ("user", "expected"),
    [("Mod_Mia", True), ("mod_mia", True), ("someone", False), (None, False), ("", False)],
)
def test_moderator_names_compare_case_insensitively(user: str | None, expected: bool) -> None:
    cache = ModeratorCache(CountingFetch(["mod_mia"]), clock=FakeClock())
    assert cache.is_moderator("CFS", user) is expected


def test_moderator_list_is_read_once_within_its_lifetime() -> None:
    fetch, clock = CountingFetch(["mod_mia"]), FakeClock()
    cache = ModeratorCache(fetch, clock=clock, ttl_seconds=600)
    for _ in range(5):
        cache.is_moderator("cfs", "mod_mia")
    clock.advance(599)
    cache.is_moderator("cfs", "mod_mia")
    assert fetch.calls == 1
    clock.advance(2)
    cache.is_moderator("cfs", "mod_mia")
    assert fetch.calls == 2


def test_unknown_name_rereads_the_list_at_most_once_a_minute() -> None:
    fetch, clock = CountingFetch(["mod_mia"]), FakeClock()
    cache = ModeratorCache(fetch, clock=clock, missing_refresh_seconds=60)
    cache.is_moderator("cfs", "new_mod")
    cache.is_moderator("cfs", "new_mod")
    assert fetch.calls == 1
    fetch.names.append("new_mod")
    clock.advance(61)
    assert cache.is_moderator("cfs", "new_mod")
    assert fetch.calls == 2


def test_failed_refresh_keeps_the_last_list_and_no_list_means_nobody() -> None:
    fetch, clock = CountingFetch(["mod_mia"]), FakeClock()
    cache = ModeratorCache(fetch, clock=clock, ttl_seconds=10)
    assert cache.is_moderator("cfs", "mod_mia")
    fetch.fail = True
    clock.advance(11)
    assert cache.is_moderator("cfs", "mod_mia")
    assert not cache.is_moderator("other", "mod_mia")


def test_submission_text_joins_title_selftext_and_link(reddit: praw.Reddit) -> None:
    data = {"title": "T", "selftext": "S", "is_self": False, "url": "https://doi.org/10.1/x"}
    submission = praw.models.Submission(reddit, _data={"id": "a", **data})
    assert submission_text(submission) == "T\n\nS\n\nhttps://doi.org/10.1/x"


def test_self_post_text_leaves_out_its_own_permalink(reddit: praw.Reddit) -> None:
    data = {"title": "T", "selftext": "", "is_self": True, "url": "https://reddit.com/r/x/1"}
    submission = praw.models.Submission(reddit, _data={"id": "a", **data})
    assert submission_text(submission) == "T"


def test_comment_becomes_a_post_in_its_subreddit_and_thread(
    reddit: praw.Reddit, fake_reddit: FakeReddit
) -> None:
    post_id = fake_reddit.add_submission(SUBREDDIT, "Thread")
    comment_id = fake_reddit.add_comment(post_id, "hello there", author="Bob")
    (comment,) = reddit.info(fullnames=[comment_id])
    post = to_post(comment, bot_name=fake_reddit.username)
    assert (post.platform, post.place, post.thread) == ("reddit", SUBREDDIT.lower(), post_id)
    assert (post.message_id, post.parent_id, post.text) == (comment_id, post_id, "hello there")
    assert (post.author_id, post.author_name, post.author_is_bot) == ("bob", "Bob", False)
    assert post.permalink is not None
    assert post.permalink.startswith("https://www.reddit.com/r/")


@pytest.mark.parametrize("gone", ["delete", "remove"])
def test_deleted_or_removed_items_are_recognised(
    reddit: praw.Reddit, fake_reddit: FakeReddit, gone: str
) -> None:
    post_id = fake_reddit.add_submission(SUBREDDIT, "Thread", selftext="text")
    comment_id = fake_reddit.add_comment(post_id, "words")
    getattr(fake_reddit, gone)(post_id)
    getattr(fake_reddit, gone)(comment_id)
    items = list(reddit.info(fullnames=[post_id, comment_id]))
    assert [facts(item).removed for item in items] == [True, True]
    assert [facts(item).author for item in items] == [None, None]


def test_reading_facts_never_fetches_over_the_network(
    reddit: praw.Reddit, fake_reddit: FakeReddit
) -> None:
    bare = praw.models.Comment(reddit, _data={"id": "zz", "name": "t1_zz"})
    item_facts = facts(bare)
    assert (item_facts.kind, item_facts.author, item_facts.locked) == ("comment", None, False)
    assert fake_reddit.requests == []
