"""Living cards on XenForo: `cards refresh` edits the bot's post in place (issue 26)."""

from __future__ import annotations

from pathlib import Path

from tests.forums.card_refresh import (
    BANNER,
    NEW_SUMMARY,
    import_atlas,
    refresh_cards,
    refresh_killed_when,
    retract_while_running,
    retract_with_new_summary,
)
from tests.reliability.conftest import clean_environment
from tests.xenforo.conftest import LEE_DOI, LEE_ID, NODE, HarnessFactory, xenforo_environment
from tests.xenforo.fake_xenforo import FakeXenForo


def post_cards(factory: HarnessFactory, fake: FakeXenForo, threads: int = 1) -> list[int]:
    """The bot answers `threads` new threads citing Lee 2024; its posts' ids."""
    import_atlas(factory.db_path)
    harness = factory.build()
    harness.poll()
    for n in range(threads):
        fake.add_thread(NODE, f"T{n}", f"doi:{LEE_DOI}")
    harness.poll()
    return [int(p["post_id"]) for p in fake.replies_by_bot()]


def test_cards_refresh_edits_the_post_in_place_with_retraction_and_new_summary(
    factory: HarnessFactory, fake: FakeXenForo, tmp_path: Path
) -> None:
    [reply] = post_cards(factory, fake)
    retract_with_new_summary(factory.db_path, LEE_ID)
    env = xenforo_environment(fake)
    assert "1 would edit" in refresh_cards(factory.db_path, env, tmp_path, "--dry-run")
    assert fake.edits == []

    assert "1 edited" in refresh_cards(factory.db_path, env, tmp_path)
    assert fake.edits == [reply]
    [post] = fake.replies_by_bot()
    assert post["post_id"] == reply
    assert BANNER in post["message"]
    assert NEW_SUMMARY in post["message"]
    assert "[QUOTE=" in post["message"]  # still quotes the member's post


def test_a_post_past_the_edit_limit_gets_a_short_retraction_reply_under_it(
    factory: HarnessFactory, fake: FakeXenForo, tmp_path: Path
) -> None:
    [reply] = post_cards(factory, fake)
    fake.edit_closed.add(reply)
    retract_with_new_summary(factory.db_path, LEE_ID)
    assert "1 replied" in refresh_cards(factory.db_path, xenforo_environment(fake), tmp_path)
    card, under = fake.replies_by_bot()
    assert BANNER not in card["message"]
    assert BANNER in under["message"]


def test_sigkill_during_a_pass_then_restart_edits_each_card_exactly_once(
    factory: HarnessFactory, fake: FakeXenForo, tmp_path: Path
) -> None:
    replies = post_cards(factory, fake, threads=3)
    assert len(replies) == 3
    retract_with_new_summary(factory.db_path, LEE_ID)
    env = clean_environment(xenforo_environment(fake, EVBOT_REPLY__CLAIM_LEASE_SECONDS="0"))
    # The second edit is saved by the forum, but its answer comes only after the kill.
    fake.slow_next(5.0, path_contains=f"/api/posts/{replies[1]}/")
    refresh_killed_when(factory.db_path, env, tmp_path, lambda: replies[1] in fake.edits)
    refresh_cards(factory.db_path, env, tmp_path)
    assert sorted(fake.edits) == sorted(replies)
    assert all(BANNER in p["message"] for p in fake.replies_by_bot())
    assert "up to date" in refresh_cards(factory.db_path, env, tmp_path)
    assert sorted(fake.edits) == sorted(replies)


def test_sigkill_after_the_retraction_reply_is_posted_then_restart_posts_it_once(
    factory: HarnessFactory, fake: FakeXenForo, tmp_path: Path
) -> None:
    [reply] = post_cards(factory, fake)
    fake.edit_closed.add(reply)
    env = clean_environment(xenforo_environment(fake, EVBOT_REPLY__CLAIM_LEASE_SECONDS="0"))
    # A revised summary first: the post is found closed to edits and left as it is.
    retract_with_new_summary(factory.db_path, LEE_ID, retracted=False)
    assert "1 frozen" in refresh_cards(factory.db_path, env, tmp_path)
    retract_with_new_summary(factory.db_path, LEE_ID)
    # The retraction reply is saved by the forum, but its answer comes only after the kill.
    fake.slow_next(5.0, path_contains="/api/posts/")
    refresh_killed_when(factory.db_path, env, tmp_path, lambda: len(fake.replies_by_bot()) == 2)
    refresh_cards(factory.db_path, env, tmp_path)
    assert "up to date" in refresh_cards(factory.db_path, env, tmp_path)
    card, under = fake.replies_by_bot()  # exactly one retraction reply
    assert card["post_id"] == reply
    assert BANNER in under["message"]
    assert fake.edits == []


def test_a_running_bot_edits_the_card_within_refresh_seconds(
    factory: HarnessFactory, fake: FakeXenForo, tmp_path: Path
) -> None:
    [reply] = post_cards(factory, fake)
    retract_while_running("xenforo", xenforo_environment(fake), factory.db_path, tmp_path,
                          entry_id=LEE_ID,
                          polling=lambda: len(fake.requests_to("/api/me")) >= 1,
                          edited=lambda: fake.edits == [reply])  # fmt: skip
    [post] = fake.replies_by_bot()
    assert BANNER in post["message"]
