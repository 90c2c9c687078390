"""Reading every post after the cursor: floods of huge posts, old servers, long outages.

Discourse's /posts.json takes only `before` (no page size), so a page that is too large is
read post by post; older servers list id windows that are empty behind private messages.
"""

from __future__ import annotations

import json

from bot.forums.api import MAX_ANSWER_BYTES
from records.modlog import recent_actions
from tests.discourse.conftest import CATEGORY, LEE_DOI, WALITT_DOI, Harness, HarnessFactory

FLOOD = 25
LONGEST_POST = 32_000  # Discourse's default max_post_length


def newest_page_bytes(harness: Harness) -> int:
    newest = sorted(harness.fake.posts.values(), key=lambda p: -p["id"])[:50]
    return len(json.dumps({"latest_posts": newest}))


def new_topic(harness: Harness) -> int:
    first = harness.fake.add_topic(CATEGORY, "Busy", "hello")
    return int(harness.fake.posts[first]["topic_id"])


def not_read(harness: Harness) -> list[str]:
    actions = recent_actions(harness.db, platform="discourse")
    return [str(a.target) for a in actions if a.action == "post not read"]


def test_a_flood_of_longest_posts_delays_no_answer(harness: Harness) -> None:
    topic = new_topic(harness)
    before = harness.fake.add_post(topic, f"doi:{LEE_DOI}")
    for _ in range(FLOOD):
        harness.fake.add_post(topic, '"' * LONGEST_POST, user="flooder")
    after = harness.fake.add_post(topic, f"doi:{WALITT_DOI}")
    assert newest_page_bytes(harness) > MAX_ANSWER_BYTES  # the page cannot be read
    report = harness.poll()
    assert report.failures == 0
    assert len(harness.fake.bot_replies(before)) == 1
    assert len(harness.fake.bot_replies(after)) == 1


def test_posts_keep_being_answered_while_the_flood_is_among_the_newest(harness: Harness) -> None:
    topic = new_topic(harness)
    for _ in range(FLOOD):
        harness.fake.add_post(topic, '"' * LONGEST_POST, user="flooder")
    harness.poll()
    for n in range(3):
        cited = harness.fake.add_topic(CATEGORY, f"Q{n}", f"doi:{LEE_DOI}")
        asked = len(harness.fake.requests)
        harness.poll()
        assert len(harness.fake.bot_replies(cited)) == 1
        assert len(harness.fake.requests) - asked < 30  # a bounded poll, not a page per post


def test_a_post_too_large_even_alone_is_skipped_and_reported_once(harness: Harness) -> None:
    topic = new_topic(harness)
    # An admin may raise max_post_length; cooked, this post is over the answer cap alone.
    huge = harness.fake.add_post(topic, '"' * 1_000_000, user="flooder")
    cited = harness.fake.add_post(topic, f"doi:{LEE_DOI}")
    harness.poll()
    harness.poll()
    harness.fake.add_post(topic, f"doi:{WALITT_DOI}")
    harness.poll()
    assert len(harness.fake.bot_replies(cited)) == 1
    assert not_read(harness) == [str(huge)]


def test_an_old_server_lists_past_a_run_of_private_messages(harness: Harness) -> None:
    harness.fake.old_server = True
    topic = new_topic(harness)
    first = harness.fake.add_post(topic, f"doi:{LEE_DOI}")
    harness.fake.add_private_messages(130)
    second = harness.fake.add_post(topic, f"doi:{WALITT_DOI}")
    harness.poll()
    assert len(harness.fake.bot_replies(first)) == 1
    assert len(harness.fake.bot_replies(second)) == 1


def test_an_old_server_whose_newest_window_is_private_still_lists_new_posts(
    harness: Harness,
) -> None:
    harness.fake.old_server = True
    topic = new_topic(harness)
    cited = harness.fake.add_post(topic, f"doi:{LEE_DOI}")
    harness.fake.add_private_messages(60)  # the newest id window lists nothing
    harness.poll()
    assert len(harness.fake.bot_replies(cited)) == 1
    later = harness.fake.add_post(topic, f"doi:{WALITT_DOI}")
    harness.poll()
    assert len(harness.fake.bot_replies(later)) == 1


def test_an_outage_beyond_two_thousand_posts_loses_nothing(harness: Harness) -> None:
    topic = new_topic(harness)
    oldest = harness.fake.add_post(topic, f"doi:{LEE_DOI}")
    for n in range(2_500):
        harness.fake.add_post(topic, f"chatter {n}")
    newest = harness.fake.add_post(topic, f"doi:{WALITT_DOI}")
    for _ in range(3):
        harness.poll()
    assert len(harness.fake.bot_replies(oldest)) == 1
    assert len(harness.fake.bot_replies(newest)) == 1


def test_a_first_start_during_a_flood_watches_from_the_newest_post(
    factory: HarnessFactory,
) -> None:
    topic = factory.fake.posts[factory.fake.add_topic(CATEGORY, "Busy", "hello")]["topic_id"]
    for _ in range(FLOOD):
        factory.fake.add_post(topic, '"' * LONGEST_POST, user="flooder")
    bot = factory.build()
    assert bot.poll().failures == 0
    cited = factory.fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    bot.poll()
    assert len(factory.fake.bot_replies(cited)) == 1
    assert len(factory.fake.bot_replies()) == 1  # nothing from before the start
