"""Hostile member text on XenForo: no markup, mention or link gets through, nothing breaks."""

from __future__ import annotations

import re

import pytest

from bot.core.commands import parse_command
from bot.xenforo_bot.convert import message_text
from tests.forums.quoted_commands import assert_no_command_ran, hidden_command
from tests.xenforo.conftest import LEE_DOI, MEMBER, MODERATOR, NODE, Harness

OWN_TAGS = {"QUOTE", "B", "I", "URL", "LIST", "*", "SIZE"}
TAG = re.compile(r"\[/?([A-Za-z*]+)")
HOSTILE = [
    "[/QUOTE][URL=https://evil.example]click[/URL] @Admin",
    "[B]unclosed bold [SIZE=7]huge [I]italic",
    "\u202e\u200b\x00 [IMG]https://evil.example/x.png[/IMG]",
    "@everyone <@123> [spoiler]x[/spoiler] " * 200,
    "\ud800 lone surrogate [url='javascript:alert(1)']x[/url]",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_quoted_in_a_reply_stays_inert(harness: Harness, text: str) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"{text} doi:{LEE_DOI} {text}")
    harness.poll()
    (reply,) = harness.fake.replies_by_bot()
    message = reply["message"]
    assert {tag.upper() for tag in TAG.findall(message)} <= OWN_TAGS
    assert message.count("[QUOTE") == 1
    assert message.count("[/QUOTE]") == 1
    assert not re.search(r"@\w", message)
    assert "https://evil" not in message
    assert reply["thread_id"] == thread


def test_a_post_citing_fifty_studies_fits_the_forums_limit(harness: Harness) -> None:
    dois = " ".join(f"doi:10.5555/many.{n}" for n in range(50))
    harness.fake.add_thread(NODE, "Q", f"doi:{LEE_DOI} {dois} " + "padding " * 3000)
    harness.poll()
    (reply,) = harness.fake.replies_by_bot()
    assert len(reply["message"]) <= 10_000


HIDDEN_COMMAND = hidden_command("QUOTE")


def test_a_command_hidden_in_a_quoted_post_never_runs_as_the_quoting_moderator(
    harness: Harness,
) -> None:
    thread = harness.fake.add_thread(NODE, "Q", f"{HIDDEN_COMMAND}\nJust asking.")
    first = harness.fake.threads[thread]["first_post_id"]
    harness.poll()
    quote = f'[QUOTE="Senior Member, post: {first}, member: {MEMBER}"]{HIDDEN_COMMAND}[/QUOTE]'
    harness.fake.add_post(thread, f"{quote}\nGood question.", user_id=MODERATOR)
    harness.poll()
    assert_no_command_ran(harness.db, "xenforo", NODE, harness.fake.replies_by_bot())


QUOTED_IN_RENDERING = (
    '<blockquote data-quote="Member" data-source="post: 5" class="bbCodeBlock '
    'bbCodeBlock--expandable bbCodeBlock--quote js-expandWatch"><div class="bbCodeBlock-content">'
    "x<br />\n!evidence off</div></blockquote>Good question."
)
OWN_IN_RENDERING = (
    '<blockquote class="bbCodeBlock bbCodeBlock--quote"><div>x</div></blockquote>'
    "!evidence off<br />\nGood question."
)


@pytest.mark.parametrize(
    ("parsed", "counts"),
    [(QUOTED_IN_RENDERING, False), (OWN_IN_RENDERING, True), (None, True)],
    ids=["rendered inside a quote", "rendered as the author's", "no rendering sent"],
)
def test_a_command_counts_only_where_xenforos_rendering_shows_it_as_the_authors(
    parsed: str | None, counts: bool
) -> None:
    bbcode = '[QUOTE="Member, post: 5"]x[/QUOTE]\n!evidence off\nGood question.'
    assert (parse_command(message_text(bbcode, parsed)) is not None) is counts
