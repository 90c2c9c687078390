"""Quotes parsed as the forums render them: commands and citations count only in own text."""

from __future__ import annotations

import pytest

from bot.core.commands import parse_command
from bot.forums.quotes import own_bbcode_text, own_cooked_text, split_bbcode

LONG = "x" * 320
HIDDEN = f'[QUOTE="{LONG}"]\n!evidence off\n[/QUOTE]'

# (case, BBCode, whether a command remains in the author's own text); then Markdown (Discourse)
COMMAND_CASES = [
    ("a command of one's own", "!evidence off", True),
    ("a command in a plain quote", "[quote]\n!evidence off\n[/quote]", False),
    ("a quote with a 320-character attribute", HIDDEN, False),
    (
        "a quote with a 100,000-character attribute",
        f'[QUOTE="{"y" * 100_000}"]\n!evidence off\n[/QUOTE]',
        False,
    ),
    (
        "a moderator quoting the hidden command",
        f'[QUOTE="Member, post: 5, member: 10"]{HIDDEN}\nsee above[/QUOTE]\nAgreed.',
        False,
    ),
    ("fifty nested quotes", "[quote]" * 50 + "\n!evidence off\n" + "[/quote]" * 50, False),
    (
        "the author's own command after nested quotes",
        "[quote][quote]a[/quote]b[/quote]\n!evidence off",
        True,
    ),
    ("the author's command right after a quote closes", "[quote]a[/quote]!evidence off", True),
    ("an upper-case quote", "[QUOTE=Ann]\n!evidence off\n[/QUOTE]", False),
    ("a quote left open runs to the end", "[quote]\n!evidence off", False),
    ("an inner quote left open", "[quote][quote]\n!evidence off[/quote]", False),
    ("a stray closer is text", "[/quote]\n!evidence off", True),
    (
        "a closer inside code closes nothing",
        "[quote][code][/quote][/code]\n!evidence off\n[/quote]",
        False,
    ),
    (
        "a closer inside plain closes nothing",
        "[QUOTE][PLAIN][/QUOTE][/PLAIN]\n!evidence off\n[/QUOTE]",
        False,
    ),
    ("an opener with no closing bracket is text", "[quote=abc\n!evidence off", True),
    ("another tag starting with quote is not a quote", "[quotes]\n!evidence off[/quotes]", True),
]


MARKDOWN_CASES = [
    ("a Discourse quote", '[quote="ann, post:3, topic:12"]\n!evidence off\n[/quote]', False),
    (
        "a closer in a code fence closes nothing",
        "[quote]\n```\n[/quote]\n```\n!evidence off\n[/quote]",
        False,
    ),
    (
        "a closer in a code span closes nothing",
        "[quote]\n`[/quote]`\n!evidence off\n[/quote]",
        False,
    ),
    ("an unmatched backtick is text", "[quote]` a [/quote]\n!evidence off", True),
    ("an opener in a code fence opens nothing", "```\n[quote]\n```\n!evidence off", True),
]


CASES = [(name, text, False, counts) for name, text, counts in COMMAND_CASES] + [
    (name, text, True, counts) for name, text, counts in MARKDOWN_CASES
]


@pytest.mark.parametrize(("text", "markdown", "counts"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_a_command_counts_only_in_the_authors_own_text(
    text: str, markdown: bool, counts: bool
) -> None:
    assert (parse_command(own_bbcode_text(text, markdown=markdown)) is not None) is counts


def test_the_first_top_level_quote_names_the_answered_post() -> None:
    text = f'[QUOTE="Ann {LONG}, post: 77, member: 3"][quote="b, post: 9"]x[/quote][/QUOTE] hi'
    quoted = split_bbcode(text)
    assert quoted.first_post_id() == "77"
    assert quoted.own.strip() == "hi"


def test_own_text_keeps_everything_outside_quotes() -> None:
    assert own_bbcode_text("before [quote]q[/quote] after [code][quote][/code]") == (
        "before \n after [code][quote][/code]"
    )


@pytest.mark.parametrize(
    "text",
    [
        "[quote=" * 40_000,
        "[quote]" * 40_000 + "[/quote]" * 40_000,
        "[code]" * 40_000,
        "`" * 1 + " `` " * 20_000,
        "```\n" * 20_000,
        "[quote=" + '"' * 200_000,
    ],
    ids=[
        "openers without bracket",
        "deep nesting",
        "code without closer",
        "backtick runs",
        "fences",
        "one huge attribute",
    ],
)
def test_hostile_input_is_read_in_one_pass(text: str) -> None:
    # No timing here (benchmarks time it): the parser's searches only move forward, so
    # a quadratic blow-up would show as a test run that does not end.
    quoted = split_bbcode(text, markdown=True)
    assert len(quoted.own) <= len(text) + 1


COOKED = (
    "<p>Mine</p>"
    '<aside class="quote no-group" data-username="ann" data-post="3" data-topic="12">'
    '<div class="title">ann:</div><blockquote><p>!evidence off</p>'
    '<aside class="quote"><blockquote><p>deeper</p></blockquote></aside><p>still quoted</p>'
    "</blockquote></aside><p>!evidence help</p>"
)


def test_cooked_quotes_are_left_out_at_any_depth() -> None:
    own = own_cooked_text(COOKED)
    assert "Mine" in own
    assert "off" not in own
    assert "deeper" not in own
    assert "still quoted" not in own
    command = parse_command(own)
    assert command is not None
    assert command.name.value == "help"
