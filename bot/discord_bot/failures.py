"""What a failed Discord request says, in one line fit for the log and the mod log.

Discord's JSON error bodies carry `code` and `message`, and for an invalid form (50035) an
`errors` object naming each rejected field, nested by path, with `_errors` lists of
`{code, message}` at the leaves (https://discord.com/developers/docs/reference#error-messages).
discord.py reads such a body only when the Content-Type is exactly `application/json`: it
then folds the field errors into `text` as lines `In <path>: <message>`. A Discord-compatible
server answering `application/json; charset=utf-8` gets its body kept as raw text, code 0,
so the body is read here as JSON again. Token-like strings are masked (`mask_tokens`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any

import discord

from bot.http.redaction import exception_summary as exception_summary  # noqa: PLC0414
from bot.http.redaction import mask_tokens

MESSAGE_LIMIT = 300
FIELDS_LIMIT = 1000
# Discord's codes for a channel or message that no longer exists
# (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json).
GONE_CODES = frozenset({10003, 10008})


@dataclass(frozen=True)
class ErrorBody:
    """Discord's error code (0: none given), its message and the rejected fields."""

    code: int = 0
    message: str = ""
    fields: list[str] = field(default_factory=list)  # "path: message", one per field


def error_body(exc: discord.HTTPException) -> ErrorBody:
    """The error body of a failed request, however discord.py received it."""
    if exc.code:
        first, *rest = exc.text.split("\n")
        fields = [line.removeprefix("In ").strip() for line in rest if line.startswith("In ")]
        return ErrorBody(exc.code, first.strip(), fields)
    try:
        raw = json.loads(exc.text) if exc.text.lstrip().startswith("{") else None
    except ValueError:
        raw = None
    if not isinstance(raw, dict):
        return ErrorBody(message=" ".join(exc.text.split()))
    code = raw.get("code")
    errors = raw.get("errors")
    if not isinstance(code, int):
        # No code: an older or compatible server's body that is only the field errors.
        return ErrorBody(0, "", _flatten({k: v for k, v in raw.items() if k != "message"}))
    return ErrorBody(code, str(raw.get("message") or ""), _flatten(errors))


def _flatten(errors: Any, path: str = "") -> list[str]:
    """`{"embeds": {"0": {"description": {"_errors": [...]}}}}` → `embeds.0.description: …`."""
    if isinstance(errors, dict):
        found: list[str] = []
        for key, value in errors.items():
            if key == "_errors":
                found.append(f"{path or 'body'}: {_messages(value)}")
            else:
                found.extend(_flatten(value, f"{path}.{key}" if path else str(key)))
        return found
    if errors is None:
        return []
    return [f"{path or 'body'}: {_messages(errors)}"]


def _messages(value: Any) -> str:
    items = value if isinstance(value, list) else [value]
    texts = [
        str(item.get("message") or item.get("code") or "") if isinstance(item, dict) else str(item)
        for item in items
    ]
    return " ".join(text for text in texts if text)


def describe_failure(exc: BaseException) -> str:
    """A short reason: `HTTP 403, Discord error 50013: Missing Permissions`, then each rejected
    field (`; embeds.0.description: Must be 4096 or fewer in length.`), or the network error."""
    if not isinstance(exc, discord.HTTPException):
        return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    body = error_body(exc)
    text = f"HTTP {exc.status}"
    if body.code:
        text += f", Discord error {body.code}"
    if body.message and not _restates_status(body.message, exc.status):
        text += f": {body.message[:MESSAGE_LIMIT]}"
    if body.fields:
        text += "; " + "; ".join(body.fields)[:FIELDS_LIMIT]
    return mask_tokens(text)


def _restates_status(message: str, status: int) -> bool:
    """Whether a plain-text body only repeats the status (`503: Service Unavailable`)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return False
    rest = message.removeprefix(str(status)).strip(" :")
    return rest.casefold() in {"", phrase.casefold()}


def refused_for_good(exc: BaseException) -> bool:
    """A 4xx other than 429: Discord will refuse the same reply again."""
    return isinstance(exc, discord.HTTPException) and 400 <= exc.status < 500 and exc.status != 429


def target_gone(exc: BaseException) -> bool:
    """Whether Discord refused because the channel or the message answered is gone: a 404, an
    Unknown Channel/Message code, or a rejected `message_reference` (replying to a message
    deleted meanwhile answers 400 with `message_reference: Unknown message`)."""
    if not isinstance(exc, discord.HTTPException):
        return False
    body = error_body(exc)
    return (
        exc.status == 404
        or body.code in GONE_CODES
        or any(f.startswith("message_reference") for f in body.fields)
    )
