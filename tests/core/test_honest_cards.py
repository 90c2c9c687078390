"""Cards say what the atlas does not know and show its own low-confidence labels (issue 18)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.core.cards import Card, Reply, card_from_entry
from bot.core.render_bbcode import render_bbcode
from bot.core.render_discord import render_discord
from bot.core.render_markdown import render_markdown
from bot.core.render_text import render_text
from tests.core.conftest import entry

BASE = "https://www.mecfsatlas.com"


def _discord(reply: Reply) -> str:
    message = render_discord(reply)
    return json.dumps({"content": message.content, "embeds": message.embeds}, ensure_ascii=False)


RENDERERS: dict[str, Callable[[Reply], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "discord": _discord,
    "bbcode": render_bbcode,
}


def _card(**fields: object) -> Card:
    return card_from_entry(entry(**fields), BASE)


def _plain(rendered: str) -> str:
    """The rendering without the Markdown/BBCode emphasis around words."""
    for mark in ("**", "*", "[B]", "[/B]", "[I]", "[/I]", "\\"):
        rendered = rendered.replace(mark, "")
    return rendered


@pytest.mark.parametrize("render", RENDERERS.values(), ids=RENDERERS.keys())
@pytest.mark.parametrize("cards", [1, 3], ids=["single", "compact"])
def test_a_card_without_a_pem_badge_says_the_atlas_records_none(
    render: Callable[[Reply], str], cards: int
) -> None:
    reply = Reply.from_cards(
        [_card(id=f"doe-2020-study-{n}", pem=None) for n in range(cards)], max_cards=3
    )
    assert _plain(render(reply)).count("PEM badge") == cards
    assert "not recorded by the atlas" in _plain(render(reply))


@pytest.mark.parametrize("render", RENDERERS.values(), ids=RENDERERS.keys())
def test_a_card_without_a_summary_says_the_atlas_has_none_yet(
    render: Callable[[Reply], str],
) -> None:
    reply = Reply.from_cards([_card(summary=None, does_not_prove=None)], max_cards=3)
    assert "The atlas has no summary of this study yet." in _plain(render(reply))


@pytest.mark.parametrize("render", RENDERERS.values(), ids=RENDERERS.keys())
@pytest.mark.parametrize("confidence", ["Moderate confidence", "Preliminary"])
def test_the_atlas_confidence_words_and_machine_draft_status_are_shown(
    render: Callable[[Reply], str], confidence: str
) -> None:
    reply = Reply.from_cards(
        [_card(confidence=confidence, review_status="Machine draft")], max_cards=3
    )
    shown = _plain(render(reply))
    assert confidence in shown
    assert "Machine draft" in shown
