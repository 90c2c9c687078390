"""Living cards on Discourse: `cards refresh` edits the bot's post in place (issue 26)."""

from __future__ import annotations

from pathlib import Path

from tests.discourse.conftest import CATEGORY, LEE_DOI, HarnessFactory, discourse_environment
from tests.discourse.fake_discourse import FakeDiscourse
from tests.forums.card_refresh import (
    BANNER,
    NEW_SUMMARY,
    import_atlas,
    refresh_cards,
    refresh_killed_when,
    retract_with_new_summary,
)
from tests.reliability.conftest import clean_environment

LEE_ID = "lee-2024-brain-regional"


def post_card(factory: HarnessFactory, fake: FakeDiscourse) -> int:
    """The bot answers a new topic citing Lee 2024; its post's id."""
    import_atlas(factory.db_path)
    fake.add_topic(CATEGORY, "Old topic", "Before the bot started.")
    harness = factory.build()
    harness.poll()
    fake.add_topic(CATEGORY, "A topic", f"doi:{LEE_DOI}")
    harness.poll()
    [reply] = fake.bot_replies()
    return int(reply["id"])


def refresh(factory: HarnessFactory, fake: FakeDiscourse, cwd: Path, *more: str) -> str:
    return refresh_cards(factory.db_path, discourse_environment(fake), cwd, *more)


def test_cards_refresh_edits_the_post_in_place_with_retraction_and_new_summary(
    factory: HarnessFactory, fake: FakeDiscourse, tmp_path: Path
) -> None:
    reply = post_card(factory, fake)
    retract_with_new_summary(factory.db_path, LEE_ID)
    assert "1 would edit" in refresh(factory, fake, tmp_path, "--dry-run")
    assert fake.edits == []
    assert "1 edited" in refresh(factory, fake, tmp_path)
    [put] = fake.requests_to(f"/posts/{reply}.json", "PUT")
    assert put.body["post"]["edit_reason"]
    [post] = fake.bot_replies()
    assert post["id"] == reply
    assert post["version"] == 2
    assert BANNER in post["raw"]
    assert NEW_SUMMARY in post["raw"]
    assert "up to date" in refresh(factory, fake, tmp_path)
    assert fake.edits == [reply]


def test_a_deleted_post_is_marked_gone_and_never_edited(
    factory: HarnessFactory, fake: FakeDiscourse, tmp_path: Path
) -> None:
    reply = post_card(factory, fake)
    fake.posts[reply]["deleted_at"] = "2026-12-07T12:00:00Z"
    retract_with_new_summary(factory.db_path, LEE_ID)
    assert "1 gone" in refresh(factory, fake, tmp_path)
    assert "up to date" in refresh(factory, fake, tmp_path)
    assert fake.edits == []


def test_sigkill_after_the_retraction_reply_is_posted_then_restart_posts_it_once(
    factory: HarnessFactory, fake: FakeDiscourse, tmp_path: Path
) -> None:
    reply = post_card(factory, fake)
    fake.edit_closed.add(reply)
    retract_with_new_summary(factory.db_path, LEE_ID)
    env = clean_environment(discourse_environment(fake, EVBOT_REPLY__CLAIM_LEASE_SECONDS="0"))
    # The retraction reply is saved by the forum, but its answer comes only after the kill.
    fake.slow_next(5.0, path_contains="/posts.json", method="POST")
    refresh_killed_when(factory.db_path, env, tmp_path, lambda: len(fake.bot_replies()) == 2)
    assert "1 found" in refresh_cards(factory.db_path, env, tmp_path)
    assert "up to date" in refresh_cards(factory.db_path, env, tmp_path)
    card, under = fake.bot_replies()  # exactly one retraction reply
    assert card["id"] == reply
    assert BANNER in under["raw"]
    assert str(under["reply_to_post_number"]) == str(card["post_number"])
    assert fake.edits == []
