"""The Discourse bot under rate limits, server errors, timeouts and closed topics."""

from __future__ import annotations

from records.replies import get_reply
from tests.discourse.conftest import CATEGORY, LEE_DOI, TIMEOUT, Harness, HarnessFactory


def test_a_429_waits_as_long_as_discourse_asks(harness: Harness) -> None:
    harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.fake.rate_limit_next(9, path_contains="/posts.json")
    harness.poll()
    assert 9.0 in harness.sleep.calls
    assert len(harness.fake.bot_replies()) == 1


def test_the_body_wait_counts_when_retry_after_is_missing(harness: Harness) -> None:
    harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    body = {"errors": ["slow down"], "error_type": "rate_limit", "extras": {"wait_seconds": 4}}
    harness.fake.fail_next(429, path_contains="/posts.json", method="POST", body=body)
    harness.poll()
    assert 4.0 in harness.sleep.calls
    assert len(harness.fake.bot_replies()) == 1


def test_a_server_error_after_saving_does_not_post_twice(harness: Harness) -> None:
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.fake.fail_next(500, path_contains="/posts.json", method="POST", after_commit=True)
    harness.poll()
    harness.poll()
    (reply,) = harness.fake.bot_replies(post)
    record = get_reply(harness.db, "discourse", str(post))
    assert record is not None
    assert record.reply_id == str(reply["id"])


def test_a_server_error_before_saving_is_answered_next_poll(harness: Harness) -> None:
    harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.fake.fail_next(503, path_contains="/posts.json", method="POST")
    harness.poll()
    assert harness.fake.bot_replies() == []
    harness.poll()
    assert len(harness.fake.bot_replies()) == 1


def test_a_timed_out_reply_is_found_after_the_lease(factory: HarnessFactory) -> None:
    factory.fake.add_topic(CATEGORY, "Old", "old")
    bot = factory.build(reply={"claim_lease_seconds": 0})
    bot.poll()
    post = factory.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    factory.fake.slow_next(TIMEOUT * 3, path_contains="/posts.json", method="POST")
    bot.poll()  # the POST times out; Discourse saves the post anyway
    bot.poll()
    bot.poll()
    assert len(factory.fake.bot_replies(post)) == 1
    assert len(factory.fake.requests_to("/posts.json", "POST")) == 1
    record = get_reply(bot.db, "discourse", str(post))
    assert record is not None
    assert record.reply_id is not None


def test_a_closed_topic_is_not_retried(harness: Harness) -> None:
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.fake.close_topic(harness.fake.posts[post]["topic_id"])
    harness.poll()
    harness.poll()
    assert len(harness.fake.requests_to("/posts.json", "POST")) == 1


def test_a_refused_key_is_reported_not_raised(harness: Harness) -> None:
    harness.fake.fail_next(403, body={"errors": ["bad key"], "error_type": "invalid_access"})
    assert harness.poll().failures == 1
