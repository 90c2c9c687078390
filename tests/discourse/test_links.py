"""Links to Discourse posts are absolute, from `post_url` or built as Discourse builds it
(issue 23), and finding an earlier reply looks at the bot's own posts only."""

from __future__ import annotations

import pytest

from tests.discourse.conftest import CATEGORY, LEE_DOI, Harness


@pytest.mark.parametrize("old_server", [False, True], ids=["post_url", "no post_url"])
def test_sighting_links_are_absolute(harness: Harness, old_server: bool) -> None:
    harness.fake.old_server = old_server  # older servers send no post_url
    first = harness.fake.add_topic(CATEGORY, "Q", "hello")
    topic = harness.fake.posts[first]["topic_id"]
    harness.fake.add_post(topic, "Unknown to the atlas: doi:10.5555/not.in.atlas.7")
    harness.poll()
    (link,) = [row["permalink"] for row in harness.db.query("SELECT permalink FROM sightings")]
    assert link == f"{harness.fake.url}/t/topic-{topic}/{topic}/2"


def test_a_member_post_copying_a_card_is_never_taken_for_the_bots_reply(
    harness: Harness,
) -> None:
    post = harness.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    topic = harness.fake.posts[post]["topic_id"]
    # The reply is refused before it is saved; meanwhile a member posts a copy of a card
    # answering the same post: after the 5xx the bot looks, and must not confirm the copy.
    harness.fake.fail_next(502, path_contains="/posts.json", method="POST")
    copy = "**Evidence cards** (reply written by the bot, honest)"
    harness.fake.add_post(topic, copy, reply_to=1)
    harness.poll()
    harness.poll()
    assert len(harness.fake.bot_replies(post)) == 1
