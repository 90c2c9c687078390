"""Cards carry what a reply shows, built from atlas entries and retraction notices."""

from __future__ import annotations

import pytest

from bot.core.cards import (
    PEM_LABELS,
    RETRACTED_WARNING,
    Card,
    Reply,
    atlas_url,
    authors_line,
    card_from_entry,
)
from records.retractions import EntryFlag
from tests.core.conftest import entry

BASE = "https://www.mecfsatlas.com"


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("https://www.mecfsatlas.com", "https://www.mecfsatlas.com/evidence/a-2020-b"),
        ("https://www.mecfsatlas.com/", "https://www.mecfsatlas.com/evidence/a-2020-b"),
        ("https://cfsmeatlas.com/", "https://cfsmeatlas.com/evidence/a-2020-b"),
    ],
)
def test_atlas_url_joins_base_url_and_slug(base_url: str, expected: str) -> None:
    assert atlas_url(base_url, "a-2020-b") == expected


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        ([], None),
        (["Lee, Jin-Seok"], "Lee"),
        (["Lee, J", "Sato, W", "Son, C"], "Lee, Sato, Son"),
        (["Meeus, M", "Nijs, J", "Hermans, L", "Goubert, D"], "Meeus, Nijs, Hermans et al."),
        (["Consortium"], "Consortium"),
    ],
)
def test_authors_line_shows_first_three_surnames(authors: list[str], expected: str) -> None:
    assert authors_line(authors) == expected


def test_card_holds_every_part_of_the_entry() -> None:
    card = card_from_entry(entry(evidence_level="E2", pem="not_required"), BASE)
    assert card.title == "A synthetic study of something measurable"
    assert card.url == f"{BASE}/evidence/doe-2020-synthetic-study"
    assert card.byline == "Doe, Roe · Journal of Examples · 2020"
    assert card.pem_label == "PEM not required"
    assert card.pem_meaning is not None
    assert "Fukuda" in card.pem_meaning
    assert card.evidence_label == "E2 Moderate"
    assert card.badges == ["PEM not required", "E2 Moderate", "Observational"]
    assert card.warnings == []


@pytest.mark.parametrize("pem", sorted(PEM_LABELS))
def test_every_pem_badge_has_a_label_and_a_meaning(pem: str) -> None:
    card = card_from_entry(entry(pem=pem), BASE)
    assert card.pem_label == PEM_LABELS[pem]
    assert card.pem_meaning


def test_missing_badges_are_left_out() -> None:
    card = card_from_entry(entry(pem=None, evidence_level=None, study_type=None), BASE)
    assert card.badges == []
    assert card.pem_meaning is None


def test_retracted_entry_puts_the_warning_first() -> None:
    card = card_from_entry(entry(retracted=True), BASE)
    assert card.retracted
    assert card.warnings[0] == RETRACTED_WARNING


@pytest.mark.parametrize(
    ("kind", "retracted"),
    [("retraction", True), ("withdrawal", True), ("expression_of_concern", False)],
)
def test_a_notice_found_by_the_enricher_marks_the_card(kind: str, retracted: bool) -> None:
    flag = EntryFlag(
        entry_id="doe-2020-synthetic-study",
        kind=kind,  # type: ignore[arg-type]
        notice_id="n1",
        source="crossref",
        notice_doi="10.1/notice",
        notice_date="2021-03-04",
    )
    card = card_from_entry(entry(), BASE, flag=flag)
    assert card.retracted is retracted
    assert card.notice is not None
    assert "10.1/notice" in card.warnings[-1]


def _cards(count: int, retracted_at: int | None = None) -> list[Card]:
    return [
        card_from_entry(entry(id=f"doe-2020-study-{n}", retracted=n == retracted_at), BASE)
        for n in range(count)
    ]


@pytest.mark.parametrize(("count", "cap", "shown"), [(1, 3, 1), (3, 3, 3), (5, 3, 3), (50, 10, 10)])
def test_reply_shows_cards_up_to_the_cap_and_links_the_rest(
    count: int, cap: int, shown: int
) -> None:
    reply = Reply.from_cards(_cards(count), max_cards=cap)
    assert len(reply.cards) == shown
    assert len(reply.more) == count - shown


def test_retracted_study_is_never_hidden_among_the_links() -> None:
    reply = Reply.from_cards(_cards(6, retracted_at=5), max_cards=3)
    assert reply.cards[0].entry_id == "doe-2020-study-5"
    assert all(not card.retracted for card in reply.more)
