"""Fixtures for the Discourse adapter: a running fake forum and bots built against it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlite_utils

from bot.core.service import EvidenceService
from bot.discourse_bot.bot import DiscourseBot
from bot.discourse_bot.convert import read_error, wait_seconds
from bot.discourse_bot.outlet import TopicOutlet
from bot.forums.api import ApiClient, build_http
from bot.forums.polling import PollReport
from config.settings import Settings
from linker import AtlasIndex
from records.db import open_db
from records.models import AtlasEntry
from tests.conftest import SAMPLE_ATLAS, FakeSleep
from tests.discourse.fake_discourse import API_KEY, BOT, FakeDiscourse, running_fake_discourse

CATEGORY = 4
MOD_GROUP = "science_helpers"
MODERATOR = "mod_mia"
HELPER = "helper_hal"
LEE_DOI = "10.1016/j.autrev.2023.103484"
WALITT_DOI = "10.1038/s41467-024-45107-3"
TIMEOUT = 0.5


def discourse_environment(fake: FakeDiscourse, **more: str) -> dict[str, str]:
    """Every setting `run discourse` needs, aimed at the fake forum."""
    return {
        "EVBOT_DISCOURSE__BASE_URL": fake.url,
        "EVBOT_DISCOURSE__API_KEY": API_KEY,
        "EVBOT_DISCOURSE__API_USERNAME": BOT,
        "EVBOT_DISCOURSE__MOD_GROUPS": MOD_GROUP,
        **more,
    }


@pytest.fixture
def fake() -> Iterator[FakeDiscourse]:
    with running_fake_discourse() as forum:
        forum.staff.add(MODERATOR)
        forum.groups[MOD_GROUP] = [HELPER]
        yield forum


@pytest.fixture(scope="session")
def sample_index() -> AtlasIndex:
    entries = [AtlasEntry.model_validate_json(line) for line in SAMPLE_ATLAS.open() if line.strip()]
    return AtlasIndex.build(entries)


@dataclass
class Harness:
    fake: FakeDiscourse
    bot: DiscourseBot
    db: sqlite_utils.Database
    sleep: FakeSleep

    def poll(self) -> PollReport:
        return self.bot.poll()


class HarnessFactory:
    """Builds bots; a second build on the same database file is a restart."""

    def __init__(self, fake: FakeDiscourse, index: AtlasIndex, db_path: Path) -> None:
        self.fake = fake
        self.index = index
        self.db_path = db_path
        self.sleep = FakeSleep()
        self._opened: list[sqlite_utils.Database] = []

    def build(self, **app_settings: Any) -> Harness:
        db = open_db(self.db_path)
        self._opened.append(db)
        service = EvidenceService(db, self.index, Settings(**app_settings))
        headers = {"Api-Key": API_KEY, "Api-Username": BOT}
        http = build_http(self.fake.url, headers, TIMEOUT, "evidence-bot-tests",
                          max_retries=3, sleep=self.sleep, wait_hint=wait_seconds)  # fmt: skip
        client = ApiClient(http, read_error=read_error)
        outlet = TopicOutlet(client, username=BOT, mod_groups=[MOD_GROUP])
        return Harness(self.fake, DiscourseBot(service, outlet), db, self.sleep)

    def close(self) -> None:
        for db in self._opened:
            db.close()


@pytest.fixture
def factory(
    fake: FakeDiscourse, sample_index: AtlasIndex, db_path: Path
) -> Iterator[HarnessFactory]:
    built = HarnessFactory(fake, sample_index, db_path)
    yield built
    built.close()


@pytest.fixture
def harness(factory: HarnessFactory, fake: FakeDiscourse) -> Harness:
    """A started bot: a topic existed before it, its first poll has run."""
    fake.add_topic(CATEGORY, "Old topic", f"Old news: {LEE_DOI}")
    built = factory.build()
    built.poll()
    return built
