"""Authors named the other ways people write them (issue 22): full names in a list, and
names in lower case."""

from __future__ import annotations

from functools import cache

import pytest

from linker import AtlasIndex
from records.models import AtlasEntry


@cache
def index() -> AtlasIndex:
    """A few entries with several authors each, and names that are ordinary words."""
    return AtlasIndex.build(
        [
            AtlasEntry(id="giloteaux-2016-microbiome", title="Reduced diversity of the gut microbiome",
                       authors=["Giloteaux, Ludovic", "Goodrich, Julia K", "Walters, William A"],
                       year=2016, journal="Microbiome"),
            AtlasEntry(id="fluge-2019-rituximab", title="B-lymphocyte depletion: a placebo-controlled trial",
                       authors=["Fluge, Øystein", "Rekeland, Ingrid G", "Lien, Katarina"],
                       year=2019, journal="Annals of Internal Medicine",
                       summary="Rituximab was no better than placebo."),
            AtlasEntry(id="loebel-2016-antibodies", title="Antibodies to adrenergic receptors",
                       authors=["Loebel, Madlen", "Grabowski, Patricia"], year=2016,
                       journal="Brain, Behavior, and Immunity"),
            AtlasEntry(id="young-2020-pacing", title="Heart rate monitor pacing",
                       authors=["Young, Rebecca"], year=2020, journal="Fatigue"),
            AtlasEntry(id="long-2023-children", title="Paediatric long COVID",
                       authors=["Long, Catherine", "Strong, Peter"], year=2023, journal="Pediatrics"),
        ]
    )  # fmt: skip


def found(text: str) -> list[str | None]:
    return [match.atlas_id for match in index().match(text)]


FULL_NAMES = [
    ("given names before surnames", "Ludovic Giloteaux, Julia Goodrich & William Walters (2016)", ["giloteaux-2016-microbiome"]),
    ("a middle initial", "Øystein Fluge, Ingrid G. Rekeland & Katarina Lien, Ann Intern Med (2019)", ["fluge-2019-rituximab"]),
    ("a journal after the list", "Madlen Loebel and Patricia Grabowski / Brain Behav Immun 2016", ["loebel-2016-antibodies"]),
    ("a full name not on the paper", "Ludovic Giloteaux, Julia Roberts (2016)", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in FULL_NAMES])
def test_full_name_author_lists_name_their_study(text: str, expected: list[str]) -> None:
    assert found(text) == expected


LOWER_CASE = [
    ("before a study noun", "the giloteaux microbiome paper from 2016", ["giloteaux-2016-microbiome"]),
    ("possessive", "loebel's study from 2016 on receptors", ["loebel-2016-antibodies"]),
    ("a description between name and noun", "that fluge rituximab trial from 2019", ["fluge-2019-rituximab"]),
    ("after a local 'by'", "die studie von loebel aus 2016", ["loebel-2016-antibodies"]),
    ("an everyday word is no name", "a young study in 2020 about teenagers", []),
    ("a word in one of the languages", "long covid study from 2023", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in LOWER_CASE])
def test_lower_case_names_are_taken_only_when_no_word(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@cache
def with_coauthors() -> AtlasIndex:
    """Entries whose co-authors and senior authors are nobody's first author."""
    return AtlasIndex.build(
        [
            AtlasEntry(id="hornig-2015-cytokines", title="Distinct plasma immune signatures early in the illness",
                       authors=["Hornig, Mady", "Montoya, José G", "Klimas, Nancy G"], year=2015,
                       journal="Science Advances", summary="Cytokines were raised early."),
            AtlasEntry(id="fluge-2016-pdh", title="Metabolic profiling indicates impaired pyruvate dehydrogenase",
                       authors=["Fluge, Øystein", "Mella, Olav"], year=2016, journal="JCI Insight"),
            AtlasEntry(id="fluge-2009-rituximab", title="B-cell depletion with rituximab: a case series",
                       authors=["Fluge, Øystein", "Mella, Olav"], year=2009, journal="BMC Neurology"),
            AtlasEntry(id="quintero-2021-enterovirus", title="Enterovirus persistence in muscle biopsies",
                       authors=["Quintero, Marta", "Bell, Aidan"], year=2021, journal="PLOS Pathogens"),
        ]
    )  # fmt: skip


ANY_AUTHOR = [
    ("possessive and journal", "Montoya's Science Advances paper on cytokines", ["hornig-2015-cytokines"]),
    ("led by a professor, year", "a study led by Prof. Mella in 2016 on pyruvate dehydrogenase", ["fluge-2016-pdh"]),
    ("and colleagues, year", "Klimas and colleagues 2015 found immune signatures early on", ["hornig-2015-cytokines"]),
    ("by a full name", "the 2016 pyruvate paper co-authored by Olav Mella", ["fluge-2016-pdh"]),
    ("two entries, nothing to choose", "Mella's work on rituximab and metabolism", []),
    ("a title and no study", "Dr. Klimas told patients to rest", []),
    ("another subject", "Bell's palsy study from 2021 says steroids help early", []),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in ANY_AUTHOR])
def test_co_authors_and_senior_authors_name_a_study_when_one_clearly_fits(
    text: str, expected: list[str]
) -> None:
    assert [match.atlas_id for match in with_coauthors().match(text)] == expected


def test_a_co_author_match_is_logged_as_such() -> None:
    (match,) = with_coauthors().match("Montoya's Science Advances paper on cytokines")
    assert "other-author" in match.signals
