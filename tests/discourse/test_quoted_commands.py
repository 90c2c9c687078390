"""Discourse: a command inside a quote is the quoted member's, never the quoter's (issue 29)."""

from __future__ import annotations

from bot.discourse_bot.convert import post_text
from records.modlog import recent_actions
from records.places import get_place_settings
from tests.discourse.conftest import CATEGORY, MODERATOR, Harness

HIDDEN_COMMAND = f'[quote="{"x" * 320}"]\n!evidence off\n[/quote]'


def test_a_command_hidden_in_a_quoted_post_never_runs_as_the_quoting_moderator(
    harness: Harness,
) -> None:
    first = harness.fake.add_topic(CATEGORY, "Q", f"{HIDDEN_COMMAND}\nJust asking.")
    topic = harness.fake.posts[first]["topic_id"]
    harness.poll()
    quote = f'[quote="member, post:1, topic:{topic}"]\n{HIDDEN_COMMAND}\n[/quote]'
    harness.fake.add_post(topic, f"{quote}\nGood question.", user=MODERATOR)
    harness.poll()
    assert get_place_settings(harness.db, "discourse", str(CATEGORY)) is None
    assert recent_actions(harness.db) == []
    assert harness.fake.bot_replies() == []


def test_without_raw_the_cooked_quotes_are_left_out() -> None:
    cooked = (
        '<aside class="quote" data-post="1"><blockquote><p>!evidence off</p></blockquote></aside>'
        "<p>Agreed.</p>"
    )
    assert post_text({"cooked": cooked}).split() == ["Agreed."]
