"""Fixtures for the bot core: sample entries, a controllable clock, a real service."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.core.factory import build_service
from bot.core.service import EvidenceService
from config.settings import Settings
from records.atlas_store import upsert_entries
from records.db import Database
from records.models import AtlasEntry, Post
from tests.conftest import SAMPLE_ATLAS

GOLDEN_DIR = Path(__file__).parent / "golden"
START = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)

# Identifiers from the bundled sample atlas.
LEE_DOI = "10.1016/j.autrev.2023.103484"
WALITT_PMCID = "PMC10881493"
FLUGE_PMID = "30934066"
NOT_IN_ATLAS_DOI = "10.3389/fneur.2018.01033"
HOSTILE = (
    "@everyone @here <@123456789012345678> <@!42> <@&987> <#555> </evidence:1> u/someone "
    "**bold** __under__ ~~strike~~ `code` ||spoiler|| [click me](https://evil.example/x) "
    "# heading > quote https://evil.example/phish www.evil.example"
)


def sample_entries() -> list[AtlasEntry]:
    """The twelve studies of config/sample/atlas.jsonl."""
    with SAMPLE_ATLAS.open(encoding="utf-8") as handle:
        return [AtlasEntry.model_validate(json.loads(line)) for line in handle if line.strip()]


def entry(**fields: Any) -> AtlasEntry:
    """A synthetic atlas entry; every field can be overridden."""
    base: dict[str, Any] = {
        "id": "doe-2020-synthetic-study",
        "title": "A synthetic study of something measurable",
        "authors": ["Doe, Jane", "Roe, Richard"],
        "year": 2020,
        "journal": "Journal of Examples",
        "summary": "A short summary.",
        "does_not_prove": "It does not prove anything beyond its sample.",
        "pem": "required",
        "evidence_level": "E3",
        "study_type": "Observational",
    }
    return AtlasEntry.model_validate({**base, **fields})


@dataclass
class FakeClock:
    """A clock the test moves by hand."""

    now: datetime = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        """Move the clock forward by a timedelta's keyword arguments."""
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    """The service's clock, starting at START."""
    return FakeClock()


@pytest.fixture
def settings() -> Settings:
    """Default settings (isolated from the environment by the shared conftest)."""
    return Settings()


@pytest.fixture
def atlas_db(db: Database) -> Database:
    """A records database holding the sample atlas."""
    upsert_entries(db, sample_entries())
    return db


@pytest.fixture
def service(atlas_db: Database, settings: Settings, clock: FakeClock) -> EvidenceService:
    """The real service: real SQLite file, real linker index over the sample atlas."""
    return build_service(atlas_db, settings, clock=clock)


def make_post(text: str, **fields: Any) -> Post:
    """A console post in place `forum`, thread `t1`, by member `m1`, message `1`."""
    base: dict[str, Any] = {
        "platform": "console",
        "place": "forum",
        "thread": "t1",
        "message_id": "1",
        "author_id": "m1",
        "author_name": "member",
        "text": text,
        "created_at": START,
    }
    return Post.model_validate({**base, **fields})


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/core/golden/<name>; UPDATE_GOLDEN=1 rewrites the file."""
    path = GOLDEN_DIR / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"golden file {path} is missing: run with UPDATE_GOLDEN=1 once"
    assert actual == path.read_text(encoding="utf-8"), f"rendering differs from {path}"
