"""The seed documents this project started from, scanned as posts (read at test time)."""

from __future__ import annotations

from linker import AtlasIndex, find_references
from records.atlas_page import parse_atlas_page
from records.models import RefKind
from tests.linker.conftest import read_seed
from tests.linker.sample_atlas import found, sample_entries


def test_atlas_page_rendering_cites_its_own_study_once() -> None:
    assert found(read_seed("000")) == ["lee-2024-brain-regional"]


def test_second_atlas_page_rendering_is_found_by_its_title() -> None:
    # The sample atlas does not hold this study, so the index gets the entry parsed from the page.
    page = parse_atlas_page(read_seed("003"), slug="meeus-2013-role-mitochondrial").entry
    index = AtlasIndex.build([*sample_entries(), page])
    assert found(read_seed("003")) == []
    assert found(read_seed("003"), index) == ["meeus-2013-role-mitochondrial"]


def test_forum_thread_cites_nothing_in_the_atlas() -> None:
    assert found(read_seed("001")) == []


def test_forum_thread_citation_by_authors_is_recognised() -> None:
    references = find_references(read_seed("001"))
    assert [(r.kind, r.value) for r in references] == [(RefKind.AUTHOR_YEAR, "filipov seegal 2004")]


def test_general_article_cites_nothing() -> None:
    assert found(read_seed("002")) == []
