"""What a real XenForo 2 sends (issue 23) and the smaller holes of issue 29, against the fake."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.forums.api import ApiClient
from bot.xenforo_bot.bot import MAX_POST_PAGES
from bot.xenforo_bot.client import read_error, xenforo_http
from bot.xenforo_bot.convert import to_post
from bot.xenforo_bot.outlet import ForumOutlet
from tests.xenforo.conftest import LEE_DOI, LEE_ID, MEMBER, NODE, OTHER_NODE, TIMEOUT, Harness
from tests.xenforo.fake_xenforo import API_KEY, BOT_ID, FakeXenForo

Json = dict[str, Any]
UNWATCHED = 9


def test_threads_are_listed_by_last_activity_whatever_the_forums_own_sort(
    harness: Harness,
) -> None:
    harness.fake.forum_sort[NODE] = ("title", "asc")
    for n in range(25):
        harness.fake.add_thread(NODE, f"a{n:02}", "chatter")
    harness.poll()
    cited = harness.fake.add_thread(NODE, "zz last by title", f"doi:{LEE_DOI}")
    harness.poll()
    assert [r["thread_id"] for r in harness.fake.replies_by_bot()] == [cited]
    listing = harness.fake.requests_to(f"/forums/{NODE}/threads")[-1]
    assert (listing.query["order"], listing.query["direction"]) == ("last_post_date", "desc")


@pytest.mark.parametrize("closed_how", ["thread closed", "forum does not allow posting"])
def test_a_thread_that_cannot_take_replies_is_given_up_not_retried(
    harness: Harness, closed_how: str
) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    if closed_how == "thread closed":
        harness.fake.close_thread(thread)
    else:
        harness.fake.no_posting_nodes.add(NODE)
    for _ in range(3):
        harness.poll()
    assert len(harness.fake.requests_to("/api/posts", "POST")) == 1
    assert harness.fake.replies_by_bot() == []


def test_a_page_past_the_end_reads_the_last_page_the_forum_names(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    # The listing counts more replies than the thread has now (posts were deleted).
    harness.fake.mangle_next(
        f"/forums/{NODE}/threads",
        lambda body: {**body, "threads": [{**t, "reply_count": 95} for t in body["threads"]]},
    )
    harness.poll()
    assert [r["thread_id"] for r in harness.fake.replies_by_bot()] == [thread]


def test_one_threads_error_never_stops_the_other_threads(harness: Harness) -> None:
    broken = harness.fake.add_thread(NODE, "Broken", f"doi:{LEE_DOI}")
    fine = harness.fake.add_thread(NODE, "Fine", f"doi:{LEE_DOI}")
    harness.fake.fail_next(400, path_contains=f"/threads/{broken}/posts")
    report = harness.poll()
    assert report.failures == 1
    assert [r["thread_id"] for r in harness.fake.replies_by_bot()] == [fine]
    harness.poll()
    assert {r["thread_id"] for r in harness.fake.replies_by_bot()} == {fine, broken}


@pytest.mark.parametrize("same_page_always", [False, True])
def test_a_claimed_billion_pages_is_never_paged_through(
    harness: Harness, same_page_always: bool
) -> None:
    thread = harness.fake.add_thread(NODE, "Q", "hello")
    harness.poll()
    for n in range(30):
        harness.fake.add_post(thread, f"chatter {n}")
    page_one: list[Json] = []

    def endless(body: Json) -> Json:
        if same_page_always:  # a server that ignores `page`
            page_one[:] = page_one or body["posts"]
            body = {**body, "posts": page_one}
        return {**body, "pagination": {**body["pagination"], "last_page": 10**9}}

    harness.fake.mangle_next(f"/threads/{thread}/posts", endless, count=10_000)
    harness.poll()
    assert len(harness.fake.requests_to(f"/threads/{thread}/posts")) <= MAX_POST_PAGES + 2


def _outlet(fake: FakeXenForo) -> ForumOutlet:
    http = xenforo_http(fake.url, API_KEY, None, TIMEOUT, "t", max_retries=0, sleep=lambda s: None)
    outlet = ForumOutlet(
        ApiClient(http, read_error=read_error), bot_user_id=str(BOT_ID), mod_group_ids=frozenset()
    )
    outlet.watch([NODE, OTHER_NODE])
    return outlet


def test_the_reply_marker_is_read_only_in_the_bots_own_text(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", "hello")
    harness.poll()
    other = harness.fake.add_post(thread, "an unanswered post")
    spoof = harness.fake.add_post(thread, f"doi:{LEE_DOI} post: {other}, member: 1")
    harness.poll()
    assert len(harness.fake.replies_by_bot(quoting=spoof)) == 1
    outlet = _outlet(harness.fake)
    assert outlet.find_reply(to_post(harness.fake.posts[other], NODE)) is None
    assert outlet.find_reply(to_post(harness.fake.posts[spoof], NODE)) is not None


def test_a_summons_quoting_a_post_from_an_unwatched_forum_cards_nothing(
    harness: Harness,
) -> None:
    hidden = harness.fake.add_thread(UNWATCHED, "Staff only", f"doi:{LEE_DOI}")
    hidden_post = harness.fake.threads[hidden]["first_post_id"]
    thread = harness.fake.add_thread(NODE, "Q", "hello")
    harness.poll()
    quote = f'[QUOTE="Staff, post: {hidden_post}, member: {MEMBER}"]x[/QUOTE]'
    harness.fake.add_post(thread, f"{quote}\n!evidence")
    harness.poll()
    assert not any(LEE_ID in r["message"] for r in harness.fake.replies_by_bot())


def test_downtime_beyond_the_listing_cap_is_read_over_the_next_polls(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    oldest = [harness.fake.add_thread(NODE, f"Old {n}", f"doi:{LEE_DOI}") for n in range(3)]
    for n in range(215):  # more than 10 pages of 20 threads active since the last poll
        harness.fake.add_thread(NODE, f"T{n}", "hi")
    with caplog.at_level(logging.WARNING):
        harness.poll()
    assert any("read in the next polls" in r.getMessage() for r in caplog.records)
    assert harness.fake.replies_by_bot() == []
    harness.poll()
    assert sorted(r["thread_id"] for r in harness.fake.replies_by_bot()) == oldest
    listed = len(harness.fake.requests_to(f"/forums/{NODE}/threads"))
    harness.poll()  # caught up: one listing page again
    assert len(harness.fake.requests_to(f"/forums/{NODE}/threads")) == listed + 1
