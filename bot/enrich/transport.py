"""Moved to `bot.http.transport` and `bot.http.redaction` (one polite HTTP stack); kept so
work begun before the move still imports. New code imports from `bot.http`."""

from bot.http.redaction import RedactingFilter, install_redaction, redact_url
from bot.http.transport import (
    CACHE_HEADER,
    CachedResponse,
    PoliteTransport,
    ResponseCache,
    SqliteResponseCache,
)

__all__ = [
    "CACHE_HEADER",
    "CachedResponse",
    "PoliteTransport",
    "RedactingFilter",
    "ResponseCache",
    "SqliteResponseCache",
    "install_redaction",
    "redact_url",
]
