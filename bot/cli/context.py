"""What every command shares: the settings and the records database, built once, lazily."""

from __future__ import annotations

import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

import click
from pydantic import BaseModel, SecretStr

from bot.cli.errors import NoDatabaseError
from bot.http.redaction import install_redaction
from config.settings import Settings, load_settings
from records.atlas_store import count_entries
from records.db import Database, database_exists, open_db

# Commands that write records may create the database; every other command needs one that
# exists, so a mistyped `--db` is an error instead of a new, empty database.
WRITING_COMMANDS = frozenset(
    {
        ("atlas", "import"),
        ("atlas", "sync"),
        ("atlas", "parse-page"),
        ("scan",),
        ("run",),
        ("demo",),
        ("enrich",),
    }
)


DEMO_DB = Path("data/demo.db")


def program_name() -> str:
    """How the user can run this program again from here: `evidence-bot` when that is on
    PATH, else the path it was started by (`.venv/bin/evidence-bot` before activating)."""
    started = Path(sys.argv[0])
    on_path = shutil.which("evidence-bot")
    if started.name != "evidence-bot" or (
        on_path is not None and Path(on_path).resolve() == started.resolve()
    ):
        return "evidence-bot"
    try:
        return str(started.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(started)


def no_database(path: Path) -> NoDatabaseError:
    """The error for a read-only command pointed at `path`, which does not exist."""
    demo = DEMO_DB if DEMO_DB.is_file() and path != DEMO_DB else None
    return NoDatabaseError(path, demo_db=demo, program=program_name())


def _invoked_path() -> tuple[str, ...]:
    """The subcommand names of the running command, e.g. ("atlas", "import")."""
    ctx = click.get_current_context(silent=True)
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.append(ctx.info_name or "")
        ctx = ctx.parent
    return tuple(reversed(names))


def may_create_database(path: tuple[str, ...]) -> bool:
    """Whether the command at `path` writes records and so may create the database."""
    return any(path[: len(prefix)] == prefix for prefix in WRITING_COMMANDS)


@dataclass
class AppContext:
    """Built by the `evidence-bot` group from `--db` and `--config`."""

    db_path: Path | None = None
    config_file: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The effective settings; `--db` overrides the database path."""
        if self._settings is None:
            settings = load_settings(self.config_file)
            if self.db_path is not None:
                # `--db FILE` names an SQLite file, whatever server the settings name.
                settings.database.path = self.db_path
                settings.database.url = None
            # Whatever logs a token, a key or a webhook address from here on shows `***`.
            install_redaction(secret_values(settings))
            self._settings = settings
        return self._settings

    @property
    def db(self) -> Database:
        """The records database, opened (and migrated) on first use.

        Raises NoDatabaseError when the file is missing and the command only reads.
        """
        if self._db is None:
            database = self.settings.database
            path = Path(database.path)
            if (
                database.url is None
                and not may_create_database(_invoked_path())
                and not database_exists(path)
            ):
                raise no_database(path)
            self._db = open_db(database.location(), busy_timeout_ms=database.busy_timeout_ms)
        return self._db

    def close(self) -> None:
        """Close the database if a command opened it."""
        if self._db is not None:
            self._db.close()
            self._db = None


def secret_values(model: BaseModel) -> list[str]:
    """The values of every SecretStr field in `model` and its sections.

    A value left at its published default (the author-hash salt) hides nothing, and
    scrubbing it would blank ordinary words from the log.
    """
    found: list[str] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if isinstance(value, SecretStr) and value != info.default:
            found.append(value.get_secret_value())
        elif isinstance(value, BaseModel):
            found.extend(secret_values(value))
    return found


pass_app = click.make_pass_decorator(AppContext)


def warn_if_atlas_empty(app: AppContext) -> None:
    """Say so on stderr when the atlas holds no entry: every study would come back unmatched
    (and be logged as a missing paper) without anything looking wrong."""
    if count_entries(app.db) == 0:
        click.echo(
            f"Note: the atlas is empty ({app.settings.database.where()}), so no study can match; "
            f"import one with `{program_name()} atlas import FILE`"
            + (f" or use the demo's: --db {DEMO_DB}." if DEMO_DB.is_file() else "."),
            err=True,
        )
