"""Fixtures shared by every test area: a fresh records database and the bundled sample atlas."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

import records.db
from config.settings import Settings
from records.db import Database, open_db
from tests import postgres_store
from tests.fakes.atlas import REPO_ROOT, SAMPLE_ATLAS, sample_dois
from tests.fakes.sleep import FakeSleep

# Re-exported: tests import these from here; benchmarks import them from tests.fakes.
__all__ = ["REPO_ROOT", "SAMPLE_ATLAS", "FakeSleep", "sample_dois"]


def pytest_configure(config: pytest.Config) -> None:
    # A shell without job control starts background commands (`make test &`, nohup, some CI
    # runners) with SIGINT ignored, and an ignored signal stays ignored across exec: the
    # programs the Ctrl-C tests start would never see their SIGINT, and Python installs its
    # KeyboardInterrupt handler only where SIGINT is not ignored. A handler of our own is
    # reset to the default at exec, so the children get Ctrl-C as a terminal gives it.
    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    config.addinivalue_line(
        "markers", "sqlite_only: reads the SQLite file itself; skipped by make test-postgres"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not postgres_store.SERVER_URL:
        return
    skip = pytest.mark.skip(reason="reads the SQLite file itself (make test-postgres)")
    for item in items:
        if "sqlite_only" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str | None]:
    """The session's own database on EVBOT_TEST_DATABASE_URL's server (None: SQLite)."""
    if not postgres_store.SERVER_URL:
        yield None
        return
    with postgres_store.session_database(postgres_store.SERVER_URL) as url:
        yield url


@pytest.fixture(autouse=True)
def _store_on_postgres(_postgres_database: str | None) -> Iterator[None]:
    """Under `make test-postgres`, every database a test opens is a PostgreSQL schema."""
    if _postgres_database is None:
        yield
        return
    schemas = postgres_store.SchemaPerPath(_postgres_database)
    # Set by hand, not with monkeypatch: a test's monkeypatch.undo() must not undo it.
    records.db.path_redirect = schemas
    try:
        yield
    finally:
        records.db.path_redirect = None
        schemas.drop_all()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """Where a test's own SQLite file lives."""
    return tmp_path / "records.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
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
    # The hosting platforms' variable selects a PostgreSQL server too (config/settings.py).
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setitem(Settings.model_config, "env_file", None)
