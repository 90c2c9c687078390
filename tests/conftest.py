"""Fixtures shared by every test area: a fresh records database and the bundled sample atlas."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from config.settings import Settings
from records.db import open_db
from tests.fakes.atlas import REPO_ROOT, SAMPLE_ATLAS, sample_dois
from tests.fakes.sleep import FakeSleep

# Re-exported: tests import these from here; benchmarks import them from tests.fakes.
__all__ = ["REPO_ROOT", "SAMPLE_ATLAS", "FakeSleep", "sample_dois"]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's own SQLite file lives."""
    return tmp_path / "records.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite_utils.Database]:
    """A fresh, migrated records database in a real file."""
    database = open_db(db_path)
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _isolated_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep a developer's EVBOT_* variables and .env file out of every test."""
    for name in list(os.environ):
        if name.startswith("EVBOT_"):
            monkeypatch.delenv(name)
    monkeypatch.setitem(Settings.model_config, "env_file", None)
