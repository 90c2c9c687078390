"""The linker's shortcuts find exactly what the plain patterns find, for any text.

Each fast path (a pattern tried only where its first letters stand, a cheap search that rules a
window out, a word check that spares scoring a rival title) must give the same answer as the
slow reading it replaces; these compare the two on text built to make them disagree.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from linker import author_match, author_year, references, titles
from linker.author_year import AuthorYear, find_author_years
from linker.spans import SpanSet

_FRAGMENTS = [
    # names, et al. and its local forms, "and" in six languages, years, study nouns
    "Lee", "lee", "van der Berg", "O'Brien", "Walitt's", "Müller", "Smith-Jones", "J.", "KA",
    "C. G.", " et al. ", " et al", "et.al", " u. a. ", " e.a. ", " m.fl. ", " y col. ",
    " et coll. ", " and ", " & ", " und ", " og ", " y ", " en ", ", ", "(", ")", "[", "]",
    "2019", "(2020)", "1999a", "12019", "20191", "١2019", " study ", " paper ", " trial ",
    " review from ", "meta-analysis by ", " NIH ", "Nat Commun ", "ſtudy", "STUDY",
    "Walitt study (2024)", "Fluge's trial in 2019", "the 2024 Walitt study", "Walitt (2024)",
    "a 2019 trial by Fluge", "the 2024 meta-analysis from Lindqvist-Berg", "Lee, Sato & Son (2024)", "Wirth and Scheibenbogen 2020",
    "Lee et al. 2024", "Walitt B, Singh K, et al. 2024", "Walitt et al., Nat Commun 2024",
    # identifiers and links
    "10.", "10.1000/", "10.1234.5/abc", "x10.1000/y", "10.5mg", "doi:", "https://doi.org/",
    "PMID: ", "pmid", "PubMed ", "12345678", "https://pubmed.ncbi.nlm.nih.gov/",
    # cues of co-authors
    "by ", "By Mella", "Dr ", "Prof. ", "colleagues", "lab", "team", "group", "'s", "’s",
    " ", "  ", "\t", "\n", ".", "-", "é", "İ",
]  # fmt: skip
_text = st.lists(st.one_of(st.sampled_from(_FRAGMENTS), st.text(max_size=6)), max_size=30).map(
    "".join
)
_EXAMPLES = settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])


def _spans(matches: object) -> list[tuple[int, int]]:
    return [match.span() for match in matches]  # type: ignore[attr-defined]


@_EXAMPLES
@given(_text)
def test_identifier_finders_find_what_their_patterns_find(text: str) -> None:
    lowered = text.lower()
    assert _spans(references._doi_matches(text)) == _spans(references._DOI.finditer(text))
    if len(lowered) == len(text):  # as in the scan: the cleaned text and its lower case
        assert _spans(references._pmid_matches(text, lowered)) == _spans(
            references._PMID.finditer(text)
        )
        assert _spans(references._links_in(text, lowered)) == _spans(references._URL.finditer(text))


@_EXAMPLES
@given(_text)
def test_co_author_hints_rule_out_only_posts_without_a_cue(text: str) -> None:
    expected = author_match._OTHER_AUTHOR_CUE.search(text) is not None
    assert author_match._may_cue_other_author(text) is expected


# The author-year reading as it was before its shortcuts: names before "et al." read with
# backtracking, years found with a look-behind, every pattern tried at every character of
# its windows.
_PLAIN_ET_AL = re.compile(author_year._ET_AL.pattern.replace("{0,40}+", "{0,40}"), re.IGNORECASE)
_PLAIN_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")


def _plain_author_years(text: str, *, weak: bool) -> list[AuthorYear]:
    years = [m.start() for m in _PLAIN_YEAR.finditer(text)]
    if not years:
        return []
    et_al = [(m.start() - 150, m.end() + 20) for m in author_year._ET_AL_ALONE.finditer(text)]
    listed = [
        (y - 400, y + 8) for y in years if author_year._CONJUNCTION.search(text, max(0, y - 60), y)
    ]
    runs = [(author_year._ET_AL, True, et_al), (author_year._NAME_LIST, True, listed)]
    if weak:
        runs += [
            (author_year._NAME_YEAR, False, [(y - 60, y + 8) for y in years]),
            (author_year._NAME_NOUN_YEAR, False, [(y - 90, y + 8) for y in years]),
            (author_year._YEAR_NAME, False, [(y, y + 120) for y in years]),
            (author_year._YEAR_BY_NAME, False, [(y, y + 120) for y in years]),
        ]
    found: list[AuthorYear] = []
    taken = SpanSet()
    for pattern, strong, windows in runs:
        for low, high in author_year._merged(windows, len(text)):
            for match in pattern.finditer(text, low, high):
                author_year._add(found, taken, text, match, strong)
    return sorted(found, key=lambda citation: citation.start)


@_EXAMPLES
@given(_text)
def test_possessive_names_before_et_al_match_as_backtracking_ones(text: str) -> None:
    def found(pattern: re.Pattern[str]) -> list[tuple[tuple[int, int], str]]:
        return [(m.span(), m.group("names")) for m in pattern.finditer(text)]

    assert found(author_year._ET_AL) == found(_PLAIN_ET_AL)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow])
@given(_text, st.booleans())
def test_author_years_are_those_every_pattern_finds_at_every_character(
    text: str, weak: bool
) -> None:
    assert find_author_years(text, weak=weak) == _plain_author_years(text, weak=weak)


_TITLE_WORDS = ["the", "of", "in", "and", "a", "fatigue", "fatigeu", "cytokine", "cytokines",
                "mitochondrial", "mitochondria", "gut", "microbiome", "microbiomes", "sleep",
                "slep", "cohort", "longitudinal", "longitudnal", "mecfs", "brain"]  # fmt: skip


@settings(max_examples=400)
@given(
    st.lists(st.sampled_from(_TITLE_WORDS), min_size=1, max_size=22),
    st.lists(st.sampled_from(_TITLE_WORDS), max_size=26),
    st.integers(min_value=0, max_value=1),
)
def test_a_title_missing_words_fits_no_stretch_of_the_post(
    title: list[str], around: list[str], allowed: int
) -> None:
    if titles._missing_words(title, around, allowed) <= allowed:
        return
    for first in range(len(around) + 1):
        for last in range(first, len(around) + 1):
            assert titles._word_changes(title, around[first:last]) > allowed
