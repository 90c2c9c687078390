"""The command line's own exception classes, and readable explanations of settings errors.

Indentation is inheritance:

    Exception
    ├── click.ClickException         click shows the message and exits 1
    │   └── NoDatabaseError          a read-only command named a database file that is missing
    └── Interrupted                  Ctrl-C while a command ran (ends the program with 130)

Every other exception class lives in its layer's errors module: `config/errors.py`,
`records/errors.py`, `bot/errors.py`.
"""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from config.settings import ENV_PREFIX, nearest_setting


class NoDatabaseError(click.ClickException):
    """A command that only reads was pointed at a database file that does not exist.

    `demo_db` is the demo's database when there is one to suggest; `program` is how the user
    runs this program (`evidence-bot`).
    """

    def __init__(self, path: Path, *, demo_db: Path | None, program: str) -> None:
        demo = f"; the demo's is {demo_db}" if demo_db is not None else ""
        super().__init__(
            f"there is no records database at {path} (check --db{demo}; "
            f"`{program} --db {path} atlas import FILE` creates it)"
        )


class Interrupted(Exception):
    """Ctrl-C while a command ran."""


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
