"""Discourse: a command inside a quote is the quoted member's, never the quoter's (issue 29)."""

from __future__ import annotations

from bot.core.commands import parse_command
from bot.discourse_bot.convert import post_text
from tests.discourse.conftest import CATEGORY, MODERATOR, Harness
from tests.forums.quoted_commands import assert_no_command_ran, hidden_command

HIDDEN_COMMAND = hidden_command("quote")


def test_a_command_hidden_in_a_quoted_post_never_runs_as_the_quoting_moderator(
    harness: Harness,
) -> None:
    first = harness.fake.add_topic(CATEGORY, "Q", f"{HIDDEN_COMMAND}\nJust asking.")
    topic = harness.fake.posts[first]["topic_id"]
    harness.poll()
    quote = f'[quote="member, post:1, topic:{topic}"]\n{HIDDEN_COMMAND}\n[/quote]'
    harness.fake.add_post(topic, f"{quote}\nGood question.", user=MODERATOR)
    harness.poll()
    assert_no_command_ran(harness.db, "discourse", CATEGORY, harness.fake.bot_replies())


def test_without_raw_the_cooked_quotes_are_left_out() -> None:
    cooked = (
        '<aside class="quote" data-post="1"><blockquote><p>!evidence off</p></blockquote></aside>'
        "<p>Agreed.</p>"
    )
    assert post_text({"cooked": cooked}).split() == ["Agreed."]


def test_where_raw_and_cooked_disagree_the_forums_rendering_decides() -> None:
    # An indented `[/quote]` is code to Discourse, so the command stays inside the quote.
    raw = '[quote="member, post:1, topic:9"]\n\n    [/quote]\n\n!evidence off\n[/quote]\nMine.'
    cooked = (
        '<aside class="quote" data-post="1" data-topic="9"><blockquote>'
        "<pre><code>[/quote]\n</code></pre><p>!evidence off</p></blockquote></aside>"
        "<p>Mine.</p>"
    )
    assert parse_command(post_text({"raw": raw, "cooked": cooked})) is None
    own = '[quote="member, post:1, topic:9"]\nhi\n[/quote]\n!evidence help'
    shown = '<aside class="quote"><blockquote><p>hi</p></blockquote></aside><p>!evidence help</p>'
    command = parse_command(post_text({"raw": own, "cooked": shown}))
    assert command is not None
    assert command.name.value == "help"
