"""Readable one-line-per-problem explanations for command-line errors."""

from __future__ import annotations

from pydantic import ValidationError


def explain_validation_error(exc: ValidationError) -> str:
    """One line per bad field, e.g. `  reply.cooldown_hours: Input should be ... (got '-1')`.

    The offending input is shown only for known fields that cannot hold secrets: an unknown
    key may be a misspelt secret (`EVBOT_REDDIT__PASSWD`), so its value is never echoed.
    """
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown setting (misspelt? see .env.example)"
        hidden = error["type"] == "extra_forbidden" or _may_be_secret(where)
        shown = "" if hidden else f" (got {error.get('input')!r})"
        lines.append(f"  {where}: {message}{shown}")
    return "\n".join(lines)


def _may_be_secret(where: str) -> bool:
    lowered = where.lower()
    return any(
        word in lowered for word in ("token", "secret", "password", "key", "salt", "client_id")
    )
