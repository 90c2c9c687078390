"""Fixtures shared by every test area: a fresh records database and the bundled sample atlas."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlite_utils

from config.settings import Settings
from records.db import open_db

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_ATLAS = REPO_ROOT / "config" / "sample" / "atlas.jsonl"


def sample_dois() -> list[str]:
    """The DOIs of the sample atlas's studies, in file order (not every study has one)."""
    lines = SAMPLE_ATLAS.read_text(encoding="utf-8").splitlines()
    return [entry["doi"] for entry in map(json.loads, filter(None, lines)) if entry.get("doi")]


class FakeSleep:
    """Records requested waits instead of waiting (pass it where code takes a `sleep`)."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


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
