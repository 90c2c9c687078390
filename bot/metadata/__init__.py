"""Clients for public metadata services: Crossref, the NCBI ID converter and E-utilities,
Europe PMC.

Each client builds requests on an `httpx.Client` handed in by the caller and turns answers into
`PaperMetadata`. Politeness (rate limits, retries, caching) belongs to that client's transport,
so these classes stay small and tests drive them through `httpx.MockTransport`.
"""

from bot.errors import MetadataServiceError
from bot.metadata.crossref import CrossrefClient
from bot.metadata.europepmc import EuropePmcClient
from bot.metadata.landing import LandingPageClient
from bot.metadata.models import IdRecord, Notice, NoticeKind, PaperMetadata, merge_metadata
from bot.metadata.ncbi import EUtilsClient, NcbiIdConverter

__all__ = [
    "CrossrefClient",
    "EUtilsClient",
    "EuropePmcClient",
    "IdRecord",
    "LandingPageClient",
    "MetadataServiceError",
    "NcbiIdConverter",
    "Notice",
    "NoticeKind",
    "PaperMetadata",
    "merge_metadata",
]
