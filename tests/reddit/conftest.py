"""Fixtures for the Reddit adapter: a running fake Reddit server and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import praw
import pytest
from pydantic import SecretStr

from bot.core.service import EvidenceService
from bot.reddit_bot.bot import PollReport, RedditBot
from bot.reddit_bot.client import build_reddit
from bot.reddit_bot.streams import SWEEP_SECONDS
from config.settings import RedditSettings, Settings
from linker import AtlasIndex
from records.db import Database, open_db
from records.models import AtlasEntry
from tests.conftest import SAMPLE_ATLAS
from tests.reddit.fake_reddit import FakeReddit

SUBREDDIT = "CFS_Science"
MODERATOR = "mod_mia"
USER_AGENT = "linux:evidence-bot-tests:0.1 (by u/evidence_bot_test)"


def reddit_environment(fake: FakeReddit, **more: str) -> dict[str, str]:
    """Every setting `run reddit` needs, aimed at the fake server."""
    return {
        "EVBOT_REDDIT__CLIENT_ID": fake.client_id,
        "EVBOT_REDDIT__CLIENT_SECRET": fake.client_secret,
        "EVBOT_REDDIT__USERNAME": fake.username,
        "EVBOT_REDDIT__PASSWORD": fake.password,
        "EVBOT_REDDIT__USER_AGENT": USER_AGENT,
        "EVBOT_REDDIT__SUBREDDITS": SUBREDDIT,
        "EVBOT_REDDIT__OAUTH_URL": fake.url,
        "EVBOT_REDDIT__REDDIT_URL": fake.url,
        **more,
    }


TEST_TIMEOUT_SECONDS = 0.5


class FakeSleep:
    """Records requested waits instead of waiting."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


class FakeClock:
    """A wall clock (seconds) that only moves when a test moves it."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_reddit() -> Iterator[FakeReddit]:
    """A fake Reddit with one watched subreddit moderated by MODERATOR."""
    with FakeReddit() as fake:
        fake.add_subreddit(SUBREDDIT, moderators=(MODERATOR,))
        yield fake


@pytest.fixture
def reddit_settings(fake_reddit: FakeReddit) -> RedditSettings:
    """Complete Reddit settings aimed at the fake server."""
    return RedditSettings(
        client_id=SecretStr(fake_reddit.client_id),
        client_secret=SecretStr(fake_reddit.client_secret),
        username=fake_reddit.username,
        password=SecretStr(fake_reddit.password),
        user_agent=USER_AGENT,
        subreddits=[SUBREDDIT],
        oauth_url=fake_reddit.url,
        reddit_url=fake_reddit.url,
    )


@pytest.fixture
def fake_sleep() -> FakeSleep:
    """An injectable sleep that records instead of waiting."""
    return FakeSleep()


@pytest.fixture
def fake_clock() -> FakeClock:
    """An injectable clock a test moves by hand."""
    return FakeClock()


@pytest.fixture
def reddit(reddit_settings: RedditSettings) -> praw.Reddit:
    """A real praw client logged in to the fake server (short timeout for slow answers)."""
    return build_reddit(reddit_settings, timeout_seconds=TEST_TIMEOUT_SECONDS)


LEE_DOI = "10.1016/j.autrev.2023.103484"
LEE_ID = "lee-2024-brain-regional"
WALITT_DOI = "10.1038/s41467-024-45107-3"
WALITT_ID = "walitt-2024-deep-phenotyping"


@pytest.fixture(scope="session")
def sample_index() -> AtlasIndex:
    """The linker's index over the bundled sample atlas."""
    entries = [AtlasEntry.model_validate_json(line) for line in SAMPLE_ATLAS.open() if line.strip()]
    return AtlasIndex.build(entries)


@dataclass
class BotHarness:
    """A RedditBot on a real SQLite file, a real praw client and the fake server."""

    fake: FakeReddit
    bot: RedditBot
    db: Database
    sleep: FakeSleep
    clock: FakeClock

    def poll(self) -> PollReport:
        """One poll of every stream."""
        return self.bot.poll_once()

    def bot_replies_to(self, fullname: str) -> list[dict[str, Any]]:
        """The bot's live comments answering `fullname`."""
        return self.fake.replies_to(fullname, author=self.fake.username)


class HarnessFactory:
    """Builds bots; a second build on the same database file is a restart."""

    def __init__(
        self,
        fake: FakeReddit,
        settings: RedditSettings,
        index: AtlasIndex,
        db_path: Path,
    ) -> None:
        self.fake = fake
        self.settings = settings
        self.index = index
        self.db_path = db_path
        self.sleep = FakeSleep()
        self.clock = FakeClock()
        self._opened: list[Database] = []

    def build(self, *, sweep_seconds: float = SWEEP_SECONDS, **app_settings: Any) -> BotHarness:
        """A fresh praw client, database connection, service and bot (a process start)."""
        db = open_db(self.db_path)
        self._opened.append(db)
        settings = Settings(reddit=self.settings, **app_settings)
        service = EvidenceService(db, self.index, settings)
        reddit = build_reddit(self.settings, timeout_seconds=TEST_TIMEOUT_SECONDS)
        bot = RedditBot(
            reddit,
            service,
            self.settings.subreddits,
            sleep=self.sleep,
            clock=self.clock,
            poll_seconds=30.0,
            sweep_seconds=sweep_seconds,
        )
        return BotHarness(self.fake, bot, db, self.sleep, self.clock)

    def close(self) -> None:
        for db in self._opened:
            db.close()


@pytest.fixture
def harness_factory(
    fake_reddit: FakeReddit,
    reddit_settings: RedditSettings,
    sample_index: AtlasIndex,
    db_path: Path,
) -> Iterator[HarnessFactory]:
    """Builds bots against the fake server on the test's SQLite file."""
    factory = HarnessFactory(fake_reddit, reddit_settings, sample_index, db_path)
    yield factory
    factory.close()


@pytest.fixture
def harness(harness_factory: HarnessFactory) -> BotHarness:
    """A started bot: its first poll has run, so it answers only what comes next."""
    built = harness_factory.build()
    built.poll()
    return built
