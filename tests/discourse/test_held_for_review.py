"""Replies Discourse holds for review, and other successes that name no post id (issue 23)."""

from __future__ import annotations

from typing import Any

import pytest

from records.modlog import recent_actions
from records.replies import get_reply
from tests.discourse.conftest import CATEGORY, LEE_DOI, Harness, HarnessFactory


def held_actions(harness: Harness) -> list[str]:
    return [
        f"{a.target}: {a.detail}"
        for a in recent_actions(harness.db, platform="discourse")
        if a.action == "reply held for review"
    ]


def test_a_reply_held_for_review_is_confirmed_and_never_sent_again(
    harness: Harness, factory: HarnessFactory
) -> None:
    harness.fake.approval_categories.add(CATEGORY)
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    assert harness.poll().replies == 1
    harness.poll()
    factory.build().poll()  # a restart
    factory.build(reply={"claim_lease_seconds": 0}).poll()
    assert len(harness.fake.requests_to("/posts.json", "POST")) == 1
    (pending_id,) = harness.fake.pending
    record = get_reply(harness.db, "discourse", str(post))
    assert record is not None
    assert record.reply_id == f"pending:{pending_id}"


def test_the_mod_log_is_told_once_which_reply_waits_for_approval(harness: Harness) -> None:
    harness.fake.approval_categories.add(CATEGORY)
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    harness.poll()
    (entry,) = held_actions(harness)
    assert entry.startswith(f"{post}: ")
    assert "waits for approval" in entry


def test_an_approved_held_reply_is_not_answered_by_the_bot(harness: Harness) -> None:
    harness.fake.approval_categories.add(CATEGORY)
    harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    (pending_id,) = harness.fake.pending
    harness.fake.approve(pending_id)
    harness.poll()
    assert len(harness.fake.requests_to("/posts.json", "POST")) == 1


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"action": "enqueued"},
        {"action": "enqueued", "pending_post": None, "pending_count": "x"},
        {"action": "enqueued", "pending_post": {"id": "seven"}},
        {"id": None},
        {"id": "abc"},
        {"id": True},
        {"success": True},
        [],
        "ok",
    ],
)
def test_a_success_without_a_post_id_is_never_raised_nor_posted_twice(
    factory: HarnessFactory, body: Any
) -> None:
    factory.fake.add_topic(CATEGORY, "Old", "old")
    bot = factory.build(reply={"claim_lease_seconds": 0})
    bot.poll()
    post = factory.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    factory.fake.fail_next(200, path_contains="/posts.json", method="POST", after_commit=True,
                           body=body)  # fmt: skip
    for _ in range(3):
        bot.poll()
    (reply,) = factory.fake.bot_replies(post)
    assert len(factory.fake.requests_to("/posts.json", "POST")) == 1
    record = get_reply(bot.db, "discourse", str(post))
    assert record is not None
    assert record.reply_id in {str(reply["id"]), f"pending:{post}"}
