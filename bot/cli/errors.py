"""Readable one-line-per-problem explanations for command-line errors."""

from __future__ import annotations

from pydantic import ValidationError

from config.settings import ENV_PREFIX, nearest_setting


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
            message = _unknown_setting(error["loc"])
        hidden = error["type"] == "extra_forbidden" or _may_be_secret(where)
        shown = "" if hidden else f" (got {error.get('input')!r})"
        lines.append(f"  {where}: {message}{shown}")
    return "\n".join(lines)


def _unknown_setting(loc: tuple[int | str, ...]) -> str:
    """`unknown setting` with the nearest real one: `reddit.passwd` → `reddit.password`
    (TOML), `evbot_redit__username` → `EVBOT_REDDIT__USERNAME` (a `.env` line)."""
    where = [str(part) for part in loc]
    if len(where) == 1 and where[0].upper().startswith(ENV_PREFIX):
        nearest = nearest_setting(where[0])
    else:
        guess = nearest_setting(ENV_PREFIX + "__".join(where))
        nearest = guess.removeprefix(ENV_PREFIX).lower().replace("__", ".") if guess else None
    hint = f"did you mean {nearest}?" if nearest else "misspelt?"
    return f"unknown setting ({hint} see .env.example)"


def _may_be_secret(where: str) -> bool:
    lowered = where.lower()
    return any(
        word in lowered for word in ("token", "secret", "password", "key", "salt", "client_id")
    )
