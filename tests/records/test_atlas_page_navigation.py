"""A page without section headings is read by order, but navigation, breadcrumbs and other
short non-sentence text never become an entry field (issue 28)."""

from __future__ import annotations

import pytest

from records.atlas_page import parse_atlas_page
from records.atlas_page.fields import is_navigation, is_prose

TITLE = "Metabolic features of chronic fatigue syndrome"
BYLINE = (
    "Naviaux, Robert · Proceedings of the National Academy of Sciences · 2016 · "
    '<a href="https://doi.org/10.1073/pnas.1607571113">DOI</a>'
)
SUMMARY = (
    "Blood metabolomics in 45 patients and 39 controls found a pattern of lowered "
    "metabolism that the authors liken to a hypometabolic state."
)
WHY = "A chemical signature could one day help diagnosis and point to treatments."
CAVEAT = "A signature in one cohort is not a diagnostic test and does not establish cause."
CRUMBS = '<div class="crumbs"><a href="/">Home</a> <a href="/evidence">Evidence</a> <a href="/methodology">Methodology</a></div>'
BACK = '<div><a href="/evidence">Back to evidence</a></div>'


def _html(*blocks: str) -> str:
    body = "\n".join(
        f"<div>{block}</div>" if not block.startswith("<") else block for block in blocks
    )
    return f"<html><head><title>{TITLE} — CFSMEATLAS</title></head><body>{body}</body></html>"


PAGES = {
    "breadcrumb-after-byline": _html(
        '<div><span>E1 Replicated</span><span>PEM required</span></div>',
        TITLE, BYLINE, CRUMBS, SUMMARY, WHY, CAVEAT, BACK,
    ),
    "breadcrumb-before-badges-no-byline": (
        f"{TITLE} — CFSMEATLAS\nHome Evidence Methodology\nE1 Replicated · PEM required\n"
        f"{TITLE}\n{SUMMARY}\n{WHY}\n{CAVEAT}\nBack to evidence\n"
    ),
}  # fmt: skip


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_navigation_never_becomes_an_entry_field(page: str) -> None:
    entry = parse_atlas_page(page, slug="naviaux-2016-metabolomics").entry
    assert entry.title == TITLE
    assert (entry.summary, entry.why_it_matters, entry.does_not_prove) == (SUMMARY, WHY, CAVEAT)
    assert entry.pem == "required"
    assert entry.evidence_level == "E1"


def test_a_back_link_under_the_last_section_is_not_part_of_it() -> None:
    page = f"{TITLE}\nE1 Replicated\nQuick Summary\n{SUMMARY}\nWhat This Study Does Not Prove\n{CAVEAT}\nBack to evidence\n"
    entry = parse_atlas_page(page, slug="naviaux-2016-metabolomics").entry
    assert entry.does_not_prove == CAVEAT


@pytest.mark.parametrize(
    ("text", "prose"),
    [
        ("Home Evidence Methodology", False),
        ("Back to evidence", False),
        ("E1 Replicated · PEM required · Observational · Machine draft", False),
        (SUMMARY, True),
        ("No effect on fatigue was found in this small trial.", True),
        ("Related Studies From The Same Research Group Listed", False),
    ],
)
def test_what_counts_as_prose(text: str, prose: bool) -> None:
    assert is_prose(text) is prose


@pytest.mark.parametrize(
    ("text", "navigation"),
    [("Home Evidence Methodology", True), ("Back to evidence", True), ("No effect.", False)],
)
def test_what_counts_as_navigation(text: str, navigation: bool) -> None:
    assert is_navigation(text) is navigation
