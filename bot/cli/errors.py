"""Readable one-line-per-problem explanations for command-line errors."""

from __future__ import annotations

from pydantic import ValidationError


def explain_validation_error(exc: ValidationError) -> str:
    """One line per bad field, e.g. `  reply.cooldown_hours: Input should be ... (got '-1')`.

    The offending input is shown only for fields that cannot hold secrets.
    """
    lines = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        shown = "" if _may_be_secret(where) else f" (got {error.get('input')!r})"
        lines.append(f"  {where}: {message}{shown}")
    return "\n".join(lines)


def _may_be_secret(where: str) -> bool:
    lowered = where.lower()
    return any(
        word in lowered for word in ("token", "secret", "password", "key", "salt", "client_id")
    )
