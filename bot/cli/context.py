"""What every command shares: the settings and the records database, built once, lazily."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click
import sqlite_utils

from config.settings import Settings, load_settings
from records.db import open_db


@dataclass
class AppContext:
    """Built by the `evidence-bot` group from `--db` and `--config`."""

    db_path: Path | None = None
    config_file: Path | None = None
    _settings: Settings | None = field(default=None, repr=False)
    _db: sqlite_utils.Database | None = field(default=None, repr=False)

    @property
    def settings(self) -> Settings:
        """The effective settings; `--db` overrides the database path."""
        if self._settings is None:
            settings = load_settings(self.config_file)
            if self.db_path is not None:
                settings.database.path = self.db_path
            self._settings = settings
        return self._settings

    @property
    def db(self) -> sqlite_utils.Database:
        """The records database, opened (and migrated) on first use."""
        if self._db is None:
            database = self.settings.database
            self._db = open_db(database.path, busy_timeout_ms=database.busy_timeout_ms)
        return self._db

    def close(self) -> None:
        """Close the database if a command opened it."""
        if self._db is not None:
            self._db.close()
            self._db = None


pass_app = click.make_pass_decorator(AppContext)
