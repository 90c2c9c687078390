"""Malformed Discourse answers never end the bot: a bad item is skipped and reported once, a
bad answer fails that request (with back-off), and the bot goes on answering (issue 29)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.discourse_bot.convert import read_error
from bot.discourse_bot.startup import check_identity
from bot.forums.api import ApiClient, build_http
from records.modlog import recent_actions
from records.places import get_place_settings
from tests.discourse.conftest import (
    CATEGORY,
    HELPER,
    LEE_DOI,
    WALITT_DOI,
    Harness,
    HarnessFactory,
)
from tests.discourse.fake_discourse import API_KEY, BOT, FakeDiscourse

Json = dict[str, Any]


def without(key: str) -> Callable[[Json], Json]:
    return lambda post: {k: v for k, v in post.items() if k != key}


def setting(**fields: Any) -> Callable[[Json], Json]:
    return lambda post: {**post, **fields}


def as_strings(post: Json) -> Json:
    return {**post, **{k: str(post[k]) for k in ("id", "topic_id", "post_number")}}


POST_SHAPES: dict[str, Callable[[Json], Any]] = {
    "no post_number": without("post_number"),
    "no id": without("id"),
    "topic_id null": setting(topic_id=None),
    "string ids": as_strings,
    "id a float": setting(id=1.5),
    "no username": without("username"),
    "username a number": setting(username=7),
    "raw a list": setting(raw=["x"]),
    "post_type text": setting(post_type="x"),
    "version text": setting(version="two"),
    "created_at yesterday": setting(created_at="yesterday"),
    "category_id text": setting(category_id="four"),
    "reply number text": setting(reply_to_post_number="abc"),
    "not an object": lambda post: [post["id"]],
    "null": lambda post: None,
}


NO_ID = {"no id", "id a float", "not an object", "null"}  # reported without a post to name


def not_read(harness: Harness, post: int | None) -> int:
    actions = recent_actions(harness.db, platform="discourse")
    named = str(post) if post is not None else None
    return sum(1 for a in actions if a.action == "post not read" and a.target == named)


@pytest.mark.parametrize("name", POST_SHAPES)
def test_a_malformed_post_is_answered_or_reported_once_and_the_rest_goes_on(
    harness: Harness, name: str
) -> None:
    bad = harness.fake.add_topic(CATEGORY, "Odd", f"doi:{LEE_DOI}")
    harness.fake.mangled[bad] = POST_SHAPES[name]
    for _ in range(2):
        assert harness.poll().failures == 0
    later = harness.fake.add_topic(CATEGORY, "Next", f"doi:{WALITT_DOI}")
    assert harness.poll().failures == 0
    assert len(harness.fake.bot_replies(later)) == 1
    answered = len(harness.fake.bot_replies(bad))
    reported = not_read(harness, None if name in NO_ID else bad)
    assert answered + reported == 1  # answered or reported, never both, never twice


LISTING_ANSWERS: dict[str, Any] = {
    "empty object": {},
    "latest_posts an object": {"latest_posts": {}},
    "latest_posts null": {"latest_posts": None},
    "a list": [],
    "a string": "maintenance",
}


@pytest.mark.parametrize("answer", LISTING_ANSWERS.values(), ids=LISTING_ANSWERS.keys())
def test_a_listing_of_the_wrong_shape_fails_that_poll_and_backs_off(
    harness: Harness, answer: Any
) -> None:
    cited = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.fake.fail_next(200, path_contains="/posts.json", method="GET", body=answer)
    assert harness.poll().failures == 1
    asked = len(harness.fake.requests)
    harness.poll()  # backing off: the forum is left alone
    assert len(harness.fake.requests) == asked
    harness.poll()
    assert len(harness.fake.bot_replies(cited)) == 1


def test_backing_off_grows_with_each_bad_answer_in_a_row(harness: Harness) -> None:
    for _ in range(3):
        harness.fake.fail_next(200, path_contains="/posts.json", method="GET", body={})
    asked = []
    for _ in range(11):
        before = len(harness.fake.requests)
        harness.poll()
        asked.append(len(harness.fake.requests) > before)
    tried = [True, False, True, False, False, True, False, False, False, False, True]
    assert asked == tried  # 1, 2, then 4 polls left out


GROUP_ANSWERS: dict[str, Any] = {
    "empty object": {},
    "members a string": {"members": "x", "owners": None, "meta": None},
    "members without names": {"members": [{}, {"username": None}, {"username": 5}, 3]},
}


@pytest.mark.parametrize("answer", GROUP_ANSWERS.values(), ids=GROUP_ANSWERS.keys())
def test_a_group_answer_of_the_wrong_shape_makes_nobody_a_moderator(
    harness: Harness, answer: Any
) -> None:
    harness.fake.fail_next(200, path_contains="/members.json", body=answer)
    harness.fake.add_topic(CATEGORY, "Mode", "!evidence off", user=HELPER)
    assert harness.poll().failures == 0
    assert get_place_settings(harness.db, "discourse", str(CATEGORY)) is None
    harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    assert len(harness.fake.bot_replies()) == 2  # the refusal and the card


@pytest.mark.parametrize("ignores_offset", [False, True])
def test_a_group_claiming_a_billion_members_costs_a_few_requests(
    harness: Harness, ignores_offset: bool
) -> None:
    harness.fake.group_total = 10**9
    harness.fake.group_ignores_offset = ignores_offset
    harness.fake.add_topic(CATEGORY, "Mode", "!evidence summon-only", user=HELPER)
    harness.poll()
    settings = get_place_settings(harness.db, "discourse", str(CATEGORY))
    assert settings is not None
    assert settings.mode == "summon-only"
    assert len(harness.fake.requests_to("/members.json")) <= 3


def test_its_own_posts_are_known_whatever_the_case_of_its_name(factory: HarnessFactory) -> None:
    factory.fake.add_topic(CATEGORY, "Old", "old")
    factory.username = BOT.title()  # Evidence_Bot, where the forum shows evidence_bot
    bot = factory.build()
    bot.poll()
    own = factory.fake.add_topic(CATEGORY, "Mine", f"doi:{LEE_DOI}", user=BOT)
    bot.poll()
    assert factory.fake.bot_replies(own) == []
    assert len(factory.fake.requests_to("/posts.json", "POST")) == 0


def test_a_post_of_an_unwatched_category_is_never_fetched_for_a_summons(
    factory: HarnessFactory,
) -> None:
    staff_only = factory.fake.add_topic(CATEGORY + 1, "Staff", f"doi:{LEE_DOI}")
    public = factory.fake.add_topic(CATEGORY, "Public", f"doi:{LEE_DOI}")
    outlet = factory.build(category_ids=[CATEGORY]).bot.conversation.outlet
    assert outlet.fetch_post(str(staff_only)) is None
    assert outlet.fetch_post(str(public)) is not None


IDENTITY_ANSWERS: dict[str, tuple[int, Any, str]] = {
    "the bot": (200, None, "the bot's key acts as evidence_bot"),
    "another user": (200, {"current_user": {"username": "someone"}}, "acts as 'someone'"),
    "empty object": (200, {}, "named no user (answer keys: none)"),
    "user without name": (200, {"current_user": {"id": 1}}, "named no user"),
    "not json": (200, "<html>", "could not say who"),
    "refused key": (403, {"errors": ["bad"], "error_type": "invalid_access"}, "does not accept"),
    "not signed in": (404, None, "does not accept the bot's key"),
}


@pytest.mark.parametrize("case", IDENTITY_ANSWERS.values(), ids=IDENTITY_ANSWERS.keys())
def test_start_up_says_plainly_what_the_forum_answered_about_the_key(
    fake: FakeDiscourse, case: tuple[int, Any, str]
) -> None:
    status, body, said = case
    if body is not None or status != 200:
        fake.fail_next(status, path_contains="/session/current.json", body=body)
    http = build_http(fake.url, {"Api-Key": API_KEY, "Api-Username": BOT}, 2.0, "tests",
                      max_retries=0)  # fmt: skip
    with http:
        assert said in check_identity(ApiClient(http, read_error=read_error), BOT)
