"""Cards say what the atlas does not know and show its own low-confidence labels (issue 18)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from bot.core.cards import Card, Reply, card_from_entry
from bot.core.render_bbcode import render_bbcode
from bot.core.render_markdown import render_markdown
from bot.core.render_text import render_text
from bot.discord_bot.render import render_discord
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


FOOTERS = {
    "all-reviewed": (["Reviewed"], "The atlas marks this summary reviewed"),
    "both-reviewed": (["Reviewed", "reviewed"], "The atlas marks these summaries reviewed"),
    "mixed": (["Reviewed", "Machine draft"], "machine-generated unless marked Reviewed"),
    "drafts": (["Machine draft", None], "Atlas summaries are machine-generated"),
}


@pytest.mark.parametrize("render", RENDERERS.values(), ids=RENDERERS.keys())
@pytest.mark.parametrize(("statuses", "says"), FOOTERS.values(), ids=FOOTERS.keys())
def test_the_footer_says_what_is_true_of_the_summaries_shown(
    render: Callable[[Reply], str], statuses: list[str | None], says: str
) -> None:
    cards = [_card(id=f"doe-2020-study-{n}", review_status=s) for n, s in enumerate(statuses)]
    rendered = " ".join(_plain(render(Reply.from_cards(cards, max_cards=3))).split())
    assert says in rendered
    if all(status and status.lower() == "reviewed" for status in statuses):
        assert "machine-generated" not in rendered


@pytest.mark.parametrize("render", [render_text, render_markdown, render_bbcode])
def test_the_evidence_line_reads_the_same_in_every_text_format(
    render: Callable[[Reply], str],
) -> None:
    card = _card(evidence_level="E1", confidence="Moderate confidence", study_type="RCT",
                 review_status="Reviewed")  # fmt: skip
    rendered = " ".join(_plain(render(Reply.from_cards([card], max_cards=3))).split())
    assert (
        "Evidence: E1 Replicated · Moderate confidence · Type: RCT · Atlas status: Reviewed"
        in rendered
    )
