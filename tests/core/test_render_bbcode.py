"""Forum BBCode: golden files, within the post limit, no tag or mention from outside text."""

from __future__ import annotations

import re

import pytest

from bot.core.cards import Reply
from bot.core.render_bbcode import POST_LIMIT, Quote, render_bbcode
from tests.core.conftest import assert_golden
from tests.core.renderings import extreme_replies, golden_replies, hostile_card, retracted_card

ALL_REPLIES = {**golden_replies(), **extreme_replies()}
QUOTE = Quote(author="Senior Member", post_id="1234", member_id="77", text="See the Lee study")
OWN_TAGS = {"QUOTE", "B", "I", "URL", "LIST", "*", "SIZE"}
TAG = re.compile(r"\[/?([A-Za-z*]+)")


@pytest.mark.parametrize("name", sorted(golden_replies()))
def test_rendering_matches_its_golden_file(name: str) -> None:
    assert_golden(f"{name}.bbcode", render_bbcode(golden_replies()[name], quote=QUOTE) + "\n")


@pytest.mark.parametrize("name", sorted(ALL_REPLIES))
def test_a_post_fits_the_limit(name: str) -> None:
    assert len(render_bbcode(ALL_REPLIES[name], quote=QUOTE)) <= POST_LIMIT


def test_the_cited_post_is_quoted_with_its_author_post_and_member() -> None:
    text = render_bbcode(golden_replies()["single"], quote=QUOTE)
    assert text.startswith(
        '[QUOTE="Senior Member, post: 1234, member: 77"]See the Lee study[/QUOTE]'
    )


def test_a_hostile_quote_cannot_break_out_of_its_block() -> None:
    quote = Quote(
        author='x"] [URL=https://evil.example]',
        post_id="1 OR 1",
        member_id="2]",
        text="[/QUOTE][B]",
    )
    text = render_bbcode(golden_replies()["single"], quote=quote)
    head = text.split("[/QUOTE]")[0]
    assert head.startswith('[QUOTE="x URL=https//evil.example, post: 11, member: 2"]')
    assert text.count("[/QUOTE]") == 1


def test_hostile_atlas_text_opens_no_tag_and_mentions_nobody() -> None:
    text = render_bbcode(Reply.from_cards([hostile_card(3)], max_cards=3))
    assert {tag.upper() for tag in TAG.findall(text)} <= OWN_TAGS
    assert re.findall(r"\[URL='([^']*)'\]", text) == [
        "https://www.mecfsatlas.com/evidence/evil-2020-hostile-entry"
    ]
    assert not re.search(r"@\w", text)
    assert "https://evil" not in text


def test_fifty_studies_give_cards_then_a_list() -> None:
    text = render_bbcode(ALL_REPLIES["50-long-cards-cap-3"])
    shown = text.count("[B]What this study does not prove:[/B]")
    assert 1 <= shown <= 3
    assert f"[B]And {50 - shown} more:[/B]" in text


def test_retracted_warning_comes_first() -> None:
    text = render_bbcode(Reply.from_cards([retracted_card()], max_cards=3))
    assert text.startswith("⛔ [B]RETRACTED")
