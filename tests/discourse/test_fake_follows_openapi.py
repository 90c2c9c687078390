"""The fake Discourse answers in the shapes Discourse's OpenAPI description documents.

tests/fixtures/discourse/openapi-extract.json holds the schemas of the routes the bot uses,
copied unchanged from discourse/discourse_api_docs (openapi.json). Every answer the fake
gave during a run of the bot (listing, new post, single post, group members) and every
new-post request the bot sent are validated against them, so neither can drift from the
documented shapes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from tests.discourse.conftest import CATEGORY, HELPER, LEE_DOI, Harness, HarnessFactory
from tests.discourse.fake_discourse import FakeDiscourse

EXTRACT = Path(__file__).parents[1] / "fixtures" / "discourse" / "openapi-extract.json"


def schemas() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(EXTRACT.read_text(encoding="utf-8"))["schemas"]
    return loaded


def exercise(harness: Harness, factory: HarnessFactory) -> FakeDiscourse:
    """A run that touches every route: posts, a reply, a moderator check, a post by id."""
    fake = harness.fake
    first = fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    harness.poll()
    topic = fake.posts[first]["topic_id"]
    fake.add_post(topic, "!evidence summon-only", user=HELPER)
    harness.poll()
    restarted = factory.build().bot.conversation.outlet  # remembers no post yet
    assert restarted.fetch_post(str(first) + "0") is None  # an unknown post: 404
    assert restarted.fetch_post(str(first)) is not None
    return fake


def test_every_answer_matches_its_documented_schema(
    harness: Harness, factory: HarnessFactory
) -> None:
    fake = exercise(harness, factory)
    documented = schemas()
    seen = {name for name, _ in fake.answers}
    assert seen >= {
        "GET /posts.json",
        "POST /posts.json",
        "GET /posts/{id}.json",
        "GET /groups/{name}/members.json",
        "GET /latest.json",
    }
    for name, answer in fake.answers:
        Draft202012Validator(documented[name]).validate(answer)


def test_the_bots_new_post_requests_match_the_documented_body(
    harness: Harness, factory: HarnessFactory
) -> None:
    fake = exercise(harness, factory)
    bodies = [r.body for r in fake.requests_to("/posts.json", "POST")]
    assert bodies
    validator = Draft202012Validator(schemas()["POST /posts.json request"])
    for body in bodies:
        validator.validate(body)


@pytest.mark.parametrize(
    ("name", "broken"),
    [
        ("GET /posts.json", {"latest_posts": [{"id": "1"}]}),
        ("POST /posts.json", {"id": 1}),
        ("GET /groups/{name}/members.json", {"members": [], "owners": []}),
    ],
)
def test_the_check_would_catch_a_drifting_fake(name: str, broken: dict[str, Any]) -> None:
    assert list(Draft202012Validator(schemas()[name]).iter_errors(broken))
