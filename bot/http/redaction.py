"""Keeping secrets out of logs, cache keys and error messages.

An address can carry a secret in three places, and every URL the HTTP stack logs (httpx's
request line, the retry and give-up lines) is scrubbed of all three:

- the userinfo (`https://user:password@host/`, RFC 3986 section 3.2.1);
- the path: a Discord webhook's or interaction's token is its last segment
  (`/api/webhooks/{id}/{token}`, discord-api-docs docs/resources/Webhook.md);
- the query: `api_key` (NCBI E-utilities), `token`, `access_token` and their kin.

Known secret values (the settings' SecretStr fields) are scrubbed from every log line too,
and `mask_tokens` hides token-shaped runs in a platform's error text (a server may echo a
token back) or an exception's message (`exception_summary`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_URL_LOGGERS = ("httpx", "httpcore", "bot.http.transport", "bot.enrich.worker", "bot.sync")
SECRET_PARAM_NAMES = frozenset(
    {
        "api_key",
        "apikey",
        "api-key",
        "key",
        "token",
        "access_token",
        "refresh_token",
        "client_secret",
        "secret",
        "password",
        "passwd",
        "sig",
        "signature",
    }
)
_NAMES = "|".join(re.escape(name) for name in sorted(SECRET_PARAM_NAMES))
# Characters that end an address inside a log line (httpx quotes the status after it).
_END = r"\s\"'<>"
_SECRET_PARAMS = re.compile(rf"(?P<keep>[?&;](?:{_NAMES})=)[^&#;{_END}]*", re.IGNORECASE)
# Greedy up to the last `@` before the path: a password may hold an unescaped `@`.
_USERINFO = re.compile(rf"(?P<keep>\b[a-z][a-z0-9+.-]*://)[^/?#{_END}]+@", re.IGNORECASE)
_PATH_TOKENS = re.compile(rf"(?P<keep>/(?:webhooks|interactions)/[^/?#{_END}]+/)[^/?#{_END}]+")
# A run of 25+ token characters holding a lower-case letter and a digit: a secret's shape,
# unlike field paths (`embeds.0.description`) and error codes (`BASE_TYPE_MAX_LENGTH`).
_TOKEN_LIKE = re.compile(r"(?=[\w-]*[a-z])(?=[\w-]*\d)[\w-]{25,}")
SUMMARY_LIMIT = 300


def redact_url(url: str) -> str:
    """`url` (or any text holding addresses) with every secret part replaced by `***`."""
    url = _USERINFO.sub(r"\g<keep>***@", url)
    url = _PATH_TOKENS.sub(r"\g<keep>***", url)
    return _SECRET_PARAMS.sub(r"\g<keep>***", url)


def mask_tokens(text: str) -> str:
    """`text` with token-like runs replaced by `…`."""
    return _TOKEN_LIKE.sub("…", text)


def exception_summary(exc: BaseException) -> str:
    """`KeyError: 'id'`: the exception's type and (shortened, masked) message, for the log."""
    return mask_tokens(f"{type(exc).__name__}: {str(exc)[:SUMMARY_LIMIT]}")


class RedactingFilter(logging.Filter):
    """Scrub secrets from log records (httpx logs every request URL at INFO level)."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = frozenset(s for s in secrets if s)

    def _scrub(self, text: str) -> str:
        # Whole values first: a secret address redacted piecemeal would no longer match.
        for secret in sorted(self.secrets, key=len, reverse=True):
            text = text.replace(secret, "***")
        return redact_url(text)

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message in place; never drop it."""
        record.msg = self._scrub(record.getMessage())
        record.args = None
        return True


def install_redaction(secrets: Iterable[str]) -> RedactingFilter:
    """Scrub secrets from what httpx and the bot log, and from the root log handlers.

    A logger's filters do not apply to its children's records, so the loggers that print
    URLs are named one by one; the root handlers catch anything else that propagates.
    Calling it again replaces the filter installed before, keeping the secrets it knew.
    """
    loggers = [logging.getLogger(name) for name in _URL_LOGGERS]
    targets = [*loggers, *logging.getLogger().handlers]
    known: set[str] = set(secrets)
    for target in targets:
        for old in [f for f in target.filters if isinstance(f, RedactingFilter)]:
            known |= old.secrets
            target.removeFilter(old)
    redactor = RedactingFilter(known)
    for target in targets:
        target.addFilter(redactor)
    return redactor
