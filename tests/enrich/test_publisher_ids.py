"""Publisher ids that carry no DOI: the enricher learns them, offline matching uses them.

A fake Crossref answers the way api.crossref.org does (a `work` message for `/works/{doi}`,
a `work-list` for `/works?filter=alternative-id:…`, with `alternative-id` and
`resource.primary.URL` as Elsevier and MDPI deposit them) and publishers' article pages carry
`citation_doi` meta tags, all through httpx.MockTransport.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote

import httpx
import pytest

from bot.enrich.clients import MetadataClients
from bot.enrich.worker import EnrichSummary, check_entry, enrich, entries_to_check
from bot.metadata.landing import doi_in_page
from linker import AtlasIndex
from records.atlas_store import iter_aliases, iter_entries
from records.db import Database
from records.unmatched import get_paper
from tests.enrich.conftest import clients_over
from tests.enrich.fakes import FakeClock, FakeServices
from tests.unmatched.helpers import add_entry, mention

ROOT = "https://fake.test"
CELL_DOI = "10.1016/j.cell.2021.01.001"
CELL_PII = "S0092867421000011"
IJMS_DOI = "10.3390/ijms22031234"
BRAIN_DOI = "10.1093/brain/awaa999"


def _work(doi: str, *, alternative: list[str], url: str, issn: list[str]) -> dict[str, Any]:
    """A work record with the fields Crossref returns for journal articles."""
    return {
        "DOI": doi,
        "type": "journal-article",
        "prefix": doi.split("/", maxsplit=1)[0],
        "title": ["A study"],
        "container-title": ["A Journal"],
        "ISSN": issn,
        "alternative-id": alternative,
        "resource": {"primary": {"URL": url}},
        "issued": {"date-parts": [[2021, 2, 1]]},
        "author": [{"given": "Ada", "family": "Okafor", "sequence": "first"}],
    }


WORKS = {
    CELL_DOI: _work(
        CELL_DOI,
        alternative=[CELL_PII],
        url=f"https://linkinghub.elsevier.com/retrieve/pii/{CELL_PII}",
        issn=["0092-8674"],
    ),
    IJMS_DOI: _work(
        IJMS_DOI,
        alternative=["ijms22031234"],
        url="https://www.mdpi.com/1422-0067/22/3/1234",
        issn=["1422-0067"],
    ),
}

PUBLISHED_DOI = "10.1186/s12967-023-04511-2"
PREPRINT_DOI = "10.1101/2022.05.11.22274901"
PREPRINT_TITLE = (
    "IgG autoantibodies against GPCRs in ME/CFS and healthy controls: a multicentre comparison"
)
PUBLISHED_TITLE = "Autoantibodies against G protein-coupled receptors do not distinguish ME/CFS"
WORKS[PUBLISHED_DOI] = {
    **_work(PUBLISHED_DOI, alternative=["4511"], url="https://example.org/a", issn=["1479-5876"]),
    "title": [PUBLISHED_TITLE],
    "relation": {
        "has-preprint": [{"id-type": "doi", "id": PREPRINT_DOI, "asserted-by": "object"}],
        "cites": [],
    },
}
WORKS[PREPRINT_DOI] = {
    **_work(PREPRINT_DOI, alternative=[], url="https://www.medrxiv.org/x", issn=[]),
    "type": "posted-content",
    "subtype": "preprint",
    "title": [PREPRINT_TITLE],
    "relation": {
        "is-preprint-of": [{"id-type": "doi", "id": PUBLISHED_DOI, "asserted-by": "subject"}]
    },
}

PAGES = {
    "/1422-0067/22/3/1234": f'<html><head><meta name="citation_doi" content="{IJMS_DOI}">'
    "<title>IJMS</title></head><body>...</body></html>",
    "/brain/article/144/2/401/6045323": "<html><head>"
    '<meta name="citation_title" content="A brain study">'
    f'<meta name="citation_doi" content="{BRAIN_DOI}"></head></html>',
    "/brain/article/144/2/999/6045999": "<html><head><title>Not found</title></head></html>",
}


class Publishers:
    """Crossref (work and filter look-ups) and publishers' article pages; other services
    answer through the shared fakes, which know no paper here."""

    def __init__(self) -> None:
        self.others = FakeServices([])
        self.requests: list[httpx.Request] = []
        self.page_status = 200

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        host, path = request.url.host, request.url.path
        if host != "fake.test":
            page = PAGES.get(path)
            if self.page_status != 200:
                return httpx.Response(self.page_status, text="unavailable")
            if page is None:
                return httpx.Response(404, text="<html>Page not found</html>")
            return httpx.Response(200, text=page, headers={"content-type": "text/html"})
        if path.startswith("/crossref/works"):
            return self._crossref(request)
        return self.others.handler(request)

    def _crossref(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path.endswith("/works"):
            wanted = request.url.params["filter"].removeprefix("alternative-id:")
            items = [w for w in WORKS.values() if wanted in w["alternative-id"]]
            message = {
                "facets": {},
                "total-results": len(items),
                "items": items,
                "items-per-page": 2,
                "query": {"start-index": 0, "search-terms": None},
            }
            return httpx.Response(
                200,
                json={
                    "status": "ok",
                    "message-type": "work-list",
                    "message-version": "1.0.0",
                    "message": message,
                },
            )
        doi = unquote(path.split("/works/", 1)[1]).lower()
        work = WORKS.get(doi)
        if work is None:
            return httpx.Response(404, text="Resource not found.")
        return httpx.Response(
            200,
            json={
                "status": "ok",
                "message-type": "work",
                "message-version": "1.0.0",
                "message": work,
            },
        )

    def count(self, host: str) -> int:
        return sum(1 for r in self.requests if r.url.host == host)


@pytest.fixture
def publishers() -> Publishers:
    return Publishers()


@pytest.fixture
def pub_clients(publishers: Publishers, db: Database) -> Iterator[MetadataClients]:
    built = clients_over(publishers.handler, db, FakeClock(), max_retries=1)
    yield built
    built.close()


def _index(db: Database) -> AtlasIndex:
    return AtlasIndex.build(iter_entries(db), iter_aliases(db))


def test_an_unknown_pii_is_resolved_through_crossref_and_the_next_mention_matches(
    db: Database, pub_clients: MetadataClients
) -> None:
    # Crossref alone names the DOI: the alias needs the entry's title to agree (issue 17).
    add_entry(db, "okafor-2021-cell-study", doi=CELL_DOI, title="A study")
    link = f"https://www.sciencedirect.com/science/article/pii/{CELL_PII}"
    (before,) = _index(db).match(link)
    assert (before.entry, before.reference.key) == (None, f"publisher_id:pii:{CELL_PII}")
    mention(db, "publisher_id", f"pii:{CELL_PII}")
    summary = enrich(db, pub_clients)
    assert summary.resolved == 1
    paper = get_paper(db, f"publisher_id:pii:{CELL_PII}").paper
    assert (paper.status, paper.atlas_id) == ("resolved", "okafor-2021-cell-study")
    assert [m.atlas_id for m in _index(db).match(f"see {link} (Cell)")] == [
        "okafor-2021-cell-study"
    ]


def test_an_mdpi_path_is_resolved_from_the_page_citation_doi(
    db: Database, pub_clients: MetadataClients, publishers: Publishers
) -> None:
    add_entry(db, "nunez-2021-ijms-review", doi=IJMS_DOI)
    mention(db, "publisher_id", "mdpi:1422-0067/22/3/1234")
    enrich(db, pub_clients)
    assert publishers.count("www.mdpi.com") == 1
    assert get_paper(db, "publisher_id:mdpi:1422-0067/22/3/1234").paper.atlas_id == (
        "nunez-2021-ijms-review"
    )
    link = "[review](https://www.mdpi.com/1422-0067/22/3/1234/htm)"
    assert [m.atlas_id for m in _index(db).match(link)] == ["nunez-2021-ijms-review"]


def test_a_resolved_id_of_a_paper_the_atlas_lacks_keeps_its_doi_for_curators(
    db: Database, pub_clients: MetadataClients
) -> None:
    mention(db, "publisher_id", "oup:brain/144/2/401/6045323")
    summary = enrich(db, pub_clients)
    paper = get_paper(db, "publisher_id:oup:brain/144/2/401/6045323").paper
    assert (summary.resolved, paper.status, paper.enrich_status) == (0, "pending", "done")
    assert (paper.atlas_id, paper.metadata["doi"]) == (None, BRAIN_DOI)
    assert paper.metadata["identifiers"] == {"doi": BRAIN_DOI}


def test_a_page_without_citation_doi_is_not_found_and_a_failing_page_stays_pending(
    db: Database, pub_clients: MetadataClients, publishers: Publishers
) -> None:
    mention(db, "publisher_id", "oup:brain/144/2/999/6045999")
    enrich(db, pub_clients)
    assert get_paper(db, "publisher_id:oup:brain/144/2/999/6045999").paper.enrich_status == (
        "not_found"
    )
    publishers.page_status = 503
    mention(db, "publisher_id", "mdpi:1422-0067/22/3/1234", message_id="m2")
    summary = enrich(db, pub_clients)
    paper = get_paper(db, "publisher_id:mdpi:1422-0067/22/3/1234").paper
    assert (summary.failed, paper.enrich_status, paper.enrich_attempts) == (1, "pending", 1)
    assert "landing-page: HTTP 503" in (paper.enrich_error or "")


def test_atlas_entries_learn_their_publisher_ids_from_crossref(
    db: Database, pub_clients: MetadataClients
) -> None:
    add_entry(db, "okafor-2021-cell-study", doi=CELL_DOI)
    add_entry(db, "nunez-2021-ijms-review", doi=IJMS_DOI)
    summary = EnrichSummary()
    for entry in entries_to_check(db):
        check_entry(db, pub_clients, entry, summary)
    assert sorted(a for a in iter_aliases(db)) == [
        ("publisher_id", "mdpi:1422-0067/22/3/1234", "nunez-2021-ijms-review"),
        ("publisher_id", f"pii:{CELL_PII}", "okafor-2021-cell-study"),
    ]
    posts = {
        "https://www.cell.com/cell/fulltext/S0092-8674(21)00001-1": "okafor-2021-cell-study",
        "mdpi.com/1422-0067/22/3/1234/pdf": "nunez-2021-ijms-review",
    }
    index = _index(db)
    assert {text: [m.atlas_id for m in index.match(text)] for text in posts} == {
        text: [slug] for text, slug in posts.items()
    }


def test_repeated_pii_look_ups_come_from_the_cache(
    db: Database, pub_clients: MetadataClients, publishers: Publishers
) -> None:
    first = pub_clients.crossref.by_alternative_id(CELL_PII)
    second = pub_clients.crossref.by_alternative_id(CELL_PII)
    assert [w.doi for w in first] == [w.doi for w in second] == [CELL_DOI]
    assert publishers.count("fake.test") == 1


@pytest.mark.parametrize(
    ("html", "doi"),
    [
        ('<meta name="citation_doi" content="10.3390/IJMS22031234">', IJMS_DOI),
        ('<meta name="citation_doi" content="doi:10.3390/ijms22031234"/>', IJMS_DOI),
        ('<meta name="dc.identifier" content="https://doi.org/10.3390/ijms22031234">', IJMS_DOI),
        ('<META NAME="Citation_DOI" CONTENT="10.3390/ijms22031234">', IJMS_DOI),
        ('<meta name="citation_isbn" content="978-3-16-148410-0">', None),
        ('<meta name="dc.identifier" content="ISSN 1422-0067">', None),
        ("<p>doi: 10.3390/ijms22031234 in the body is not a declaration</p>", None),
    ],
)
def test_the_page_doi_comes_from_its_meta_tags_only(html: str, doi: str | None) -> None:
    assert doi_in_page(f"<html><head>{html}</head><body></body></html>") == doi


@pytest.mark.parametrize(
    ("atlas_doi", "other_doi", "other_title"),
    [
        pytest.param(PUBLISHED_DOI, PREPRINT_DOI, PREPRINT_TITLE, id="atlas holds the paper"),
        pytest.param(PREPRINT_DOI, PUBLISHED_DOI, PUBLISHED_TITLE, id="atlas holds the preprint"),
    ],
)
def test_an_entry_learns_its_other_version_by_doi_and_title(
    db: Database,
    pub_clients: MetadataClients,
    atlas_doi: str,
    other_doi: str,
    other_title: str,
) -> None:
    add_entry(db, "delacroix-2023-gpcr", doi=atlas_doi, title="Atlas title of the study")
    summary = EnrichSummary()
    for entry in entries_to_check(db):
        check_entry(db, pub_clients, entry, summary)
    assert summary.entries_failed == 0
    assert sorted(iter_aliases(db)) == sorted(
        [("doi", other_doi, "delacroix-2023-gpcr"), ("title", other_title, "delacroix-2023-gpcr")]
    )
    index = _index(db)
    for post in (f"the other version: {other_title}", f"https://doi.org/{other_doi}"):
        assert [m.atlas_id for m in index.match(post)] == ["delacroix-2023-gpcr"]


def test_a_version_that_is_an_atlas_entry_of_its_own_is_not_aliased(
    db: Database, pub_clients: MetadataClients
) -> None:
    add_entry(db, "delacroix-2023-gpcr", doi=PUBLISHED_DOI, title=PUBLISHED_TITLE)
    add_entry(db, "delacroix-2022-gpcr-preprint", doi=PREPRINT_DOI, title=PREPRINT_TITLE)
    summary = EnrichSummary()
    for entry in entries_to_check(db):
        check_entry(db, pub_clients, entry, summary)
    assert [a for a in iter_aliases(db) if a[0] in ("doi", "title")] == []
