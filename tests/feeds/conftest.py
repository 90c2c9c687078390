"""Shared by the feed tests: a fake feed server, a real service, the polite client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from bot.core.service import EvidenceService
from bot.feeds.fetch import feeds_http
from bot.feeds.watcher import FeedWatcher
from config.settings import Settings
from linker import AtlasIndex
from records.atlas_store import upsert_entries
from records.db import Database
from records.models import AtlasEntry
from tests.conftest import SAMPLE_ATLAS, FakeSleep
from tests.feeds.fake_feeds import FakeFeeds, running_fake_feeds
from tests.feeds.feed_templates import Item

LEE_DOI = "10.1016/j.autrev.2023.103484"
LEE_ID = "lee-2024-brain-regional"
UNKNOWN_DOI = "10.5555/feeds.unknown.1"


def lee_item(n: int = 1, **fields: Any) -> Item:
    """Post `n` citing Lee 2024 by a DOI link and an unknown paper by a bare DOI."""
    html = f'<p>See <a href="https://doi.org/{LEE_DOI}">this</a> and doi:{UNKNOWN_DOI}</p>'
    return replace(
        Item(f"post-{n}", f"Thread {n}", f"http://forum.test/posts/{n}/", html), **fields
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def fake() -> Iterator[FakeFeeds]:
    with running_fake_feeds() as feeds:
        yield feeds


@pytest.fixture
def service(db: Database) -> EvidenceService:
    entries = [AtlasEntry.model_validate_json(line) for line in SAMPLE_ATLAS.open() if line.strip()]
    upsert_entries(db, entries)
    return EvidenceService(db, AtlasIndex.build(entries), Settings())


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


USER_AGENT = "evidence-bot-tests (+mailto:t@example.org)"


@pytest.fixture
def http(sleep: FakeSleep) -> Iterator[httpx.Client]:
    with feeds_http(user_agent=USER_AGENT, timeout=0.5, delay_seconds=0, sleep=sleep) as client:
        yield client


def watcher(http: httpx.Client, service: EvidenceService, urls: list[str],
            clock: Clock | None = None) -> FeedWatcher:  # fmt: skip
    return FeedWatcher(http, service, urls, clock=clock or Clock())


def rows(db: Database, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in db.execute(sql).fetchall()]
