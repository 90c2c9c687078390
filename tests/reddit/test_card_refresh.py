"""Living cards on Reddit: `cards refresh` edits the bot's comment in place (issue 26)."""

from __future__ import annotations

from pathlib import Path

from tests.forums.card_refresh import (
    BANNER,
    NEW_SUMMARY,
    import_atlas,
    refresh_killed_when,
    retract_with_new_summary,
)
from tests.reddit.conftest import SUBREDDIT, BotHarness, reddit_environment
from tests.reliability.conftest import clean_environment, run_program

LEE_DOI = "10.1016/j.autrev.2023.103484"
LEE_ID = "lee-2024-brain-regional"


def post_card(harness: BotHarness, db_path: Path) -> tuple[str, str]:
    """The bot answers a new submission citing Lee 2024; the submission and the reply."""
    import_atlas(db_path)
    post = harness.fake.add_submission(SUBREDDIT, "A study", selftext=f"doi:{LEE_DOI}")
    harness.poll()
    [reply] = harness.bot_replies_to(post)
    return post, str(reply["name"])


def refresh(
    harness: BotHarness, db_path: Path, cwd: Path, *more: str, env: dict[str, str] | None = None
) -> str:
    done = run_program("--db", str(db_path), "cards", "refresh", *more, cwd=cwd,
                       env=env or reddit_environment(harness.fake))  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_cards_refresh_edits_the_comment_in_place_with_retraction_and_new_summary(
    harness: BotHarness, db_path: Path, tmp_path: Path
) -> None:
    post, reply = post_card(harness, db_path)
    retract_with_new_summary(db_path, LEE_ID)
    assert "1 would edit" in refresh(harness, db_path, tmp_path, "--dry-run")
    assert harness.fake.edits == []
    assert "1 edited" in refresh(harness, db_path, tmp_path)
    assert harness.fake.edits == [reply]
    [after] = harness.bot_replies_to(post)
    assert after["name"] == reply
    assert BANNER in after["body"]
    assert NEW_SUMMARY in after["body"]
    assert "up to date" in refresh(harness, db_path, tmp_path)
    assert harness.fake.edits == [reply]


def test_a_deleted_comment_is_marked_gone_and_never_edited(
    harness: BotHarness, db_path: Path, tmp_path: Path
) -> None:
    _post, reply = post_card(harness, db_path)
    harness.fake.delete(reply)
    retract_with_new_summary(db_path, LEE_ID)
    assert "1 gone" in refresh(harness, db_path, tmp_path)
    assert "up to date" in refresh(harness, db_path, tmp_path)
    assert harness.fake.edits == []


def test_sigkill_after_the_retraction_reply_is_posted_then_restart_posts_it_once(
    harness: BotHarness, db_path: Path, tmp_path: Path
) -> None:
    post, reply = post_card(harness, db_path)
    retract_with_new_summary(db_path, LEE_ID)
    fake = harness.fake
    # Reddit refuses the edit (403: the comment can no longer be edited by the bot) ...
    fake.fail_next(403, path_contains="/api/editusertext")
    # ... and saves the retraction reply, answering only after the kill.
    fake.slow_next(5.0, path_contains="/api/comment", after_work=True)
    env = clean_environment(reddit_environment(fake, EVBOT_REPLY__CLAIM_LEASE_SECONDS="0"))
    refresh_killed_when(db_path, env, tmp_path, lambda: len(fake.replies_to(reply)) == 1)
    assert "1 found" in refresh(harness, db_path, tmp_path, env=env)
    assert "up to date" in refresh(harness, db_path, tmp_path, env=env)
    [under] = fake.replies_to(reply)  # exactly one retraction reply
    assert BANNER in under["body"]
    assert fake.edits == []
    assert [r["name"] for r in harness.bot_replies_to(post)] == [reply]
