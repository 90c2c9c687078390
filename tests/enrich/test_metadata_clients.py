"""bot.metadata clients against fake services through httpx.MockTransport."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bot.metadata import (
    CrossrefClient,
    EuropePmcClient,
    EUtilsClient,
    MetadataServiceError,
    NcbiIdConverter,
    merge_metadata,
)
from bot.metadata.crossref import parse_work
from tests.enrich.conftest import ROOT
from tests.enrich.fakes import FakeServices


@pytest.fixture
def http(services: FakeServices) -> Iterator[httpx.Client]:
    with httpx.Client(transport=httpx.MockTransport(services.handler)) as client:
        yield client


def crossref(http: httpx.Client) -> CrossrefClient:
    return CrossrefClient(http, base_url=f"{ROOT}/crossref", mailto="curators@example.org")


def idconv(http: httpx.Client) -> NcbiIdConverter:
    return NcbiIdConverter(http, base_url=f"{ROOT}/idconv", email="curators@example.org")


def eutils(http: httpx.Client, api_key: str | None = None) -> EUtilsClient:
    return EUtilsClient(
        http, base_url=f"{ROOT}/eutils", email="curators@example.org", api_key=api_key
    )


def europepmc(http: httpx.Client) -> EuropePmcClient:
    return EuropePmcClient(http, base_url=f"{ROOT}/europepmc", email="curators@example.org")


def test_crossref_work_reads_title_authors_year_journal_and_type(http: httpx.Client) -> None:
    work = crossref(http).work("10.1000/pubmed.only")
    assert work is not None
    assert work.title == "Exercise and post-exertional malaise"  # JATS tags stripped
    assert work.authors == ["Roe, Rita", "Poe, Paul"]
    assert (work.year, work.journal, work.type) == (2024, "Journal of Tests", "journal-article")
    assert work.doi == "10.1000/pubmed.only"
    assert work.notices == []


def test_crossref_sends_the_contact_address_in_the_user_agent(
    http: httpx.Client, services: FakeServices
) -> None:
    crossref(http).work("10.1000/pubmed.only")
    assert services.requests[-1].headers["user-agent"] == (
        "evidence-bot/0.1 (mailto:curators@example.org)"
    )


@pytest.mark.parametrize(
    ("doi", "kind", "notice_doi", "date"),
    [
        ("10.1000/retracted", "retraction", "10.1000/retracted.retraction", "2025-03-04"),
        ("10.1000/crossref.only", "correction", "10.1000/crossref.only.erratum", "2024-09"),
    ],
)
def test_crossref_updated_by_becomes_a_notice(
    http: httpx.Client, doi: str, kind: str, notice_doi: str, date: str
) -> None:
    work = crossref(http).work(doi)
    assert work is not None
    assert [(n.kind, n.notice_doi, n.date) for n in work.notices] == [(kind, notice_doi, date)]
    assert work.retracted is (kind == "retraction")


@pytest.mark.parametrize(
    ("record", "is_notice", "kinds"),
    [
        ({"update-to": [{"DOI": "10.1/x", "type": "retraction"}]}, True, []),
        ({"update-to": [{"DOI": "10.1/x", "type": "new_version"}]}, False, []),
        ({"relation": {"is-retracted-by": [{"id-type": "doi", "id": "10.1/n"}]}}, False,
         ["retraction"]),
        ({"updated-by": [{"DOI": "10.1/n", "type": "expression_of_concern"}]}, False,
         ["expression_of_concern"]),
        ({"updated-by": [{"DOI": "10.1/n", "type": "removal"}]}, False, ["withdrawal"]),
    ],
)  # fmt: skip
def test_crossref_update_and_relation_fields(
    record: dict[str, Any], is_notice: bool, kinds: list[str]
) -> None:
    work = parse_work({"DOI": "10.1000/some.work", "title": ["T"], **record})
    assert work.is_notice is is_notice
    assert [n.kind for n in work.notices] == kinds


def test_idconv_crosswalks_a_pmc_article_and_sends_tool_and_email(
    http: httpx.Client, services: FakeServices
) -> None:
    record = idconv(http).convert("10.1000/pmc.article")
    assert record is not None
    assert (record.doi, record.pmid, record.pmcid) == ("10.1000/pmc.article", "111", "PMC9001")
    params = services.requests[-1].url.params
    assert (params["tool"], params["email"], params["format"]) == (
        "evidence-bot",
        "curators@example.org",
        "json",
    )


def test_idconv_returns_none_for_an_article_outside_pmc(http: httpx.Client) -> None:
    assert idconv(http).convert("10.1000/pubmed.only") is None


def test_eutils_summary_reads_pubmed_and_flags_retracted_publications(http: httpx.Client) -> None:
    summary = eutils(http).summary("333")
    assert summary is not None
    assert (summary.title, summary.doi, summary.pmid) == (
        "A retracted trial of something.",
        "10.1000/retracted",
        "333",
    )
    assert summary.authors == ["Lee J"]
    assert summary.year == 2024
    assert [n.kind for n in summary.notices] == ["retraction"]


def test_eutils_unknown_pmid_is_none(http: httpx.Client) -> None:
    assert eutils(http).summary("999999") is None


def test_eutils_passes_the_api_key(http: httpx.Client, services: FakeServices) -> None:
    eutils(http, api_key="sekret-key").summary("222")
    assert services.requests[-1].url.params["api_key"] == "sekret-key"


@pytest.mark.parametrize(("kind", "value"), [("doi", "10.1000/PMC.article"), ("pmid", "111"),
                                             ("pmcid", "PMC9001")])  # fmt: skip
def test_europepmc_finds_by_each_identifier_with_an_open_access_page(
    http: httpx.Client, kind: str, value: str
) -> None:
    found = europepmc(http).by_identifier(kind, value)
    assert found is not None
    assert (found.pmid, found.pmcid) == ("111", "PMC9001")
    assert found.open_access_url == "https://europepmc.org/articles/PMC9001"  # html before pdf
    assert found.title == "Brain regional changes in ME/CFS"


def test_europepmc_reads_retraction_from_corrections_and_pubtypes(http: httpx.Client) -> None:
    found = europepmc(http).by_identifier("pmid", "333")
    assert found is not None
    assert [(n.kind, n.notice_id) for n in found.notices] == [("retraction", "med:334")]
    assert found.is_notice is False


def test_europepmc_title_search(http: httpx.Client) -> None:
    found = europepmc(http).by_title("exercise and post-exertional")
    assert [f.doi for f in found] == ["10.1000/pubmed.only"]


def test_merge_prefers_earlier_records_and_pools_notices(http: httpx.Client) -> None:
    merged = merge_metadata(
        [crossref(http).work("10.1000/retracted"), europepmc(http).by_identifier("pmid", "333")]
    )
    assert merged is not None
    assert merged.title == "A retracted trial of something"  # Crossref's, without the full stop
    assert merged.pmid == "333"  # only Europe PMC knew it
    assert merged.sources == ["crossref", "europepmc"]
    assert sorted(n.notice_id for n in merged.notices) == [
        "doi:10.1000/retracted.retraction",
        "med:334",
    ]


Call = Callable[[httpx.Client], object]
CALLS: dict[str, Call] = {
    "crossref": lambda h: crossref(h).work("10.1000/pubmed.only"),
    "idconv": lambda h: idconv(h).convert("111"),
    "eutils": lambda h: eutils(h).summary("111"),
    "europepmc": lambda h: europepmc(h).by_identifier("pmid", "111"),
}


@pytest.mark.parametrize("failure", ["timeout", "503", "429", "malformed"])
@pytest.mark.parametrize("service", list(CALLS))
def test_every_failure_becomes_a_metadata_service_error(
    http: httpx.Client, services: FakeServices, service: str, failure: str
) -> None:
    services.fail(service, failure)
    with pytest.raises(MetadataServiceError) as caught:
        CALLS[service](http)
    expected = {"timeout": "ReadTimeout", "503": "HTTP 503", "429": "HTTP 429",
                "malformed": "malformed JSON"}[failure]  # fmt: skip
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("service", "body"),
    [
        ("crossref", {"status": "ok", "message": "not an object"}),
        ("idconv", {"status": "ok", "records": "nope"}),
        ("eutils", {"header": {}}),
        ("europepmc", {"hitCount": 0}),
    ],
)
def test_json_of_the_wrong_shape_is_a_metadata_service_error(service: str, body: object) -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=body))
    with (
        httpx.Client(transport=transport) as h,
        pytest.raises(MetadataServiceError, match="unexpected answer"),
    ):
        CALLS[service](h)


@pytest.mark.parametrize("service", ["crossref", "europepmc"])
def test_not_found_is_none_not_an_error(http: httpx.Client, service: str) -> None:
    calls: dict[str, Call] = {
        "crossref": lambda h: crossref(h).work("10.1000/nobody.knows"),
        "europepmc": lambda h: europepmc(h).by_identifier("doi", "10.1000/nobody.knows"),
    }
    assert calls[service](http) is None
