"""Build the four metadata clients once, in the entry point, each on the polite HTTP stack.

Every answer is capped at 2 MB and every request (connect, headers and body) at a deadline;
redirects are followed within the same service only, so the NCBI api_key never leaves it
(article pages excepted: publishers redirect to their own hosts).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from bot.http.client import RedirectRule, any_host, polite_client, same_host
from bot.http.deadline import network_transport
from bot.http.limits import (
    CROSSREF_RATE,
    EUROPEPMC_RATE,
    LANDING_PAGE_RATE,
    NCBI_RATE,
    NCBI_RATE_WITH_KEY,
    Clock,
    RateLimiter,
    RetryPolicy,
    Sleep,
)
from bot.http.redaction import install_redaction
from bot.http.stack import request_deadline
from bot.http.transport import PoliteTransport, SqliteResponseCache
from bot.metadata import (
    CrossrefClient,
    EuropePmcClient,
    EUtilsClient,
    LandingPageClient,
    NcbiIdConverter,
)
from bot.metadata.crossref import user_agent
from config.settings import EnrichSettings
from records.db import Database

# A metadata record is a few kilobytes; anything near this is not an answer to our question.
MAX_ANSWER_BYTES = 2_000_000


@dataclass
class MetadataClients:
    """The services the enricher asks, and the httpx clients to close afterwards."""

    crossref: CrossrefClient
    idconv: NcbiIdConverter
    eutils: EUtilsClient
    europepmc: EuropePmcClient
    landing: LandingPageClient
    _http: list[httpx.Client] = field(default_factory=list, repr=False)

    def close(self) -> None:
        """Close every connection pool."""
        for client in self._http:
            client.close()


def build_clients(
    settings: EnrichSettings,
    db: Database | None,
    *,
    transport_factory: Callable[[], httpx.BaseTransport] = network_transport,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    retry: RetryPolicy | None = None,
) -> MetadataClients:
    """Clients for Crossref, NCBI (ID converter and E-utilities share one limit), Europe PMC
    and publishers' article pages.

    `db` holds the response cache (None: no cache). Tests pass a MockTransport factory and a
    fake clock and sleep.
    """
    api_key = settings.ncbi_api_key.get_secret_value() if settings.ncbi_api_key else None
    install_redaction([api_key] if api_key else [])
    retry = retry or RetryPolicy(max_retries=settings.max_retries)
    cache = SqliteResponseCache(db) if db is not None else None
    ncbi_limiter = RateLimiter(
        NCBI_RATE_WITH_KEY if api_key else NCBI_RATE, clock=clock, sleep=sleep
    )
    opened: list[httpx.Client] = []

    def http(
        limiter: RateLimiter,
        headers: dict[str, str] | None = None,
        may_redirect: RedirectRule = same_host,
    ) -> httpx.Client:
        transport = PoliteTransport(
            transport_factory(),
            limiter=limiter,
            retry=retry,
            cache=cache,
            sleep=sleep,
            clock=clock,
            max_bytes=MAX_ANSWER_BYTES,
            deadline_seconds=request_deadline(settings.timeout_seconds),
        )
        client = polite_client(
            transport,
            user_agent=user_agent(settings.mailto),
            timeout=settings.timeout_seconds,
            headers=headers,
            may_redirect=may_redirect,
        )
        opened.append(client)
        return client

    ncbi_http = http(ncbi_limiter)
    return MetadataClients(
        crossref=CrossrefClient(
            http(RateLimiter(CROSSREF_RATE, clock=clock, sleep=sleep)),
            base_url=str(settings.crossref_url),
            mailto=settings.mailto,
        ),
        idconv=NcbiIdConverter(
            ncbi_http,
            base_url=str(settings.ncbi_idconv_url),
            email=settings.mailto,
            api_key=api_key,
        ),
        eutils=EUtilsClient(
            ncbi_http,
            base_url=str(settings.ncbi_eutils_url),
            email=settings.mailto,
            api_key=api_key,
        ),
        europepmc=EuropePmcClient(
            http(RateLimiter(EUROPEPMC_RATE, clock=clock, sleep=sleep)),
            base_url=str(settings.europepmc_url),
            email=settings.mailto,
        ),
        # Article links lead through redirects to the publisher's own host; no secret goes there.
        landing=LandingPageClient(
            http(RateLimiter(LANDING_PAGE_RATE, clock=clock, sleep=sleep), may_redirect=any_host)
        ),
        _http=opened,
    )
