"""Fixtures for the Discord reliability tests: the fake Discord server and the real bot from
tests/discord (the harness builds the bot like the entry point does), plus a bot whose
database gives up quickly when locked, so lock faults show within a test's time."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.factory import build_service
from bot.discord_bot.app import EvidenceBot, ShardedEvidenceBot, bot_token, build_bot, run_bot
from bot.discord_bot.deps import DiscordDeps
from bot.runtime.core_runner import CoreRunner
from records.db import open_db
from tests.discord.conftest import (  # noqa: F401 - fixtures shared with the Discord tests
    READY_TIMEOUT,
    Harness,
    atlas_db_path,
    fake_discord,
    harness,
    settings_for,
)
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until

SHORT_BUSY_TIMEOUT_MS = 50
SHORT_RETRY_DELAYS = (0.1, 0.2, 0.4, 0.8, 1.6, 3.2)


@dataclass
class QuickLockHarness(Harness):
    """The harness with a 50 ms SQLite busy timeout and short pauses between locked tries."""

    async def start(self) -> EvidenceBot | ShardedEvidenceBot:
        """Build and start the bot as `Harness.start` does, with the quick lock settings."""
        self.db = open_db(self.settings.database.path, busy_timeout_ms=SHORT_BUSY_TIMEOUT_MS)
        service = build_service(self.db, self.settings, clock=self.clock)
        deps = DiscordDeps(self.settings, service, runner=CoreRunner(SHORT_RETRY_DELAYS))
        bot = build_bot(deps, guild_ready_timeout=READY_TIMEOUT)
        bot.add_listener(self._on_handled, "on_evidence_handled")
        bot.add_listener(self._on_caught_up, "on_evidence_caught_up")
        self.caught_up = []  # the catch-ups of this bot
        self.bot = bot
        self.task = asyncio.create_task(run_bot(bot, bot_token(self.settings.discord)))
        await wait_until(self._ready, what="the bot to be ready")
        return bot


@pytest.fixture
async def quick_lock_harness(
    fake_discord: FakeDiscord,  # noqa: F811 - the shared fixture, requested
    atlas_db_path: Path,  # noqa: F811
) -> AsyncIterator[QuickLockHarness]:
    """The real bot on the fake server, giving up on a locked database after 50 ms a try."""
    running = QuickLockHarness(fake_discord, settings_for(fake_discord, atlas_db_path))
    await running.start()
    yield running
    await running.stop()
