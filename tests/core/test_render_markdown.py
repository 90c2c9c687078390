"""Reddit Markdown: pinned by golden files, within 10,000 characters, layout unbreakable."""

from __future__ import annotations

import re

import pytest

from bot.core.cards import Reply
from bot.core.render_markdown import COMMENT_LIMIT, render_markdown
from tests.core.conftest import assert_golden
from tests.core.renderings import extreme_replies, golden_replies, hostile_card, retracted_card
from tests.core.test_sanitize import LIVE_MENTION

ALL_REPLIES = {**golden_replies(), **extreme_replies()}
# Markdown our template writes: bold links to the atlas, rules, superscript footer.
OWN_LINK = re.compile(r"\]\((https://www\.mecfsatlas\.com/evidence/[a-z0-9-]+)\)")


@pytest.mark.parametrize("name", sorted(golden_replies()))
def test_rendering_matches_its_golden_file(name: str) -> None:
    assert_golden(f"{name}.md", render_markdown(golden_replies()[name]) + "\n")


@pytest.mark.parametrize("name", sorted(ALL_REPLIES))
def test_comment_fits_reddits_limit(name: str) -> None:
    assert len(render_markdown(ALL_REPLIES[name])) <= COMMENT_LIMIT


@pytest.mark.parametrize("name", sorted(ALL_REPLIES))
def test_nothing_in_a_comment_can_ping(name: str) -> None:
    assert not LIVE_MENTION.search(render_markdown(ALL_REPLIES[name]).replace("\\", ""))


def test_hostile_text_adds_no_link_heading_or_quote() -> None:
    text = render_markdown(Reply.from_cards([hostile_card(3)], max_cards=3))
    links = re.findall(r"(?<!\\)\]\(([^)]*)\)", text)
    assert links == ["https://www.mecfsatlas.com/evidence/evil-2020-hostile-entry"]
    assert not re.search(r"^\s*(#|>|[-*+] )", text.replace("\n* [", "\n"), re.MULTILINE)
    assert "https://evil" not in text


def test_every_link_points_at_the_atlas() -> None:
    text = render_markdown(ALL_REPLIES["50-long-cards-cap-3"])
    targets = re.findall(r"(?<!\\)\]\(([^)]*)\)", text)
    assert targets
    assert all(OWN_LINK.search(f"]({t})") for t in targets)


def test_fifty_studies_give_cards_then_a_bounded_list() -> None:
    text = render_markdown(ALL_REPLIES["50-long-cards-cap-3"])
    shown = text.count("**What this study does not prove:**")
    assert 1 <= shown <= 3
    assert f"**And {50 - shown} more:**" in text
    assert "more in the atlas." in text


def test_retracted_warning_comes_before_the_title() -> None:
    text = render_markdown(Reply.from_cards([retracted_card()], max_cards=3))
    assert text.startswith("⛔ **RETRACTED")
    assert text.index("RETRACTED") < text.index("A synthetic study")


def test_footer_says_automated_not_advice_and_how_to_opt_out() -> None:
    footer = render_markdown(golden_replies()["single"]).rsplit("---", 1)[1]
    for words in ("Automated reply", "not medical advice", "!evidence optout", "!evidence wrong"):
        assert words in footer


def test_footer_says_it_is_a_bot_first_as_reddit_bots_do() -> None:
    footer = render_markdown(golden_replies()["single"]).rsplit("---", 1)[1]
    assert footer.strip().startswith("^(I am a bot.)")
