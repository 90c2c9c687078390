"""Real Discourse bots built against the fake forum, for tests and benchmarks."""

from __future__ import annotations

from typing import Any

from bot.core.service import EvidenceService
from bot.discourse_bot.bot import DiscourseBot
from bot.discourse_bot.convert import read_error, wait_seconds
from bot.discourse_bot.outlet import TopicOutlet
from bot.discourse_bot.reporting import ModReport
from bot.forums.api import ApiClient, build_http
from config.settings import Settings
from tests import forum_harness
from tests.discourse.fake_discourse import API_KEY, BOT, FakeDiscourse
from tests.forum_harness import sample_index_fixture  # noqa: F401 - a fixture

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


Harness = forum_harness.Harness[FakeDiscourse, DiscourseBot]


class HarnessFactory(forum_harness.HarnessFactory[FakeDiscourse]):
    """Builds DiscourseBots; a second build on the same database file is a restart."""

    username = BOT  # EVBOT_DISCOURSE__API_USERNAME as the operator typed it

    def build(self, *, category_ids: list[int] | None = None, **app_settings: Any) -> Harness:
        db = self.open_db()
        service = EvidenceService(db, self.index, Settings(**app_settings))
        headers = {"Api-Key": API_KEY, "Api-Username": self.username}
        http = build_http(self.fake.url, headers, TIMEOUT, "evidence-bot-tests",
                          max_retries=3, sleep=self.sleep, wait_hint=wait_seconds)  # fmt: skip
        client = ApiClient(http, read_error=read_error)
        outlet = TopicOutlet(client, username=self.username, mod_groups=[MOD_GROUP],
                             report=ModReport(db, BOT), category_ids=category_ids,
                             base_url=self.fake.url)  # fmt: skip
        return Harness(self.fake, DiscourseBot(service, outlet), db, self.sleep)
