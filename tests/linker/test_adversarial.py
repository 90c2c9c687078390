"""A megabyte of hostile text still scans (every pattern is linear; nothing backtracks badly).

No timing assertion: a catastrophic pattern would not finish at all, which fails the run.
"""

from __future__ import annotations

import pytest

from linker import find_references
from tests.linker.sample_atlas import sample_index

MEGABYTE = 1 << 20
TITLE = "Deep phenotyping of post-infectious myalgic encephalomyelitis/chronic fatigue syndrome "


def _fill(unit: str) -> str:
    return (unit * (MEGABYTE // len(unit) + 1))[:MEGABYTE]


HOSTILE = {
    "doi prefixes without suffix": _fill("10.1234/"),
    "doi prefix then brackets": "10.1000/" + _fill("(["),
    "unbalanced brackets": _fill("((((]]]]<<<<>>>>"),
    "one long url": "https://doi.org/10.1000/" + _fill("a("),
    "many urls": _fill("https://x.org/"),
    "names without a conjunction": _fill("Lee, "),
    "et al without years": _fill("Lee et al. "),
    "years without names": _fill("2024 "),
    "pmid labels without numbers": _fill("PMID    "),
    "pmc labels": _fill("PMC PMCID "),
    "line-split doi fragments": _fill("10.1038/s41467-\n"),
    "backslash escapes": _fill("\\(\\)\\_"),
    "zero-width everywhere": _fill("a\u200b"),
    "digits": _fill("1234567890"),
    "one huge word": _fill("a"),
    "repeated title": _fill(TITLE),
    "particles": _fill("van der de la "),
    "APA initials": _fill("Lee, J.-S., "),
    "journals after et al": _fill("Lee et al., Nat Commun "),
    "study by without names": _fill("2024 NIH study by "),
    "misspelt disease names": _fill("myalgic encephalomyelitis chronic fatigue syndrme "),
    "html tags after a doi": "10.1000/" + _fill("<b>"),
    "citation blocks": _fill("doi:10.1000/a1. PMID: 12345678. "),
    "links and identifiers interleaved": _fill(
        "https://x.org/a 10.1000/b PMID: 1234567 Lee et al. 2020 "
    ),
}


@pytest.mark.parametrize("text", [pytest.param(t, id=name) for name, t in HOSTILE.items()])
def test_a_megabyte_of_hostile_text_finishes(text: str) -> None:
    references = find_references(text)
    matches = sample_index().match(text)
    assert all(0 <= r.start <= r.end <= len(text) for r in references)
    assert len({m.atlas_id or m.reference.key for m in matches}) == len(matches)


def test_repeated_title_is_one_match() -> None:
    matches = sample_index().match(HOSTILE["repeated title"])
    assert [m.atlas_id for m in matches] == ["walitt-2024-deep-phenotyping"]
