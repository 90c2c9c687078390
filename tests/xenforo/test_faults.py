"""The XenForo bot under 429s, server errors, timeouts and closed threads: never twice."""

from __future__ import annotations

from records.replies import get_reply
from tests.xenforo.conftest import LEE_DOI, NODE, OTHER_NODE, TIMEOUT, Harness, HarnessFactory


def test_a_429_waits_as_long_as_the_forum_asks(harness: Harness) -> None:
    harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    harness.fake.fail_next(429, path_contains="/threads", headers={"Retry-After": "7"})
    harness.poll()
    assert 7.0 in harness.sleep.calls
    assert len(harness.fake.replies_by_bot()) == 1


def test_a_429_on_posting_is_retried_and_posts_once(harness: Harness) -> None:
    harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    harness.fake.fail_next(429, path_contains="/posts", method="POST", headers={"Retry-After": "3"})
    harness.poll()
    assert 3.0 in harness.sleep.calls
    assert len(harness.fake.replies_by_bot()) == 1


def test_a_server_error_after_the_post_was_saved_does_not_post_twice(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    cited = harness.fake.threads[thread]["first_post_id"]
    harness.fake.fail_next(500, path_contains="/posts", method="POST", after_commit=True)
    harness.poll()
    harness.poll()
    (reply,) = harness.fake.replies_by_bot(quoting=cited)
    record = get_reply(harness.db, "xenforo", str(cited))
    assert record is not None
    assert record.reply_id == str(reply["post_id"])


def test_a_server_error_before_saving_is_answered_on_the_next_poll(harness: Harness) -> None:
    harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    harness.fake.fail_next(503, path_contains="/posts", method="POST")
    harness.poll()
    assert harness.fake.replies_by_bot() == []
    harness.poll()
    assert len(harness.fake.replies_by_bot()) == 1


def test_a_timed_out_post_is_found_after_the_lease_not_sent_again(
    factory: HarnessFactory,
) -> None:
    factory.fake.add_thread(NODE, "Old", "old")
    bot = factory.build(reply={"claim_lease_seconds": 0})
    bot.poll()
    thread = factory.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    cited = factory.fake.threads[thread]["first_post_id"]
    factory.fake.slow_next(TIMEOUT * 3, path_contains="/api/posts")
    bot.poll()  # the POST times out; the forum saves the post anyway
    bot.poll()
    bot.poll()
    (reply,) = factory.fake.replies_by_bot(quoting=cited)
    assert len(factory.fake.requests_to("/api/posts", "POST")) == 1
    record = get_reply(bot.db, "xenforo", str(cited))
    assert record is not None
    assert record.reply_id == str(reply["post_id"])


def test_reads_failing_on_one_forum_do_not_stop_the_other(harness: Harness) -> None:
    harness.fake.add_thread(OTHER_NODE, "Q", f"doi:{LEE_DOI}")
    harness.fake.fail_next(502, path_contains=f"/forums/{NODE}/", count=10)
    report = harness.poll()
    assert report.failures == 1
    assert len(harness.fake.replies_by_bot()) == 1


def test_a_closed_thread_is_not_retried(harness: Harness) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI}")
    harness.fake.close_thread(thread)
    harness.poll()
    harness.poll()
    assert len(harness.fake.requests_to("/api/posts", "POST")) == 1
    assert harness.fake.replies_by_bot() == []


def test_a_rejected_api_key_is_an_error_not_a_crash(harness: Harness) -> None:
    harness.fake.fail_next(401, count=100)
    report = harness.poll()
    assert report.failures == 2
