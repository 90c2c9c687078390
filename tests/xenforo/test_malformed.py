"""Malformed XenForo answers never end the process (issue 29): skipped, reported once, retried."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from tests.xenforo.conftest import LEE_DOI, MODERATOR, NODE, OTHER_NODE, WALITT_DOI, Harness

Json = dict[str, Any]


def _post_field(target: int, changes: Json) -> Callable[[Json], Json]:
    def change(body: Json) -> Json:
        posts = [{**p, **changes} if p["post_id"] == target else p for p in body["posts"]]
        return {**body, "posts": posts}

    return change


BAD_POST_FIELDS = [
    ("a post date that is a word", {"post_date": "yesterday"}),
    ("a post date past any real date", {"post_date": 1e20}),
    ("a post without an id", {"post_id": None}),
    ("an edit date that is a list", {"last_edit_date": [1]}),
]


@pytest.mark.parametrize(
    "changes", [c[1] for c in BAD_POST_FIELDS], ids=[c[0] for c in BAD_POST_FIELDS]
)
def test_one_unreadable_post_is_skipped_and_reported_once(
    harness: Harness, caplog: pytest.LogCaptureFixture, changes: Json
) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    bad = harness.fake.threads[thread]["first_post_id"]
    good = harness.fake.add_post(thread, f"and doi:{WALITT_DOI}")
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            harness.fake.mangle_next(f"/threads/{thread}/posts", _post_field(bad, changes))
            harness.poll()
    assert harness.fake.replies_by_bot(quoting=bad) == []
    assert len(harness.fake.replies_by_bot(quoting=good)) == 1
    assert len([r for r in caplog.records if "unreadable post" in r.getMessage()]) == 1


def _threads(change: Callable[[list[Json]], Any]) -> Callable[[Json], Json]:
    return lambda body: {**body, "threads": change(body["threads"])}


BAD_ANSWERS = [
    ("threads as an object", _threads(lambda threads: {"0": threads})),
    ("threads as a string", _threads(lambda threads: "none")),
    ("no threads at all", lambda body: {"pagination": body["pagination"]}),
    ("sticky as a number", lambda body: {**body, "sticky": 3}),
]


@pytest.mark.parametrize("change", [c[1] for c in BAD_ANSWERS], ids=[c[0] for c in BAD_ANSWERS])
def test_a_listing_of_the_wrong_shape_fails_that_forum_only_and_backs_off(
    harness: Harness, change: Callable[[Json], Json]
) -> None:
    harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    other = harness.fake.add_thread(OTHER_NODE, "Q", f"doi:{LEE_DOI}")
    harness.fake.mangle_next(f"/forums/{NODE}/threads", change)
    assert harness.poll().failures == 1
    assert [r["thread_id"] for r in harness.fake.replies_by_bot()] == [other]
    listed = len(harness.fake.requests_to(f"/forums/{NODE}/threads"))
    harness.poll()  # backing off: the forum is left alone for a poll
    assert len(harness.fake.requests_to(f"/forums/{NODE}/threads")) == listed
    harness.poll()
    assert len(harness.fake.replies_by_bot()) == 2


BAD_THREADS = [
    ("a thread without an id", {"thread_id": None}),
    ("a thread id that is a word", {"thread_id": "abc"}),
    ("a last post date that is a word", {"last_post_date": "yesterday"}),
]


@pytest.mark.parametrize("changes", [c[1] for c in BAD_THREADS], ids=[c[0] for c in BAD_THREADS])
def test_one_unreadable_thread_is_skipped_and_the_others_answered(
    harness: Harness, caplog: pytest.LogCaptureFixture, changes: Json
) -> None:
    bad = harness.fake.add_thread(NODE, "Bad", f"doi:{LEE_DOI}")
    good = harness.fake.add_thread(NODE, "Good", f"doi:{LEE_DOI}")

    def change(threads: list[Json]) -> list[Json]:
        return [{**t, **changes} if t["thread_id"] == bad else t for t in threads]

    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            harness.fake.mangle_next(f"/forums/{NODE}/threads", _threads(change))
            harness.poll()
    assert [r["thread_id"] for r in harness.fake.replies_by_bot()] == [good]
    assert len([r for r in caplog.records if "unreadable thread" in r.getMessage()]) == 1


def test_ids_sent_as_strings_or_floats_are_read_as_numbers(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")

    def as_text(body: Json) -> Json:
        posts = [{**p, "post_id": str(p["post_id"]), "thread_id": float(p["thread_id"]),
                  "post_date": str(p["post_date"])} for p in body["posts"]]  # fmt: skip
        return {**body, "posts": posts}

    harness.fake.mangle_next(f"/threads/{thread}/posts", as_text)
    harness.poll()
    assert len(harness.fake.replies_by_bot()) == 1


def test_the_bots_own_post_with_a_float_user_id_is_not_answered(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", "hello")
    harness.poll()
    mine = harness.fake.add_post(thread, f"doi:{LEE_DOI}", user_id=1)

    def float_user(body: Json) -> Json:
        return _post_field(mine, {"user_id": 1.0})(body)

    harness.fake.mangle_next(f"/threads/{thread}/posts", float_user)
    harness.poll()
    assert [p["post_id"] for p in harness.fake.replies_by_bot()] == [mine]


def test_a_user_answer_without_a_user_makes_nobody_a_moderator(harness: Harness) -> None:
    harness.fake.mangle_next(f"/users/{MODERATOR}", lambda body: {})
    harness.fake.add_thread(NODE, "Mode", "!evidence off", user_id=MODERATOR)
    harness.poll()
    (answer,) = harness.fake.replies_by_bot()
    assert "Only moderators" in answer["message"]
