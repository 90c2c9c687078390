"""Full-text search over atlas entries: kept in step with imports, stemmed in seven languages."""

from __future__ import annotations

import pytest

from records import fulltext
from records.atlas_store import upsert_entries
from records.db import Database
from records.models import AtlasEntry

RITUXIMAB = AtlasEntry(
    id="fluge-2015-rituximab",
    title="B-Lymphocyte Depletion in Myalgic Encephalopathy",
    summary="Rituximab infusions compared with saline in a randomised trial.",
    keywords=["B cells", "anti-CD20"],
)
GUT = AtlasEntry(
    id="giloteaux-2016-gut-microbiome",
    title="Reduced diversity of the gut microbiome in ME/CFS",
    authors=["Giloteaux, Ludovic", "Hanson, Maureen R."],
    journal="Microbiome",
    aliases=["Cornell microbiome study"],
)


@pytest.fixture
def stored(db: Database) -> Database:
    upsert_entries(db, [RITUXIMAB, GUT])
    return db


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("rituximab", ["fluge-2015-rituximab"]),  # a summary word
        ("RITUXIMAB", ["fluge-2015-rituximab"]),
        ("anti-CD20", ["fluge-2015-rituximab"]),  # a keyword
        ("Cornell", ["giloteaux-2016-gut-microbiome"]),  # an alias
        ("Hanson", ["giloteaux-2016-gut-microbiome"]),  # an author
        ("microbiomes", ["giloteaux-2016-gut-microbiome"]),  # English plural, stemmed
        ("randomisierte Studien rituximab", ["fluge-2015-rituximab"]),  # German words dropped
        ("études sur le rituximab", ["fluge-2015-rituximab"]),  # accents and French words
        ("xyzzy", []),
        ("", []),
        ('"); DROP TABLE atlas_entries; --', []),  # FTS5 syntax is quoted away
        ("NEAR OR AND *", []),
        # Function words and one-letter words tell nothing, though the summary holds them.
        ("with or in a", []),
        ("x' OR '1'='1 with", []),
        ("der Rituximab mit und", ["fluge-2015-rituximab"]),
        ("ME", ["giloteaux-2016-gut-microbiome"]),  # ME, the illness, is no function word
    ],
)
def test_search_finds_entries_by_their_words(
    stored: Database, query: str, found: list[str]
) -> None:
    assert fulltext.search(stored, query) == found


def test_an_updated_entry_is_found_by_its_new_words_only(stored: Database) -> None:
    changed = GUT.model_copy(update={"aliases": ["BRIGHT-LC"]})
    upsert_entries(stored, [changed], replace=True)
    assert fulltext.search(stored, "bright-lc") == ["giloteaux-2016-gut-microbiome"]
    assert fulltext.search(stored, "Cornell") == []


def test_rebuild_fills_the_index_from_stored_entries(stored: Database) -> None:
    stored.execute(f"DELETE FROM {fulltext.TABLE}")
    assert fulltext.search(stored, "rituximab") == []
    fulltext.rebuild(stored)
    assert fulltext.search(stored, "rituximab") == ["fluge-2015-rituximab"]
