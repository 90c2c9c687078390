"""Real XenForo bots built against the fake forum, for tests and benchmarks."""

from __future__ import annotations

from typing import Any

from bot.core.service import EvidenceService
from bot.forums.api import ApiClient
from bot.xenforo_bot.bot import XenForoBot
from bot.xenforo_bot.client import read_error, xenforo_http
from bot.xenforo_bot.outlet import ForumOutlet
from config.settings import Settings
from tests import forum_harness
from tests.forum_harness import sample_index_fixture  # noqa: F401 - a fixture
from tests.xenforo.fake_xenforo import API_KEY, BOT_ID, FakeXenForo

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
