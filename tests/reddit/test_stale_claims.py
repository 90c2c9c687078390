"""A claim left by a killed process (claimed, never confirmed) when the item comes round.

Past the lease the bot looks among its own recent comments for the reply the dead process
may have posted: found, it is confirmed and nothing is posted; not found, the item is
answered once. A claim younger than the lease holds the item back until it expires.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from records.replies import claim_reply, get_reply, stamp
from tests.reddit.conftest import LEE_DOI, LEE_ID, SUBREDDIT, BotHarness

LEASE = 120.0


def leave_claim(harness: BotHarness, submission: str, *, age: float) -> None:
    """What a process killed after claiming `submission` `age` seconds ago left behind."""
    assert harness.bot.service.settings.reply.claim_lease_seconds == LEASE
    won = claim_reply(
        harness.db,
        platform="reddit",
        place=SUBREDDIT,
        thread=submission,
        message_id=submission,
        entry_ids=[LEE_ID],
        at=datetime.now(UTC) - timedelta(seconds=age),
    )
    assert won == (LEE_ID,)


def test_a_stale_claim_whose_reply_was_posted_is_confirmed_without_a_second_post(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    submission = fake.add_submission(SUBREDDIT, "Question", selftext=f"doi:{LEE_DOI}?")
    leave_claim(harness, submission, age=LEASE + 60)
    earlier = fake.add_comment(submission, "the cards", author=fake.username)
    fake.add_comment(submission, "someone else's answer")

    report = harness.poll()

    assert not report.failed
    assert [c["name"] for c in harness.bot_replies_to(submission)] == [earlier]
    assert fake.requests_to("/api/comment", "POST") == []
    record = get_reply(harness.db, "reddit", submission)
    assert record is not None
    assert record.reply_id == earlier


def test_a_stale_claim_whose_reply_was_not_posted_is_answered_once(harness: BotHarness) -> None:
    fake = harness.fake
    submission = fake.add_submission(SUBREDDIT, "Question", selftext=f"doi:{LEE_DOI}?")
    leave_claim(harness, submission, age=LEASE + 60)
    fake.add_comment(submission, "someone else's answer")

    report = harness.poll()
    harness.poll()

    assert not report.failed
    (reply,) = harness.bot_replies_to(submission)
    assert len(fake.requests_to("/api/comment", "POST")) == 1
    record = get_reply(harness.db, "reddit", submission)
    assert record is not None
    assert record.reply_id == reply["name"]


def test_a_claim_younger_than_the_lease_holds_the_item_until_it_expires(
    harness: BotHarness,
) -> None:
    fake = harness.fake
    submission = fake.add_submission(SUBREDDIT, "Question", selftext=f"doi:{LEE_DOI}?")
    leave_claim(harness, submission, age=1.0)

    waiting = harness.poll()

    assert [submission in error for error in waiting.stream_errors] == [True]
    assert harness.bot_replies_to(submission) == []
    assert fake.requests_to("/api/comment", "POST") == []
    # The lease passes (the claim's stamp is moved back rather than the clock forward).
    expired = stamp(datetime.now(UTC) - timedelta(seconds=LEASE + 60))
    harness.db.execute(
        "UPDATE replies SET updated_at = ? WHERE message_id = ?", [expired, submission]
    )
    harness.db.conn.commit()

    later = harness.poll()

    assert not later.failed
    (reply,) = harness.bot_replies_to(submission)
    record = get_reply(harness.db, "reddit", submission)
    assert record is not None
    assert record.reply_id == reply["name"]
