"""Fixtures for the XenForo adapter: a running fake forum and bots built against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.service import EvidenceService
from bot.forums.api import ApiClient
from bot.xenforo_bot.bot import XenForoBot
from bot.xenforo_bot.client import read_error, xenforo_http
from bot.xenforo_bot.outlet import ForumOutlet
from config.settings import Settings
from linker import AtlasIndex
from tests import forum_harness
from tests.forum_harness import sample_index_fixture  # noqa: F401 - a fixture
from tests.xenforo.fake_xenforo import API_KEY, BOT_ID, FakeXenForo, running_fake_xenforo

NODE = 2
OTHER_NODE = 5
MOD_GROUP = 4
MEMBER = 10
MODERATOR = 20
ADMIN = 30
GROUP_MOD = 40
LEE_DOI = "10.1016/j.autrev.2023.103484"
LEE_ID = "lee-2024-brain-regional"
WALITT_DOI = "10.1038/s41467-024-45107-3"
WALITT_ID = "walitt-2024-deep-phenotyping"
TIMEOUT = 0.5


def xenforo_environment(fake: FakeXenForo, **more: str) -> dict[str, str]:
    """Every setting `run xenforo` needs, aimed at the fake forum."""
    return {
        "EVBOT_XENFORO__BASE_URL": fake.url,
        "EVBOT_XENFORO__API_KEY": API_KEY,
        "EVBOT_XENFORO__NODE_IDS": f"{NODE},{OTHER_NODE}",
        "EVBOT_XENFORO__MOD_GROUP_IDS": str(MOD_GROUP),
        **more,
    }


@pytest.fixture
def fake() -> Iterator[FakeXenForo]:
    """A forum with a member, a moderator, an admin and a member of the moderators' group."""
    with running_fake_xenforo() as forum:
        forum.add_user(MEMBER, "Senior Member")
        forum.add_user(MODERATOR, "Mod Mia", moderator=True)
        forum.add_user(ADMIN, "Admin Ada", group=3, admin=True)
        forum.add_user(GROUP_MOD, "Helper Hal", secondary=(MOD_GROUP,))
        yield forum


Harness = forum_harness.Harness[FakeXenForo, XenForoBot]


class HarnessFactory(forum_harness.HarnessFactory[FakeXenForo]):
    """Builds XenForoBots; a second build on the same database file is a restart."""

    def build(
        self, edit_check_seconds: float = 0, *, bypass_permissions: bool = False,
        **app_settings: Any,
    ) -> Harness:  # fmt: skip
        """A process start; edits are looked for on every poll unless told otherwise."""
        db = self.open_db()
        settings = Settings(**app_settings)
        service = EvidenceService(db, self.index, settings)
        http = xenforo_http(self.fake.url, API_KEY, None, TIMEOUT, "evidence-bot-tests",
                            max_retries=3, sleep=self.sleep)  # fmt: skip
        client = ApiClient(http, read_error=read_error)
        outlet = ForumOutlet(
            client,
            bot_user_id=str(BOT_ID),
            mod_group_ids=frozenset({MOD_GROUP}),
            bypass_permissions=bypass_permissions,
        )
        bot = XenForoBot(
            client,
            service,
            outlet,
            node_ids=[NODE, OTHER_NODE],
            edit_check_seconds=edit_check_seconds,
        )
        return Harness(self.fake, bot, db, self.sleep)


@pytest.fixture
def factory(fake: FakeXenForo, sample_index: AtlasIndex, db_path: Path) -> Iterator[HarnessFactory]:
    built = HarnessFactory(fake, sample_index, db_path)
    yield built
    built.close()


@pytest.fixture
def harness(factory: HarnessFactory, fake: FakeXenForo) -> Harness:
    """A started bot: a thread existed before it, its first poll has run."""
    fake.add_thread(NODE, "Old thread", f"Old news: {LEE_DOI}")
    built = factory.build()
    built.poll()
    return built
