"""Properties that hold for any text: no exceptions, spans inside the text, stable normal forms."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from linker import find_references
from linker.textnorm import normalize_title
from records.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from records.models import RefKind
from tests.linker.sample_atlas import sample_index

# Fragments that make the detectors work hard, glued together with arbitrary text.
_FRAGMENTS = [
    "10.1016/S0140-6736(11)60096-2",
    "10.1038/s41467-",
    "\n",
    "doi:",
    "https://doi.org/",
    "https://pubmed.ncbi.nlm.nih.gov/",
    "PMID: ",
    "PMC",
    "38383456",
    "(",
    ")",
    "<",
    ">",
    "[",
    "](",
    "\\",
    "\u200b",
    "%2F",
    " et al. ",
    "Lee",
    ", ",
    " & ",
    "2024",
    "Deep phenotyping of post-infectious myalgic encephalomyelitis/chronic fatigue syndrome",
    "www.mecfsatlas.com/evidence/",
    "lee-2024-brain-regional",
    "https://www.google.com/url?q=",
    "ME/CFS",
    "β₂",
    "…",
]
forum_text = st.lists(
    st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=12)), max_size=30
).map("".join)
_NORMALIZERS = {
    RefKind.DOI: normalize_doi,
    RefKind.PMID: normalize_pmid,
    RefKind.PMCID: normalize_pmcid,
}


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(forum_text)
def test_find_references_spans_lie_inside_the_text(text: str) -> None:
    for reference in find_references(text):
        assert 0 <= reference.start <= reference.end <= len(text)
        assert text[reference.start : reference.end] == reference.text


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(forum_text)
def test_identifiers_come_back_in_normal_form(text: str) -> None:
    for reference in find_references(text):
        normalize = _NORMALIZERS.get(reference.kind)
        if normalize is not None:
            assert normalize(reference.value) == reference.value


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(forum_text)
def test_match_never_raises_and_gives_one_match_per_study(text: str) -> None:
    matches = sample_index().match(text)
    keys = [m.atlas_id or m.reference.key for m in matches]
    assert len(keys) == len(set(keys))
    starts = [m.reference.start for m in matches]
    assert starts == sorted(starts)
    for match in matches:
        assert text[match.reference.start : match.reference.end] == match.reference.text


@given(st.text())
def test_any_unicode_text_is_handled(text: str) -> None:
    assert isinstance(find_references(text), list)
    assert isinstance(sample_index().match(text), list)


@given(st.text(max_size=80))
def test_normalising_twice_changes_nothing(value: str) -> None:
    for normalize in (normalize_doi, normalize_pmid, normalize_pmcid):
        once = normalize(value)
        if once is not None:
            assert normalize(once) == once


@given(st.text(max_size=60))
def test_search_never_raises(query: str) -> None:
    results = sample_index().search(query, limit=3)
    assert len(results) <= 3
    assert all(0 <= m.score <= 100 for m in results)


@given(forum_text)
@example("𝜜")  # decomposes into a capital Greek letter (found by hypothesis, issue 28)
@example("𝐀𝛃 ℌ")
def test_normalising_a_title_twice_changes_nothing(text: str) -> None:
    once = normalize_title(text)
    assert normalize_title(once) == once
