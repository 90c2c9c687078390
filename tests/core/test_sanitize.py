"""Atlas and user text cannot ping, inject links or Markdown, or be cut mid-word silently."""

from __future__ import annotations

import re

import pytest

from bot.core import sanitize
from bot.core.sanitize import ELLIPSIS, ZWSP

# What a live mention looks like once text reaches Discord or Reddit.
LIVE_MENTION = re.compile(r"@(everyone|here)\b|<[@#][!&]?\d+>|</[^\s<>:]+:\d+>|(?<![\w/])/?u/\w")


@pytest.mark.parametrize(
    "hostile",
    [
        "@everyone look",
        "hey @here",
        "@EveryOne shouting",
        "<@123456789012345678>",
        "<@!42>",
        "<@&987654321>",
        "<#555>",
        "</evidence:1234>",
        "thanks u/someone",
        "thanks /u/someone",
    ],
)
@pytest.mark.parametrize("neutralise", [sanitize.plain, sanitize.markdown])
def test_mentions_are_neutralised_in_every_mode(hostile: str, neutralise: object) -> None:
    assert callable(neutralise)
    result = neutralise(hostile)
    assert not LIVE_MENTION.search(result.replace("\\", ""))
    assert result.replace(ZWSP, "").replace("\\", "") == hostile


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("**bold**", r"\*\*bold\*\*"),
        ("__under__", r"\_\_under\_\_"),
        ("~~strike~~", r"\~\~strike\~\~"),
        ("`code`", r"\`code\`"),
        ("||spoiler||", r"\|\|spoiler\|\|"),
        ("[click](x)", r"\[click\]\(x\)"),
        ("# heading", r"\# heading"),
        ("> quote", r"\> quote"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("^(super)", r"\^\(super\)"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_markdown_syntax_is_escaped(raw: str, escaped: str) -> None:
    assert sanitize.escape_markdown(raw) == escaped


@pytest.mark.parametrize(
    "text",
    ["see https://evil.example/x", "see http://evil.example", "visit www.evil.example now"],
)
def test_bare_links_are_defanged_but_read_the_same(text: str) -> None:
    result = sanitize.markdown(text)
    assert "://" not in result
    assert "www." not in result
    assert result.replace(ZWSP, "").replace("\\", "") == text


@pytest.mark.parametrize(
    "text",
    [
        "join discord.gg/abc123 now",
        "join https://discord.gg/abc123",
        "join discord.com/invite/abc123",
        "join DISCORDAPP.COM/invite/abc123",
        "join www.discord.gg/abc123",
    ],
)
@pytest.mark.parametrize("neutralise", [sanitize.plain, sanitize.markdown])
def test_bare_discord_invites_are_defanged_but_read_the_same(text: str, neutralise: object) -> None:
    assert callable(neutralise)
    result = neutralise(text)
    unescaped = result.replace("\\", "")
    assert not re.search(r"discord(app)?\.(gg|com)", unescaped, re.IGNORECASE)
    assert unescaped.replace(ZWSP, "") == text


def test_masked_link_cannot_survive_markdown_mode() -> None:
    result = sanitize.markdown("[Official cure](https://evil.example)")
    assert "](" not in result
    assert not re.search(r"(?<!\\)\[", result)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("line one\nline two", "line one line two"),
        ("tab\there", "tab here"),
        ("  padded  ", "padded"),
        ("bidi\u202eoverride", "bidioverride"),
        ("null\x00byte", "nullbyte"),
        ("bell\x07char", "bell char"),
        ("zero\u200bwidth", "zerowidth"),
    ],
)
def test_control_and_invisible_characters_are_removed(raw: str, clean: str) -> None:
    assert sanitize.clean_text(raw) == clean


