"""Finding, normalising and resolving a DOI agree: one grammar (records.identifiers.DOI_PREFIX).

A DOI prefix's registrant code may have subdivisions (`10.1000.10`, DOI Handbook 2.2.2,
https://www.doi.org/doi-handbook/HTML/doi-prefix.html); the extractor used to find such a DOI
and the normaliser then drop it.
"""

from __future__ import annotations

import pytest

from linker import AtlasIndex, find_references
from records.identifiers import normalize_doi
from records.models import AtlasEntry, RefKind

SUBDIVIDED = "10.1000.10/abc123"
INDEX = AtlasIndex.build(
    [
        AtlasEntry(id="subdivided", title="A study under a subdivided prefix", doi=SUBDIVIDED),
        AtlasEntry(id="plain", title="A study under a plain prefix", doi="10.1016/j.x.2024.1"),
    ]
)


@pytest.mark.parametrize(
    ("text", "doi"),
    [
        (f"see {SUBDIVIDED} here", SUBDIVIDED),
        (f"doi: {SUBDIVIDED.upper()}.", SUBDIVIDED),
        (f"https://doi.org/{SUBDIVIDED}", SUBDIVIDED),
        ("https://example.org/article/10.1000.10%2Fabc123", SUBDIVIDED),
        ("Read 10.1000.10/abc-\n123 please", SUBDIVIDED.replace("abc", "abc-")),
        ("plain 10.1016/j.x.2024.1", "10.1016/j.x.2024.1"),
    ],
)
def test_a_found_doi_is_kept_by_the_normaliser_and_resolves(text: str, doi: str) -> None:
    found = [r.value for r in find_references(text) if r.kind is RefKind.DOI]
    assert found == [doi]
    assert normalize_doi(doi) == doi
    if doi in {SUBDIVIDED, "10.1016/j.x.2024.1"}:
        entry = INDEX.resolve(RefKind.DOI, doi)
        assert entry is not None
        assert entry.doi == doi


@pytest.mark.parametrize(
    ("value", "normal"),
    [
        (SUBDIVIDED, SUBDIVIDED),
        ("https://doi.org/10.1000.10/ABC123", SUBDIVIDED),
        ("doi:10.1000.10%2Fabc123", SUBDIVIDED),
        ("10.1000.10.20.30/x", "10.1000.10.20.30/x"),
        ("10.1000./x", None),  # a period with no subdivision after it
        ("10.123/x", None),  # a registrant code has at least four digits
        ("10.1000.10", None),  # a prefix without a suffix
    ],
)
def test_the_normaliser_follows_the_prefix_grammar(value: str, normal: str | None) -> None:
    assert normalize_doi(value) == normal


def test_the_index_matches_a_post_citing_a_subdivided_doi() -> None:
    assert [m.atlas_id for m in INDEX.match(f"The study (doi {SUBDIVIDED}) says so.")] == [
        "subdivided"
    ]
