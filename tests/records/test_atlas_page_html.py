"""HTML atlas pages in both layouts: every field, every badge value, missing parts."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from records.atlas_page import AtlasPageError, parse_atlas_page, slug_from_url
from records.models import AtlasEntry
from tests.linker.conftest import read_page

NEW = "new_layout.html"
OLD = "old_layout.html"
# The badge element holding each kind of badge in each layout, as written in the fixtures.
BADGE_SLOTS = {
    (NEW, "pem"): ">PEM required<",
    (OLD, "pem"): ">PEM ?<",
    (NEW, "level"): ">E2 Moderate<",
    (OLD, "level"): ">E1 Replicated<",
    (NEW, "type"): ">Systematic-Review<",
    (OLD, "type"): ">RCT<",
    (NEW, "status"): ">Machine draft<",
    (OLD, "status"): ">Reviewed<",
}
LAYOUTS = [NEW, OLD]
PAGE_URL = "https://www.mecfsatlas.com/evidence/x-2020-some-study"


def swap(html: str, old: str, new: str) -> str:
    """`html` with the one occurrence of `old` replaced (fails if it is not there once)."""
    assert html.count(old) == 1, f"fixture should hold {old!r} exactly once"
    return html.replace(old, new)


def with_badge(layout: str, slot: str, text: str) -> AtlasEntry:
    html = swap(read_page(layout), BADGE_SLOTS[(layout, slot)], f">{text}<")
    return parse_atlas_page(html).entry


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("id", "nakamura-2025-cerebral-blood"),
        ("title", "Cerebral blood flow during orthostatic testing in ME/CFS: a systematic review"),
        ("url", "https://www.mecfsatlas.com/evidence/nakamura-2025-cerebral-blood"),
        ("authors", ["Nakamura, Haruto", "Okafor, Chidi", "Lindqvist, Sara"]),
        ("journal", "Journal of translational medicine"),
        ("year", 2025),
        ("doi", "10.1186/s12967-025-01234-5"),
        ("pmid", "40000001"),
        ("pem", "required"),
        ("evidence_level", "E2"),
        ("study_type", "Systematic-Review"),
        ("review_status", "Machine draft"),
        ("retracted", False),
    ],
)
def test_new_layout_fields(field: str, expected: object) -> None:
    assert getattr(parse_atlas_page(read_page(NEW)).entry, field) == expected


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("id", "brandt-2019-graded-activity"),
        ("title", "Graded activity versus pacing advice in chronic fatigue: a randomised trial"),
        ("url", "https://cfsmeatlas.com/evidence/brandt-2019-graded-activity"),
        ("authors", ["Brandt, Ingrid", "Castillo, Mateo", "Whitfield, Owen"]),
        ("journal", "Clinical rehabilitation"),
        ("year", 2019),
        ("doi", "10.1177/0269215519000001"),
        ("pmid", None),
        ("pem", "unclear"),
        ("evidence_level", "E1"),
        ("study_type", "RCT"),
        ("review_status", "Reviewed"),
        ("retracted", True),
    ],
)
def test_old_layout_fields(field: str, expected: object) -> None:
    assert getattr(parse_atlas_page(read_page(OLD)).entry, field) == expected


@pytest.mark.parametrize("layout", LAYOUTS)
def test_sections_are_read_in_both_layouts(layout: str) -> None:
    entry = parse_atlas_page(read_page(layout)).entry
    assert entry.summary
    assert entry.why_it_matters
    assert entry.does_not_prove
    assert len(entry.findings) >= 2
    assert entry.conclusions
    assert entry.open_questions
    assert "PEM badge" not in entry.does_not_prove
    assert "How the atlas works" not in entry.does_not_prove


def test_new_layout_keeps_paragraphs_and_inline_markup_text() -> None:
    entry = parse_atlas_page(read_page(NEW)).entry
    assert entry.summary is not None
    assert entry.summary.count("\n\n") == 1
    assert entry.findings[2] == "Study sizes ranged from 18 to 420 participants"


@pytest.mark.parametrize(
    ("layout", "accessed", "scanner"),
    [(NEW, "2026-05-25", "v1.4"), (OLD, "2025-11-02", "v1.2")],
)
def test_snapshot_line_in_both_layouts(layout: str, accessed: str, scanner: str) -> None:
    snapshot = parse_atlas_page(read_page(layout)).entry.snapshot
    assert snapshot is not None
    assert (snapshot.generator, snapshot.scanner, snapshot.policy, snapshot.accessed) == (
        "v1",
        scanner,
        "v0.1",
        accessed,
    )


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("badge", "expected"),
    [
        ("PEM required", "required"),
        ("PEM not required", "not_required"),
        ("PEM unclear", "unclear"),
        ("PEM ✓", "required"),
        ("PEM ?", "unclear"),
    ],
)
def test_every_pem_badge_form(layout: str, badge: str, expected: str) -> None:
    assert with_badge(layout, "pem", badge).pem == expected


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    ("badge", "expected"),
    [
        ("E0 Consensus", "E0"),
        ("E1 Replicated", "E1"),
        ("E2 Moderate", "E2"),
        ("E3 Preliminary", "E3"),
        ("E4", "E4"),
    ],
)
def test_every_evidence_level(layout: str, badge: str, expected: str) -> None:
    assert with_badge(layout, "level", badge).evidence_level == expected


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize(
    "study_type", ["Systematic-Review", "RCT", "Observational", "Mechanistic", "Case-Report"]
)
def test_study_type_badge(layout: str, study_type: str) -> None:
    assert with_badge(layout, "type", study_type).study_type == study_type


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("status", ["Machine draft", "Reviewed"])
def test_review_status_badge(layout: str, status: str) -> None:
    assert with_badge(layout, "status", status).review_status == status


def test_peer_reviewed_badge_is_kept_as_a_flag() -> None:
    entry = parse_atlas_page(read_page(NEW)).entry
    assert entry.to_json_dict()["peer_reviewed"] is True


def test_missing_peer_reviewed_badge_leaves_the_flag_out() -> None:
    html = re.sub(r"<li><span[^>]*>Peer-reviewed</span></li>", "", read_page(NEW))
    assert "peer_reviewed" not in parse_atlas_page(html).entry.to_json_dict()


def test_retraction_banner_on_the_new_layout_marks_the_entry_retracted() -> None:
    banner = '<div class="retraction-banner" role="alert"><strong>Retracted</strong> in 2026.</div>'
    html = swap(read_page(NEW), '<ul class="badges"', f'{banner}<ul class="badges"')
    assert parse_atlas_page(html).entry.retracted is True


def test_old_layout_without_its_banner_is_not_retracted() -> None:
    html = re.sub(r'<div class="alert alert-danger".*?</div>', "", read_page(OLD))
    assert parse_atlas_page(html).entry.retracted is False


def test_retracted_badge_marks_the_entry_retracted() -> None:
    assert with_badge(NEW, "status", "Retracted").retracted is True


def test_unknown_extra_badge_is_reported_not_guessed() -> None:
    html = swap(read_page(OLD), ">Reviewed<", ">Reviewed</span><span class='tag'>Sparkly<")
    html = swap(html, ">RCT<", ">Cohort<")
    parsed = parse_atlas_page(html)
    assert parsed.entry.study_type == "Cohort"
    assert any("Sparkly" in note for note in parsed.notes)


def test_page_read_at_an_address_takes_that_slug_and_address() -> None:
    url = "http://127.0.0.1:8000/evidence/nakamura-2025-cerebral-blood-flow"
    entry = parse_atlas_page(read_page(NEW), url=url).entry
    assert (entry.id, entry.url) == ("nakamura-2025-cerebral-blood-flow", url)


def test_old_layout_slug_comes_from_the_snapshot_address() -> None:
    html = swap(
        read_page(OLD), "https://cfsmeatlas.com/evidence/brandt-2019-graded-activity", "n/a"
    )
    with pytest.raises(AtlasPageError, match="no slug"):
        parse_atlas_page(html)


@pytest.mark.parametrize(
    ("remove", "field", "expected"),
    [
        (r'<p class="byline">.*?</p>', "journal", "Journal of translational medicine"),
        (r"<pre>.*?</pre>", "pmid", None),
        (r'<section class="evidence-section" id="observed-findings">.*?</section>', "findings", []),
        (r'<section class="evidence-section" id="why-it-matters">.*?</section>',
         "why_it_matters", None),
        (r"<ul class=\"badges\".*?</ul>", "pem", None),
        (r'<p class="snapshot">.*?</p>', "snapshot", None),
    ],
)  # fmt: skip
def test_missing_parts_stay_empty(remove: str, field: str, expected: object) -> None:
    html = re.sub(remove, "", read_page(NEW), flags=re.DOTALL)
    assert getattr(parse_atlas_page(html).entry, field) == expected


def test_missing_byline_and_bibtex_leave_authors_empty() -> None:
    html = re.sub(r'<p class="byline">.*?</p>|<pre>.*?</pre>', "", read_page(NEW), flags=re.DOTALL)
    entry = parse_atlas_page(html).entry
    assert (entry.authors, entry.year, entry.pmid) == ([], None, None)
    assert entry.doi == "10.1186/s12967-025-01234-5"  # still named by the primary citation


@pytest.mark.parametrize(
    ("html", "message"),
    [
        ("<html><body><article><h1>A study</h1><p>Text.</p></article></body></html>", "no slug"),
        (
            '<html><body><article><h1></h1><p class="byline">A, B · J · 2020</p></article></body>'
            "</html>",
            "no title",
        ),
        (read_page(NEW)[:5000], "the page is cut short"),
    ],
)
def test_incomplete_pages_raise_naming_what_is_missing(html: str, message: str) -> None:
    with pytest.raises(AtlasPageError, match=message):
        parse_atlas_page(html, url=None if message == "no slug" else PAGE_URL)


def test_page_with_only_a_title_and_slug_is_imported_with_warnings() -> None:
    html = "<html><head><title>Bare — ME/CFS Atlas</title></head><body><h1>Bare</h1></body></html>"
    parsed = parse_atlas_page(html, url=PAGE_URL)
    assert (parsed.entry.id, parsed.entry.title) == (slug_from_url(PAGE_URL), "Bare")
    assert parsed.warnings == ["no badges found", "no summary found"]


def test_bad_identifier_on_the_page_is_reported_not_imported() -> None:
    html = read_page(OLD).replace(
        "https://doi.org/10.1177/0269215519000001", "https://doi.org/not-a-doi"
    )
    parsed = parse_atlas_page(html)
    assert parsed.entry.doi is None
    assert any("not-a-doi" in note for note in parsed.notes)


def test_heading_wrapped_on_its_own_still_opens_its_section() -> None:
    html = read_page(NEW).replace(
        "<h2>Why It Matters</h2>", "<header><h2>Why It Matters</h2></header>"
    )
    entry = parse_atlas_page(html).entry
    assert entry.why_it_matters is not None
    assert entry.why_it_matters.startswith("Reduced flow while upright")


@pytest.mark.parametrize(
    ("layout", "title"),
    [
        (NEW, "Cerebral blood flow during orthostatic testing in ME/CFS: a systematic review"),
        (OLD, "Graded activity versus pacing advice in chronic fatigue: a randomised trial"),
    ],
)
def test_title_falls_back_to_bibtex_or_window_title_without_a_heading(
    layout: str, title: str
) -> None:
    html = re.sub(r"<h1[^>]*>.*?</h1>", "", read_page(layout), flags=re.DOTALL)
    assert parse_atlas_page(html).entry.title == title


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cut=st.integers(min_value=0, max_value=len(read_page(NEW))))
def test_truncated_page_gives_an_entry_or_a_clear_error(cut: int) -> None:
    entry = None
    message = ""
    try:
        entry = parse_atlas_page(read_page(NEW)[:cut], url=PAGE_URL).entry
    except AtlasPageError as exc:
        message = str(exc)
    if entry is None:
        assert message.startswith("x-2020-some-study: ")
    else:
        assert cut >= read_page(NEW).index("</html>") + len("</html>")
        assert entry.id == "x-2020-some-study"
        assert entry.title
