"""The two seed text renderings (../shared/seeds/000 and 003) parse into the right entry."""

from __future__ import annotations

import pytest

from records.atlas_page import AtlasPageError, parse_atlas_page
from records.models import AtlasEntry
from tests.linker.conftest import read_seed

MEEUS_SLUG = "meeus-2013-role-mitochondrial"


@pytest.fixture(scope="module")
def lee() -> AtlasEntry:
    return parse_atlas_page(read_seed("000")).entry


@pytest.fixture(scope="module")
def meeus() -> AtlasEntry:
    return parse_atlas_page(read_seed("003"), slug=MEEUS_SLUG).entry


def test_seed_000_takes_slug_and_title_from_its_bibtex(lee: AtlasEntry) -> None:
    assert lee.id == "lee-2024-brain-regional"
    assert lee.title.startswith("Brain-regional characteristics and neuroinflammation")
    assert lee.title.endswith("A systematic review and meta-analysis.")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("authors", ["Lee, Jin-Seok", "Sato, Wakiro", "Son, Chang-Gue"]),
        ("journal", "Autoimmunity reviews"),
        ("year", 2024),
        ("doi", "10.1016/j.autrev.2023.103484"),
        ("pmid", "38016575"),
        ("url", "https://www.mecfsatlas.com/evidence/lee-2024-brain-regional"),
    ],
)
def test_seed_000_bibliographic_fields(lee: AtlasEntry, field: str, expected: object) -> None:
    assert getattr(lee, field) == expected


def test_seed_000_places_headingless_paragraphs_by_page_order(lee: AtlasEntry) -> None:
    assert lee.summary is not None
    assert lee.summary.startswith("Researchers combined results from 65 brain imaging studies")
    assert lee.why_it_matters is not None
    assert lee.why_it_matters.startswith("This comprehensive synthesis")
    assert lee.does_not_prove is not None
    assert lee.does_not_prove.startswith("This meta-analysis does not prove")
    assert lee.does_not_prove.endswith("universally applicable conclusions.")


def test_seed_000_leaves_lists_it_does_not_show_empty(lee: AtlasEntry) -> None:
    assert (lee.findings, lee.conclusions, lee.open_questions) == ([], [], [])
    assert (lee.pem, lee.evidence_level, lee.study_type, lee.retracted) == (None, None, None, False)


def test_seed_000_snapshot_versions(lee: AtlasEntry) -> None:
    assert lee.snapshot is not None
    assert (lee.snapshot.generator, lee.snapshot.scanner, lee.snapshot.policy) == (
        "v1",
        "v1.4",
        "v0.1",
    )
    assert lee.snapshot.accessed == "2026-05-25"


@pytest.mark.parametrize("entry_name", ["lee", "meeus"])
def test_seed_pem_note_never_leaks_into_does_not_prove(
    entry_name: str, request: pytest.FixtureRequest
) -> None:
    entry: AtlasEntry = request.getfixturevalue(entry_name)
    assert entry.does_not_prove is not None
    assert "PEM badge" not in entry.does_not_prove
    assert "How the atlas works" not in entry.does_not_prove


def test_seed_003_without_a_slug_is_refused_by_name() -> None:
    with pytest.raises(AtlasPageError, match="no slug"):
        parse_atlas_page(read_seed("003"))


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("id", MEEUS_SLUG),
        ("authors", ["Meeus, Mira", "Nijs, Jo", "Hermans, Linda"]),
        ("journal", "Expert opinion on therapeutic targets"),
        ("year", 2013),
        ("doi", None),
        ("pmid", None),
        ("url", None),
        ("snapshot", None),
    ],
)
def test_seed_003_bibliographic_fields(meeus: AtlasEntry, field: str, expected: object) -> None:
    assert getattr(meeus, field) == expected


def test_seed_003_title_is_the_line_under_the_window_title(meeus: AtlasEntry) -> None:
    assert meeus.title.startswith("The role of mitochondrial dysfunctions")
    assert meeus.title.endswith("as therapeutic targets?")
    assert "CFSMEATLAS" not in meeus.title


def test_seed_003_sections_follow_their_headings(meeus: AtlasEntry) -> None:
    assert meeus.summary is not None
    assert meeus.summary.startswith("This study explores how damage")
    assert meeus.why_it_matters is not None
    assert meeus.why_it_matters.startswith("This study provides a mechanistic framework")
    assert len(meeus.findings) == 5
    assert meeus.findings[0].startswith("Mitochondrial dysfunction demonstrated in leukocytes")
    assert len(meeus.conclusions) == 4
    assert len(meeus.open_questions) == 2
    assert meeus.does_not_prove is not None
    assert meeus.does_not_prove.startswith("This review does not establish causation")
    assert meeus.does_not_prove.endswith("secondary consequence of the disease.")
