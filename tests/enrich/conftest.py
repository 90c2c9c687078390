"""Fixtures for the enrichment tests: fake services, a fake clock, clients wired to both."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from bot.enrich.clients import MetadataClients, build_clients
from bot.http.limits import RetryPolicy
from records.db import Database
from tests.enrich.fakes import FakeClock, FakePaper, FakeServices, settings_for

ROOT = "https://fake.test"


@pytest.fixture
def papers() -> list[FakePaper]:
    """A PMC article, a PubMed-only article, a retracted one and one only Crossref knows."""
    return [
        FakePaper(doi="10.1000/pmc.article", title="Brain regional changes in ME/CFS",
                  pmid="111", pmcid="PMC9001", open_access=True),
        FakePaper(doi="10.1000/pubmed.only", title="Exercise and post-exertional malaise",
                  pmid="222", authors=[("Roe", "Rita"), ("Poe", "Paul")]),
        FakePaper(doi="10.1000/retracted", title="A retracted trial of something", pmid="333",
                  retracted=True),
        FakePaper(doi="10.1000/crossref.only", title="A book chapter", corrected=True),
    ]  # fmt: skip


@pytest.fixture
def services(papers: list[FakePaper]) -> FakeServices:
    return FakeServices(papers)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def clients(services: FakeServices, clock: FakeClock, db: Database) -> Iterator[MetadataClients]:
    """The real clients and polite transports over the fakes, with the response cache."""
    built = clients_over(services.handler, db, clock, max_retries=2)
    yield built
    built.close()


def clients_over(
    handler: Callable[[httpx.Request], httpx.Response],
    db: Database,
    clock: FakeClock,
    *,
    max_retries: int,
) -> MetadataClients:
    """The real clients and polite transports over a mock `handler`, on the fake clock."""
    return build_clients(
        settings_for(ROOT),
        db,
        transport_factory=lambda: httpx.MockTransport(handler),
        clock=clock,
        sleep=clock.sleep,
        retry=RetryPolicy(max_retries=max_retries, base_delay=1.0, jitter=lambda low, high: high),
    )
