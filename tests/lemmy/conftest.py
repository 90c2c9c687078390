"""Fixtures for the Lemmy adapter: a running fake instance and bots built against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.service import EvidenceService
from bot.forums.api import ApiClient, build_http
from bot.lemmy_bot.app import log_in
from bot.lemmy_bot.bot import LemmyBot
from bot.lemmy_bot.convert import read_error
from bot.lemmy_bot.outlet import LemmyOutlet
from config.settings import Settings
from linker import AtlasIndex
from tests import forum_harness
from tests.forum_harness import sample_index_fixture  # noqa: F401 - a fixture
from tests.lemmy.fake_lemmy import BOT, PASSWORD, FakeLemmy
from tests.local_server import running

COMMUNITY = "cfs"
MODERATOR = "mod_mia"
ADMIN = "admin_ada"
MEMBER = "member_max"
LEE_DOI = "10.1016/j.autrev.2023.103484"
WALITT_DOI = "10.1038/s41467-024-45107-3"
TIMEOUT = 0.5


@pytest.fixture
def fake() -> Iterator[FakeLemmy]:
    with running(FakeLemmy()) as instance:
        instance.community(COMMUNITY, moderators=[MODERATOR])
        instance.admins.add(ADMIN)
        yield instance


Harness = forum_harness.Harness[FakeLemmy, LemmyBot]


class HarnessFactory(forum_harness.HarnessFactory[FakeLemmy]):
    """Builds LemmyBots; a second build on the same database file is a restart."""

    now = 0.0  # the outlets' clock (the moderator lists' ages)

    def build(self, **app_settings: object) -> Harness:
        db = self.open_db()
        service = EvidenceService(db, self.index, Settings(**app_settings))  # type: ignore[arg-type]
        http = build_http(self.fake.url + "/api/v3/", {}, TIMEOUT, "evidence-bot-tests",
                          max_retries=3, sleep=self.sleep)  # fmt: skip
        client = ApiClient(http, read_error=read_error)
        http.headers["Authorization"] = f"Bearer {log_in(client, BOT, PASSWORD)}"
        bot = LemmyBot(
            service, client, LemmyOutlet(client, username=BOT, clock=lambda: self.now), [COMMUNITY]
        )
        return Harness(self.fake, bot, db, self.sleep)


@pytest.fixture
def factory(fake: FakeLemmy, sample_index: AtlasIndex, db_path: Path) -> Iterator[HarnessFactory]:
    built = HarnessFactory(fake, sample_index, db_path)
    yield built
    built.close()


@pytest.fixture
def harness(factory: HarnessFactory) -> Harness:
    """A bot that has polled once (watching starts after the posts already there)."""
    built = factory.build()
    built.poll()
    return built
