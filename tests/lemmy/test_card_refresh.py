"""Living cards on Lemmy: the bot's comment is edited in place (issue 26)."""

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
from tests.lemmy.conftest import COMMUNITY, LEE_DOI, MEMBER, HarnessFactory
from tests.lemmy.fake_lemmy import FakeLemmy
from tests.lemmy.test_process import lemmy_environment
from tests.reliability.conftest import clean_environment

LEE_ID = "lee-2024-brain-regional"


def post_cards(factory: HarnessFactory, fake: FakeLemmy, posts: int = 1) -> list[int]:
    """The bot answers `posts` new posts citing Lee 2024; its comments' ids."""
    import_atlas(factory.db_path)
    harness = factory.build()
    harness.poll()
    for n in range(posts):
        fake.add_post(COMMUNITY, MEMBER, f"Brain study {n}", f"doi:{LEE_DOI}")
    harness.poll()
    return [int(reply["id"]) for reply in fake.bot_replies()]


def post_card(factory: HarnessFactory, fake: FakeLemmy) -> int:
    """The bot answers a new post citing Lee 2024; its comment's id."""
    [reply] = post_cards(factory, fake)
    return reply


def refresh(factory: HarnessFactory, fake: FakeLemmy, tmp_path: Path, *more: str) -> str:
    return refresh_cards(factory.db_path, lemmy_environment(fake), tmp_path, *more)


def test_cards_refresh_edits_the_comment_in_place_with_retraction_and_new_summary(
    factory: HarnessFactory, fake: FakeLemmy, tmp_path: Path
) -> None:
    reply = post_card(factory, fake)
    retract_with_new_summary(factory.db_path, LEE_ID)
    assert "1 would edit" in refresh(factory, fake, tmp_path, "--dry-run")
    assert fake.edits == []

    assert "1 edited" in refresh(factory, fake, tmp_path)
    assert fake.edits == [reply]
    [comment] = fake.bot_replies()  # the same comment, no new one
    assert comment["id"] == reply
    assert BANNER in comment["content"]
    assert NEW_SUMMARY in comment["content"]
    assert "up to date" in refresh(factory, fake, tmp_path)
    assert fake.edits == [reply]


def test_a_deleted_comment_is_marked_gone_and_never_edited(
    factory: HarnessFactory, fake: FakeLemmy, tmp_path: Path
) -> None:
    reply = post_card(factory, fake)
    fake.comments[reply]["deleted"] = True
    retract_with_new_summary(factory.db_path, LEE_ID)
    assert "1 gone" in refresh(factory, fake, tmp_path)
    assert fake.edits == []
    refresh(factory, fake, tmp_path)
    assert sum(r[:2] == ("PUT", "comment") for r in fake.requests) == 1  # skipped from then on


def test_sigkill_during_a_pass_then_restart_edits_each_card_exactly_once(
    factory: HarnessFactory, fake: FakeLemmy, tmp_path: Path
) -> None:
    replies = post_cards(factory, fake, posts=3)
    assert len(replies) == 3
    retract_with_new_summary(factory.db_path, LEE_ID)
    env = clean_environment(lemmy_environment(fake, EVBOT_REPLY__CLAIM_LEASE_SECONDS="0"))
    # The first edit is saved by the instance, but its answer comes only after the kill.
    fake.slow_next("PUT", "comment", 5.0)
    refresh_killed_when(factory.db_path, env, tmp_path, lambda: len(fake.edits) == 1)
    assert len(fake.edits) == 1  # killed mid-pass: the other cards are not edited yet
    assert "1 found" in refresh_cards(factory.db_path, env, tmp_path)
    assert sorted(fake.edits) == sorted(replies)
    assert all(BANNER in c["content"] for c in fake.bot_replies())
    assert len(fake.bot_replies()) == 3  # edited in place, never posted again
    assert "up to date" in refresh_cards(factory.db_path, env, tmp_path)
    assert sorted(fake.edits) == sorted(replies)


def test_a_running_bot_edits_the_card_within_refresh_seconds(
    factory: HarnessFactory, fake: FakeLemmy, tmp_path: Path
) -> None:
    reply = post_card(factory, fake)
    listed = sum(r[1] == "post/list" for r in fake.requests)
    retract_while_running("lemmy", lemmy_environment(fake), factory.db_path, tmp_path,
                          entry_id=LEE_ID,
                          polling=lambda: sum(r[1] == "post/list" for r in fake.requests) > listed,
                          edited=lambda: fake.edits == [reply])  # fmt: skip
    [comment] = fake.bot_replies()
    assert BANNER in comment["content"]
    assert NEW_SUMMARY in comment["content"]
