"""AtlasIndex.search: the lookup command's "best match or a short numbered list"."""

from __future__ import annotations

from typing import Any

import pytest
import rapidfuzz

import linker.index as index_module
import linker.search as search_module
from linker import AtlasIndex
from records.models import AtlasEntry, RefKind
from tests.linker.sample_atlas import sample_entries, sample_index


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("10.1038/s41467-024-45107-3", "walitt-2024-deep-phenotyping", id="doi"),
        pytest.param(
            "https://doi.org/10.7326/M18-1451", "fluge-2019-lymphocyte-depletion", id="doi-url"
        ),
        pytest.param("PMID: 21334061", "white-2011-comparison-adaptive", id="pmid"),
        pytest.param("PMC4004422", "keller-2014-inability-myalgic", id="pmcid"),
        pytest.param(
            "https://pubmed.ncbi.nlm.nih.gov/27573827/",
            "naviaux-2016-metabolomics",
            id="pubmed",
        ),
        pytest.param("lee-2024-brain-regional", "lee-2024-brain-regional", id="slug"),
        pytest.param(
            "https://www.cfsmeatlas.com/evidence/hornig-2015-distinct-plasma",
            "hornig-2015-distinct-plasma",
            id="atlas-link",
        ),
        pytest.param("Walitt 2024", "walitt-2024-deep-phenotyping", id="author-year"),
        pytest.param(
            "loebel et al. 2016", "loebel-2016-antibodies-adrenergic", id="author-et-al-year"
        ),
    ],
)
def test_exact_queries_resolve_to_one_entry(query: str, expected: str) -> None:
    results = sample_index().search(query)
    assert [m.atlas_id for m in results] == [expected]
    assert results[0].score == 100.0


@pytest.mark.parametrize(
    ("query", "best"),
    [
        pytest.param("deep phenotyping", "walitt-2024-deep-phenotyping", id="two-title-words"),
        pytest.param(
            "rituximab b lymphocyte depletion", "fluge-2019-lymphocyte-depletion", id="topic"
        ),
        pytest.param("PACE trial graded exercise", "white-2011-comparison-adaptive", id="acronym"),
        pytest.param("sleepiness fibromyalgia", "togo-2008-sleep-structure", id="words"),
        pytest.param("cardiopulmonary excercise test", "lim-2020-prospects-two", id="typo"),
    ],
)
def test_title_words_rank_the_intended_study_first(query: str, best: str) -> None:
    results = sample_index().search(query)
    assert results
    assert results[0].atlas_id == best
    assert results[0].reference.kind is RefKind.TITLE


def test_title_search_scores_are_best_first_and_limited() -> None:
    results = sample_index().search("chronic fatigue syndrome", limit=3)
    assert 1 <= len(results) <= 3
    scores = [m.score for m in results]
    assert scores == sorted(scores, reverse=True)


def test_unknown_identifier_comes_back_unmatched() -> None:
    (result,) = sample_index().search("doi:10.1000/not-in-atlas")
    assert result.entry is None
    assert result.doi == "10.1000/not-in-atlas"


@pytest.mark.parametrize("query", ["", "   ", "zzzz qqqq xxxx"])
def test_nothing_to_find_gives_an_empty_list(query: str) -> None:
    assert sample_index().search(query) == []


def test_author_year_with_two_entries_lists_both() -> None:
    second = AtlasEntry(
        id="walitt-2024-other", title="Another NIH paper", authors=["Walitt, Brian"], year=2024
    )
    index = AtlasIndex.build([*sample_entries(), second])
    results = index.search("Walitt 2024")
    assert sorted(m.atlas_id or "" for m in results) == [
        "walitt-2024-deep-phenotyping",
        "walitt-2024-other",
    ]
    assert all(m.score < 100 for m in results)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param("Walitt   2024", "walitt-2024-deep-phenotyping", id="runs-of-spaces"),
        pytest.param("Walitt (2024)", "walitt-2024-deep-phenotyping", id="year-in-brackets"),
        pytest.param("Walitt, 2024", "walitt-2024-deep-phenotyping", id="comma"),
        pytest.param("Walitt et al, 2024", "walitt-2024-deep-phenotyping", id="et-al-comma"),
        pytest.param("Walitt et al. (2024)", "walitt-2024-deep-phenotyping", id="et-al-brackets"),
        pytest.param("  loebel\tet al 2016 ", "loebel-2016-antibodies-adrenergic", id="tabs"),
    ],
)
def test_author_year_queries_in_every_spacing_resolve(query: str, expected: str) -> None:
    assert [m.atlas_id for m in sample_index().search(query)] == [expected]


# What a member can type after `!evidence` to make a pattern backtrack (issue 17): each
# shape is a few characters that repeat to the size of the largest message a platform takes
# (Reddit comments: 10,000 characters; here 40,000 to be safe).
HOSTILE_QUERIES = {
    "spaces": "a" + " " * 40_000 + "x",
    "spaces before a year": "a" + " " * 40_000 + "2024",
    "words": "lee " * 10_000,
    "words before a year": "lee " * 10_000 + "2024",
    "et al": "Lee et al. " * 4_000,
    "hyphens": "a" + "-" * 40_000 + "x",
    "commas": "a" + ", " * 20_000 + "x",
}


class _Spy:
    """Stands in for a compiled pattern or a scorer and records how long its inputs were."""

    def __init__(self, wrapped: Any) -> None:
        self.wrapped = wrapped
        self.lengths: list[int] = []

    def __getattr__(self, name: str) -> Any:
        method = getattr(self.wrapped, name)

        def recorded(text: str, *args: Any, **kwargs: Any) -> Any:
            self.lengths.append(len(text))
            return method(text, *args, **kwargs)

        return recorded


def _watch(stage: str, index: AtlasIndex, monkeypatch: pytest.MonkeyPatch) -> tuple[_Spy, int]:
    """Record what one stage of a lookup is given, and the most it may be given."""
    if stage == "match":
        spy = _Spy(index)
        monkeypatch.setattr(index, "match", spy.match)
        return spy, index_module.LOOKUP_QUERY_CHARS
    if stage == "author-year pattern":
        spy = _Spy(index_module._AUTHOR_YEAR_QUERY)
        monkeypatch.setattr(index_module, "_AUTHOR_YEAR_QUERY", spy)
        return spy, index_module._AUTHOR_YEAR_QUERY_CHARS
    spy = _Spy(rapidfuzz.process)
    monkeypatch.setattr(search_module, "process", spy)
    return spy, search_module.MAX_QUERY_CHARS


@pytest.mark.parametrize("stage", ["match", "author-year pattern", "title scorers"])
@pytest.mark.parametrize("query", HOSTILE_QUERIES.values(), ids=HOSTILE_QUERIES.keys())
def test_no_stage_of_a_lookup_reads_a_long_query_whole(
    query: str, stage: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = sample_index()
    spy, most = _watch(stage, index, monkeypatch)
    index.search(query)
    assert max(spy.lengths, default=0) <= most
