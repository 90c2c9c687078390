"""The shared rules: bylines, author pairs, BibTeX, badges and text renderings with badges."""

from __future__ import annotations

import pytest

from records.atlas_page import parse_atlas_page
from records.atlas_page.bibtex import find_bibtex, parse_bibtex
from records.atlas_page.fields import classify_badges, split_authors, split_byline


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Kim, Ana, Roe, Ben", ["Kim, Ana", "Roe, Ben"]),
        ("Kim, Ana, Roe, Ben, Diaz, Cruz et al.", ["Kim, Ana", "Roe, Ben", "Diaz, Cruz"]),
        ("Kim, Ana et al", ["Kim, Ana"]),
        ("Kim, Ana; Roe, Ben", ["Kim, Ana", "Roe, Ben"]),
        ("Kim, Ana, CFS Study Group", ["Kim, Ana", "CFS Study Group"]),
        ("", []),
    ],
)
def test_split_authors_pairs_surname_and_given_names(byline: str, expected: list[str]) -> None:
    assert split_authors(byline) == expected


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        ("Kim, Ana, Roe, Ben · Brain · 2021 · DOI", ("Kim, Ana, Roe, Ben", "Brain", "2021")),
        ("Kim, Ana et al. · 2021 · DOI", ("Kim, Ana et al.", None, "2021")),
        ("Brain, behavior, and immunity · 2021", (None, "Brain, behavior, and immunity", "2021")),
        ("Kim, Ana · Brain · DOI", ("Kim, Ana", "Brain", None)),
    ],
)
def test_split_byline_by_position(
    byline: str, expected: tuple[str | None, str | None, str | None]
) -> None:
    assert split_byline(byline) == expected


BIBTEX = """Before.
@article{mecfsatlas-kim-2021-gut-flora,
  author = {Kim, Ana and Roe, Ben},
  title = {Gut flora in {ME/CFS}: a {\\it pilot}},
  year = 2021,
  journal = "Brain",
}After"""


def test_find_bibtex_stops_at_the_balancing_brace_even_before_glued_text() -> None:
    span = find_bibtex(BIBTEX)
    assert span is not None
    assert BIBTEX[span[0] : span[1]].endswith(",\n}")
    assert BIBTEX[span[1] :] == "After"


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("author", "Kim, Ana and Roe, Ben"),
        ("title", "Gut flora in ME/CFS: a \\it pilot"),
        ("year", "2021"),
        ("journal", "Brain"),
        ("doi", None),
    ],
)
def test_parse_bibtex_fields(field: str, expected: str | None) -> None:
    entry = parse_bibtex(BIBTEX)
    assert entry is not None
    assert entry.key == "mecfsatlas-kim-2021-gut-flora"
    assert entry.get(field) == expected


def test_parse_bibtex_without_an_entry_is_none() -> None:
    assert parse_bibtex("no citation here") is None


def test_classify_badges_first_unknown_is_the_study_type() -> None:
    badges = classify_badges(["E3 Preliminary", "Mechanistic", "PEM not required", "Peer-reviewed"])
    assert (badges.evidence_level, badges.study_type, badges.pem) == (
        "E3",
        "Mechanistic",
        "not_required",
    )
    assert badges.peer_reviewed is True
    assert badges.review_status is None


TEXT_PAGE = """Gut flora in ME/CFS: a pilot — CFSMEATLAS
This study has been retracted.
E3 Preliminary · PEM ✓ · Observational
Machine draft
Gut flora in ME/CFS: a pilot
Kim, Ana, Roe, Ben · Brain · 2021 · DOI
Quick Summary
A short pilot of stool samples.
Observed Findings
Fewer butyrate producers
What This Study Does Not Prove
It does not prove the flora cause anything.
About the PEM badge: a fixed explanation.
Primary citation
Kim, Ana, & Roe, Ben (2021). Gut flora in ME/CFS: a pilot. Brain. https://doi.org/10.1000/XYZ.1
"""


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("title", "Gut flora in ME/CFS: a pilot"),
        ("retracted", True),
        ("evidence_level", "E3"),
        ("pem", "required"),
        ("study_type", "Observational"),
        ("review_status", "Machine draft"),
        ("doi", "10.1000/xyz.1"),
        ("findings", ["Fewer butyrate producers"]),
        ("does_not_prove", "It does not prove the flora cause anything."),
        ("why_it_matters", None),
    ],
)
def test_text_rendering_with_badges_and_banner(field: str, expected: object) -> None:
    entry = parse_atlas_page(TEXT_PAGE, slug="kim-2021-gut-flora").entry
    assert getattr(entry, field) == expected


def test_headingless_text_keeps_a_third_paragraph_out_unless_it_states_limits() -> None:
    text = "Gut flora\nKim, Ana · Brain · 2021 · DOI\nFirst.\nSecond.\nThird, about methods.\n"
    parsed = parse_atlas_page(text, slug="kim-2021-gut-flora")
    assert (parsed.entry.summary, parsed.entry.why_it_matters) == ("First.", "Second.")
    assert parsed.entry.does_not_prove is None
    assert any("could not be placed" in note for note in parsed.notes)
