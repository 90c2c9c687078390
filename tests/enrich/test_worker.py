"""One enrichment pass over the log and the atlas, through the real clients and fakes."""

from __future__ import annotations

import threading

import pytest

from bot.enrich.clients import MetadataClients
from bot.enrich.worker import EnrichSummary, enrich, entries_to_check, run_forever
from records.atlas_store import find_entry_id
from records.db import Database
from records.retractions import retracted_entry_ids, retraction_notice
from records.unmatched import get_paper
from tests.enrich.fakes import FakeClock, FakeServices
from tests.unmatched.helpers import add_entry, mention


def paper(db: Database, key: str) -> dict[str, object]:
    found = get_paper(db, key).paper
    return {
        "status": found.status,
        "enrich_status": found.enrich_status,
        "attempts": found.enrich_attempts,
        "atlas_id": found.atlas_id,
        **found.metadata,
    }


def test_a_doi_paper_gets_title_authors_crosswalk_and_open_access_link(
    db: Database, clients: MetadataClients
) -> None:
    mention(db, "doi", "10.1000/pmc.article")
    summary = enrich(db, clients)
    assert (summary.enriched, summary.failed) == (1, 0)
    found = paper(db, "doi:10.1000/pmc.article")
    assert found["enrich_status"] == "done"
    assert found["title"] == "Brain regional changes in ME/CFS"
    assert found["authors"] == ["Lee, Jin"]
    assert (found["year"], found["journal"]) == (2024, "Journal of Tests")
    assert found["identifiers"] == {"doi": "10.1000/pmc.article", "pmid": "111", "pmcid": "PMC9001"}
    assert found["open_access_url"] == "https://europepmc.org/articles/PMC9001"
    assert found["retracted"] is False


@pytest.mark.parametrize(
    ("kind", "value", "doi"),
    [
        ("pmid", "222", "10.1000/pubmed.only"),  # not in PMC: E-utilities gives the DOI
        ("pmcid", "PMC9001", "10.1000/pmc.article"),  # the ID converter gives it
    ],
)
def test_identifiers_crosswalk_to_a_doi(
    db: Database, clients: MetadataClients, kind: str, value: str, doi: str
) -> None:
    mention(db, kind, value)
    enrich(db, clients)
    found = paper(db, f"{kind}:{value}")
    assert found["enrich_status"] == "done"
    assert found["doi"] == doi
    assert found[kind] == value


def test_a_retracted_unmatched_paper_is_marked_retracted(
    db: Database, clients: MetadataClients
) -> None:
    mention(db, "pmid", "333")
    enrich(db, clients)
    found = paper(db, "pmid:333")
    assert found["retracted"] is True
    assert {n["kind"] for n in found["notices"]} == {"retraction"}  # type: ignore[attr-defined]


def test_a_title_is_matched_only_when_close_enough(db: Database, clients: MetadataClients) -> None:
    mention(db, "title", "exercise and post-exertional malaise")
    mention(db, "title", "exercise", message_id="m2")
    summary = enrich(db, clients)
    assert paper(db, "title:exercise and post-exertional malaise")["doi"] == "10.1000/pubmed.only"
    assert paper(db, "title:exercise")["enrich_status"] == "not_found"
    assert (summary.enriched, summary.not_found) == (1, 1)


