"""Atlas entries learn affiliations, journal abbreviations, volume, article number and
keywords from Crossref and Europe PMC; description matching then recognises them."""

from __future__ import annotations

from bot.core.factory import load_index
from bot.enrich.worker import EnrichSummary, check_entry, entries_to_check
from bot.metadata.crossref import parse_work
from bot.metadata.europepmc import parse_result
from config.settings import Settings
from records.atlas_store import upsert_entries
from records.db import Database
from records.entry_metadata import entry_metadata, iter_enriched_entries, store_entry_metadata
from records.fulltext import search
from records.models import AtlasEntry
from tests.enrich.conftest import clients_over
from tests.enrich.fakes import (
    FakeClock,
    FakePaper,
    FakeServices,
    crossref_work,
    europepmc_result,
)

GUT = FakePaper(
    doi="10.1186/s40168-016-0171-4",
    title="Reduced diversity and altered composition of the gut microbiome in ME/CFS",
    pmid="27338587",
    authors=[("Giloteaux", "Ludovic"), ("Hanson", "Maureen R")],
    year=2016,
    journal="Microbiome",
    affiliation="Department of Molecular Biology and Genetics, Cornell University, Ithaca, NY, USA",
    journal_abbrev="Microbiome",
    volume="4",
    article_number="30",
    keywords=["gut microbiome", "bacteria"],
)
ENTRY = AtlasEntry(
    id="giloteaux-2016-reduced-diversity",
    title=GUT.title,
    authors=["Giloteaux, Ludovic", "Hanson, Maureen R"],
    year=2016,
    journal="Microbiome",
    doi=GUT.doi,
)


def test_crossref_gives_affiliations_abbreviation_volume_and_article_number() -> None:
    found = parse_work({**crossref_work(GUT), "published": {"date-parts": [[2016, 6, 23]]}})
    assert found.affiliations == [GUT.affiliation]
    assert (found.journal_abbrevs, found.volume, found.article_number) == (
        ["Microbiome"],
        "4",
        "30",
    )
    assert found.published == "2016-06-23"


def test_crossref_takes_the_first_page_where_there_is_no_article_number() -> None:
    work = {**crossref_work(GUT), "page": "823-836", "volume": 377}
    work.pop("article-number")
    found = parse_work(work)
    assert (found.volume, found.article_number) == ("377", "823")


def test_europe_pmc_gives_keywords_affiliations_and_volume() -> None:
    found = parse_result(europepmc_result(GUT))
    assert found.keywords == ["gut microbiome", "bacteria"]
    assert found.affiliations == [GUT.affiliation]
    assert (found.volume, found.journal_abbrevs) == ("4", ["Microbiome"])


def test_checking_an_atlas_entry_stores_what_describes_it(db: Database) -> None:
    upsert_entries(db, [ENTRY])
    clients = clients_over(FakeServices([GUT]).handler, db, FakeClock(), max_retries=0)
    summary = EnrichSummary()
    try:
        for entry in entries_to_check(db):
            check_entry(db, clients, entry, summary)
    finally:
        clients.close()
    assert summary.entries_described == 1
    stored = entry_metadata(db)[ENTRY.id]
    assert (stored["volume"], stored["article_number"]) == ("4", "30")
    assert stored["affiliations"] == [GUT.affiliation]
    assert search(db, "bacteria") == [ENTRY.id]  # keywords are searched too
    index = load_index(db, Settings())
    for text in (
        "Microbiome volume 4, Article number: 30 (2016)",
        "Cornell researchers found less diverse gut bacteria",
    ):
        assert [m.atlas_id for m in index.match(text)] == [ENTRY.id], text


def test_learned_keywords_stay_searchable_after_an_atlas_import(
    db: Database,
) -> None:
    upsert_entries(db, [ENTRY])
    store_entry_metadata(db, ENTRY.id, {"keywords": ["lipopolysaccharide"]})
    upsert_entries(db, [ENTRY.model_copy(update={"summary": "A new summary."})])
    assert search(db, "lipopolysaccharide") == [ENTRY.id]


def test_the_atlas_own_fields_win_and_an_import_erases_nothing(db: Database) -> None:
    upsert_entries(db, [ENTRY.model_copy(update={"volume": "5"})])
    assert store_entry_metadata(db, ENTRY.id, {"volume": "4", "article_number": "30"})
    upsert_entries(db, [ENTRY.model_copy(update={"volume": "5"})])
    (entry,) = iter_enriched_entries(db)
    assert (entry.volume, entry.article_number) == ("5", "30")


def test_nothing_is_stored_for_an_unknown_entry_or_empty_fields(
    db: Database,
) -> None:
    upsert_entries(db, [ENTRY])
    assert not store_entry_metadata(db, "no-such-2020-entry", {"volume": "4"})
    assert not store_entry_metadata(db, ENTRY.id, {"volume": None, "keywords": []})
    assert entry_metadata(db) == {}
