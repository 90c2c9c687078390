"""Moved to `bot.http.limits` (one polite HTTP stack); kept so work begun before the move
still imports. New code imports `bot.http.limits`."""

from bot.http.limits import (
    CROSSREF_RATE,
    EUROPEPMC_RATE,
    NCBI_RATE,
    NCBI_RATE_WITH_KEY,
    Clock,
    HostSpacing,
    RateLimiter,
    RetryPolicy,
    Sleep,
    parse_retry_after,
)

__all__ = [
    "CROSSREF_RATE",
    "EUROPEPMC_RATE",
    "NCBI_RATE",
    "NCBI_RATE_WITH_KEY",
    "Clock",
    "HostSpacing",
    "RateLimiter",
    "RetryPolicy",
    "Sleep",
    "parse_retry_after",
]