def test_author_year_citations_are_skipped(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    mention(db, "author_year", "lee 2024")
    summary = enrich(db, clients)
    assert summary.skipped == 1
    assert paper(db, "author_year:lee 2024")["enrich_status"] == "skipped"
    assert services.requests == []


def test_an_unknown_doi_is_not_found_not_failed(db: Database, clients: MetadataClients) -> None:
    mention(db, "doi", "10.1000/nobody.knows")
    summary = enrich(db, clients)
    assert (summary.not_found, summary.failed) == (1, 0)
    assert paper(db, "doi:10.1000/nobody.knows")["enrich_status"] == "not_found"


@pytest.mark.parametrize("failure", ["timeout", "503", "malformed"])
def test_a_failing_service_leaves_the_paper_pending_with_what_was_found(
    db: Database, clients: MetadataClients, services: FakeServices, failure: str
) -> None:
    mention(db, "doi", "10.1000/pubmed.only")
    services.fail("crossref", failure, times=1 if failure == "malformed" else 3)  # > retries
    summary = enrich(db, clients)
    assert (summary.failed, summary.enriched) == (1, 0)
    found = paper(db, "doi:10.1000/pubmed.only")
    assert (found["enrich_status"], found["attempts"]) == ("pending", 1)
    assert found["pmid"] == "222"  # Europe PMC still answered
    assert get_paper(db, "doi:10.1000/pubmed.only").paper.enrich_error.startswith("crossref:")  # type: ignore[union-attr]

    second = enrich(db, clients)  # the service is back
    assert second.enriched == 1
    assert paper(db, "doi:10.1000/pubmed.only")["enrich_status"] == "done"


def test_a_429_is_waited_out_as_the_service_asks(
    db: Database, clients: MetadataClients, services: FakeServices, clock: FakeClock
) -> None:
    mention(db, "doi", "10.1000/pubmed.only")
    services.fail("crossref", "429")
    summary = enrich(db, clients)
    assert summary.enriched == 1
    assert 7.0 in clock.sleeps
    assert services.count("crossref") == 2


def test_ncbi_requests_are_spaced_three_a_second_without_a_key(
    db: Database, clients: MetadataClients, services: FakeServices, clock: FakeClock
) -> None:
    for i, pmid in enumerate(("111", "222", "333")):
        mention(db, "pmid", pmid, message_id=f"m{i}")
    enrich(db, clients, plan=None)
    ncbi = [r for r in services.requests if services.service_of(r) in ("idconv", "eutils")]
    assert len(ncbi) >= 6
    assert all(r.url.params["tool"] == "evidence-bot" for r in ncbi)
    assert clock.now - 1000.0 >= (len(ncbi) - 1) / 3


def test_a_paper_in_the_atlas_under_another_identifier_gets_an_alias(
    db: Database, clients: MetadataClients
) -> None:
    add_entry(db, "roe-2024-exercise-malaise", doi="10.1000/pubmed.only")
    mention(db, "pmid", "222")
    summary = enrich(db, clients)
    assert summary.resolved == 1
    found = paper(db, "pmid:222")
    assert (found["status"], found["atlas_id"]) == ("resolved", "roe-2024-exercise-malaise")
    assert find_entry_id(db, "pmid", "222") == "roe-2024-exercise-malaise"


def test_repeated_look_ups_come_from_the_cache(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    mention(db, "doi", "10.1000/pmc.article")
    enrich(db, clients)
    asked = len(services.requests)
    db.execute("UPDATE unmatched_papers SET enrich_status = 'pending'")
    enrich(db, clients)
    assert len(services.requests) == asked


def test_atlas_entries_get_retractions_the_atlas_does_not_show(
    db: Database, clients: MetadataClients
) -> None:
    add_entry(db, "bad-2024-trial", doi="10.1000/retracted", pmid="333")
    add_entry(db, "good-2024-brain", doi="10.1000/pmc.article")
    # Only Crossref knows the book's correction: its title confirms it is this entry.
    add_entry(db, "book-2024-chapter", doi="10.1000/crossref.only", title="A book chapter")
    summary = enrich(db, clients)
    assert (summary.entries_checked, summary.entries_failed) == (3, 0)
    assert retracted_entry_ids(db) == {"bad-2024-trial"}
    notice = retraction_notice(db, "bad-2024-trial")
    assert notice is not None
    assert notice.warning == "Retracted (notice: doi 10.1000/retracted.retraction, 2025-03-04)"
    correction = retraction_notice(db, "book-2024-chapter")
    assert correction is not None
    assert correction.kind == "correction"
    assert retraction_notice(db, "good-2024-brain") is None
    assert entries_to_check(db) == []  # checked: not again until the recheck period passes


def test_a_failed_entry_check_is_retried_next_pass(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    add_entry(db, "bad-2024-trial", doi="10.1000/retracted", pmid="333")
    services.fail("europepmc", "503", times=3)
    services.fail("crossref", "503", times=3)
    first = enrich(db, clients)
    assert (first.entries_checked, first.entries_failed) == (1, 1)
    assert [e.id for e in entries_to_check(db)] == ["bad-2024-trial"]
    second = enrich(db, clients)
    assert second.entries_failed == 0
    assert retracted_entry_ids(db) == {"bad-2024-trial"}


def test_the_loop_runs_passes_until_stopped(db: Database, clients: MetadataClients) -> None:
    mention(db, "doi", "10.1000/pmc.article")
    stop = threading.Event()
    seen: list[EnrichSummary] = []

    def after_pass(summary: EnrichSummary) -> None:
        seen.append(summary)
        if len(seen) == 2:
            stop.set()

    passes = run_forever(db, clients, interval_seconds=0.01, stop=stop, on_pass=after_pass)
    assert passes == 2
    assert [s.enriched for s in seen] == [1, 0]


def test_the_summary_line_reports_every_count() -> None:
    summary = EnrichSummary(enriched=2, not_found=1, failed=1, resolved=1, entries_checked=4,
                            notices_found=1)  # fmt: skip
    assert summary.line() == (
        "enrich: 4 papers (2 enriched, 1 not found, 1 failed and left pending, 0 skipped; "
        "1 now in the atlas); 4 atlas entries checked (0 failed), 1 new notice"
    )