def test_newlines_cannot_start_a_markdown_block() -> None:
    result = sanitize.markdown("fine\n# Heading\n> quote\n---")
    assert "\n" not in result


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short text", 20, "short text"),
        ("exactly ten", 11, "exactly ten"),
        ("the quick brown fox jumps", 16, "the quick brown…"),
        ("the quick brown fox jumps", 15, "the quick…"),
        ("words, with commas, here", 13, "words, with…"),
        ("a" * 50, 10, "a" * 9 + ELLIPSIS),
        ("anything", 1, ELLIPSIS),
        ("anything", 0, ""),
    ],
)
def test_truncation_cuts_at_a_word_boundary_with_an_ellipsis(
    text: str, limit: int, expected: str
) -> None:
    assert sanitize.truncate(text, limit) == expected


@pytest.mark.parametrize("limit", range(2, 40))
def test_truncation_never_leaves_a_dangling_escape(limit: int) -> None:
    escaped = sanitize.escape_markdown("*" * 60)
    cut = sanitize.truncate(escaped, limit)
    assert len(cut) <= limit
    body = cut.removesuffix(ELLIPSIS)
    trailing = len(body) - len(body.rstrip("\\"))
    assert trailing % 2 == 0


@pytest.mark.parametrize("limit", [1, 2, 5, 37, 100, 1024])
def test_truncated_text_never_exceeds_its_limit(limit: int) -> None:
    text = "word " * 500
    assert len(sanitize.markdown(text, limit)) <= limit
    assert len(sanitize.plain(text, limit)) <= limit


@pytest.mark.parametrize(
    ("url", "target"),
    [
        ("https://www.mecfsatlas.com/evidence/a-2020-b", "https://www.mecfsatlas.com/evidence/a-2020-b"),
        ("https://x.example/a_(b)", "https://x.example/a_%28b%29"),
        ("https://x.example/a b", "https://x.example/a%20b"),
        ("https://x.example/<script>", "https://x.example/%3Cscript%3E"),
    ],
)  # fmt: skip
def test_link_targets_cannot_close_the_markdown_link(url: str, target: str) -> None:
    assert sanitize.link_target(url) == target


@pytest.mark.parametrize("neutralise", [sanitize.plain, sanitize.markdown])
@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("word " * 20_000, 30, "word word word word word word…"),
        (" " * 50_000 + "tail words", 20, "tail words"),
        ("\u200b" * 50_000 + "tail", 20, "tail"),
        ("a" * 100_000, 8, "aaaaaaa…"),
    ],
)
def test_huge_inputs_are_cut_like_short_ones(
    neutralise: object, text: str, limit: int, expected: str
) -> None:
    assert callable(neutralise)
    assert neutralise(text, limit) == expected


def test_a_huge_hostile_message_stays_neutralised_at_every_cut() -> None:
    hostile = "@everyone <@123> [x](https://evil.example) " * 3000
    for limit in (10, 100, 1000, 4096):
        result = sanitize.markdown(hostile, limit)
        assert len(result) <= limit
        assert result.endswith(ELLIPSIS)
        assert not LIVE_MENTION.search(result.replace("\\", ""))
        assert "](" not in result


@pytest.mark.parametrize(
    "title",
    [
        "[x](javascript:alert(1))",
        "Study [click] (https://evil.example/p)",
        "[a] (b)",
    ],
)
def test_masked_link_cannot_survive_an_embed_title(title: str) -> None:
    safe = sanitize.embed_title(title)
    assert not re.search(r"\][ \t]*\(", safe)
    assert safe.replace(ZWSP, "").replace("[.]", ".") == title  # reads the same


def test_code_fences_cannot_open_in_an_embed_title() -> None:
    safe = sanitize.embed_title("Title ```py print(1) ``` end")
    assert "``" not in safe
    assert safe.replace(ZWSP, "") == "Title ```py print(1) ``` end"


def test_embed_titles_keep_their_characters_unescaped() -> None:
    assert sanitize.embed_title("Rituximab (R) in ME/CFS: a *trial*") == (
        "Rituximab (R) in ME/CFS: a *trial*"
    )
