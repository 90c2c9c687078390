"""Replies used by the renderer tests: the golden scenarios and the extreme ones."""

from __future__ import annotations

from bot.core.cards import Card, Reply, card_from_entry
from records.retractions import EntryFlag
from tests.core.conftest import HOSTILE, entry, sample_entries

BASE = "https://www.mecfsatlas.com"


def sample_cards() -> list[Card]:
    """Cards for the sample atlas, in file order."""
    return [card_from_entry(e, BASE) for e in sample_entries()]


def retracted_card() -> Card:
    """A synthetic retracted study with a notice found by the enricher."""
    flag = EntryFlag(
        entry_id="doe-2020-synthetic-study",
        kind="retraction",
        notice_id="n1",
        source="crossref",
        notice_doi="10.5555/retraction.notice",
        notice_date="2021-03-04",
    )
    return card_from_entry(entry(doi="10.5555/synthetic.1"), BASE, flag=flag)


def hostile_card(size: int = 1) -> Card:
    """Every text field full of mentions, Markdown and links (repeated `size` times)."""
    text = " ".join([HOSTILE] * size)
    return card_from_entry(
        entry(
            id="evil-2020-hostile-entry",
            title=text[:2000],
            authors=["@everyone, X", "<@123>, Y", "[link](https://evil.example), Z"],
            journal="**Journal** of <#1>",
            summary=text,
            does_not_prove=text,
            study_type="# Heading @here",
        ),
        BASE,
    )


def golden_replies() -> dict[str, Reply]:
    """The scenarios pinned by golden files, by name."""
    cards = sample_cards()
    return {
        "single": Reply.from_cards(cards[:1], max_cards=3),
        "several": Reply.from_cards(cards[2:7], max_cards=3),
        "retracted": Reply.from_cards([cards[0], retracted_card()], max_cards=3),
        "choices": Reply(
            cards=(),
            more=tuple(cards[9:12]),
            notice="Several atlas studies fit “long covid”. Pick one by its identifier or link:",
        ),
        "not_found": Reply(cards=(), notice="“10.1/zzz” is not in the atlas.", footer=False),
        "hostile": Reply.from_cards([hostile_card()], max_cards=3),
        "unfinished": Reply.from_cards([unfinished_card()], max_cards=3),
    }


def unfinished_card() -> Card:
    """A study the atlas has only a title and byline for: no summary, caveat or badges."""
    return card_from_entry(
        entry(
            id="doe-2021-unfinished-entry",
            summary=None,
            does_not_prove=None,
            pem=None,
            evidence_level=None,
            study_type=None,
            review_status="Machine draft",
        ),
        BASE,
    )


def long_card(number: int, *, summary_chars: int = 10_000, spaces: bool = True) -> Card:
    """A card whose text is as long as an entry can hold."""
    word = "inflammation " if spaces else "x"
    summary = (word * (summary_chars // len(word) + 1))[:summary_chars]
    title = ("Very long title words " * 100)[:2000]
    return card_from_entry(
        entry(
            id=f"long-2020-study-{number}",
            title=title,
            summary=summary,
            does_not_prove=summary,
            authors=[f"Author{n}, A" for n in range(40)],
            journal="J" * 500,
            study_type="T" * 500,
        ),
        BASE,
    )


def extreme_replies() -> dict[str, Reply]:
    """Replies that push every limit, by name."""
    return {
        "10k-summary": Reply.from_cards([long_card(0)], max_cards=3),
        "10k-summary-no-spaces": Reply.from_cards([long_card(0, spaces=False)], max_cards=3),
        "50-long-cards-cap-3": Reply.from_cards([long_card(n) for n in range(50)], max_cards=3),
        "50-long-cards-cap-10": Reply.from_cards([long_card(n) for n in range(50)], max_cards=10),
        "50-choices": Reply(cards=(), more=tuple(long_card(n) for n in range(50)), notice="x"),
        "hostile-x20": Reply.from_cards([hostile_card(20) for _ in range(3)], max_cards=3),
        "12-retracted": Reply.from_cards([retracted_card()] * 12, max_cards=10),
    }
