"""Keeping secrets (the NCBI api_key, tokens) out of logs, cache keys and error messages."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_URL_LOGGERS = ("httpx", "httpcore", "bot.http.transport", "bot.enrich.worker", "bot.sync")
SECRET_PARAM_NAMES = frozenset({"api_key", "apikey", "key", "token", "access_token"})
_SECRET_PARAMS = re.compile(
    r"(?P<name>[?&](?:api_key|apikey|key|token|access_token)=)[^&#\s]*", re.IGNORECASE
)


def redact_url(url: str) -> str:
    """The URL with secret query parameters (api_key, token...) replaced by `***`."""
    return _SECRET_PARAMS.sub(r"\g<name>***", url)


class RedactingFilter(logging.Filter):
    """Scrub secrets from log records (httpx logs every request URL at INFO level)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def _scrub(self, text: str) -> str:
        text = redact_url(text)
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drop it."""
        record.msg = self._scrub(record.getMessage())
        record.args = None
        return True


def install_redaction(secrets: Iterable[str]) -> RedactingFilter:
    """Scrub secrets from what httpx and the bot log, and from the root log handlers.

    A logger's filters do not apply to its children's records, so the loggers that print
    URLs are named one by one; the root handlers catch anything else that propagates.
    Calling it again replaces the filter installed before.
    """
    redactor = RedactingFilter(secrets)
    loggers = [logging.getLogger(name) for name in _URL_LOGGERS]
    for target in [*loggers, *logging.getLogger().handlers]:
        for old in [f for f in target.filters if isinstance(f, RedactingFilter)]:
            target.removeFilter(old)
        target.addFilter(redactor)
    return redactor
