"""The real Discord bot run against the fake Discord server, for tests and benchmarks."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.core.factory import build_service
from bot.core.service import Clock, utc_now
from bot.discord_bot.app import (
    DiscordStartupError,
    EvidenceBot,
    ShardedEvidenceBot,
    bot_token,
    build_bot,
    run_bot,
)
from bot.discord_bot.catch_up import CatchUpReport
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.replies import Sent
from config.settings import DiscordSettings, Settings
from records.atlas_io import GoodRecord, read_records
from records.atlas_store import upsert_entries
from records.db import Database, open_db
from tests.discord.fake_discord import FakeDiscord, FakeUser
from tests.discord.waiting import wait_until
from tests.fakes.atlas import SAMPLE_ATLAS

READY_TIMEOUT = 0.05  # how long discord.py waits for more GUILD_CREATEs before on_ready


def import_sample_atlas(db_path: Path) -> None:
    """The bundled sample atlas, imported into the database at `db_path`."""
    db = open_db(db_path)
    try:
        records = read_records(SAMPLE_ATLAS)
        upsert_entries(db, [r.entry for r in records if isinstance(r, GoodRecord)])
    finally:
        db.close()


def settings_for(fake: FakeDiscord, db_path: Path, **discord: Any) -> Settings:
    """Settings pointing at the fake server, with a mod role and the mod-log channel."""
    options: dict[str, Any] = {
        "token": fake.bot_token,
        "api_base_url": fake.api_base_url,
        "gateway_url": fake.gateway_url,
        "mod_roles": [fake.world.helper_role_name],
        "mod_log_channel_id": fake.world.mod_log_id,
    }
    options.update(discord)
    return Settings(database={"path": db_path}, discord=DiscordSettings(**options))


@dataclass
class Harness:
    """The fake server and one running bot; `restart()` swaps in a fresh bot on the same db."""

    fake: FakeDiscord
    settings: Settings
    bot: EvidenceBot | ShardedEvidenceBot | None = None
    db: Database | None = None
    task: asyncio.Task[None] | None = None
    handled: list[tuple[int, Sent]] = field(default_factory=list)
    caught_up: list[CatchUpReport] = field(default_factory=list)
    clock: Clock = utc_now
    reader: Database | None = None

    @property
    def world(self) -> Any:
        """The fake guild."""
        return self.fake.world

    @property
    def records(self) -> Database:
        """The bot's records database, on a connection of the test's own.

        The bot's core thread writes through the bot's connection; a test reading through
        that same connection at the same moment trips over its savepoints ("no such
        savepoint: sqlite_utils_query").
        """
        if self.reader is None:
            self.reader = open_db(self.settings.database.path)
        return self.reader

    async def start(self) -> EvidenceBot | ShardedEvidenceBot:
        """Build the bot like the entry point does and wait until it is ready."""
        self.db = open_db(self.settings.database.path)
        deps = DiscordDeps(self.settings, build_service(self.db, self.settings, clock=self.clock))
        bot = build_bot(deps, guild_ready_timeout=READY_TIMEOUT)
        bot.add_listener(self._on_handled, "on_evidence_handled")
        bot.add_listener(self._on_caught_up, "on_evidence_caught_up")
        self.caught_up = []  # the catch-ups of this bot
        self.bot = bot
        self.task = asyncio.create_task(run_bot(bot, bot_token(self.settings.discord)))
        await wait_until(self._ready, what="the bot to be ready")
        return bot

    def _ready(self) -> bool:
        assert self.task is not None
        assert self.bot is not None
        if self.task.done():
            self.task.result()  # raises the bot's startup error in the test
            raise AssertionError("the bot stopped before it was ready")
        return self.bot.is_ready()

    async def _on_handled(self, message_id: int, sent: Sent) -> None:
        self.handled.append((message_id, sent))

    async def _on_caught_up(self, report: CatchUpReport) -> None:
        self.caught_up.append(report)

    async def wait_caught_up(self, count: int = 1, *, timeout: float = 10.0) -> CatchUpReport:
        """Wait until the running bot finished `count` catch-ups (one after each ready and
        each resume); the `count`th one's report."""
        await wait_until(
            lambda: len(self.caught_up) >= count,
            timeout=timeout,
            what=f"{count} catch-up(s) to finish",
        )
        return self.caught_up[count - 1]

    async def stop(self) -> None:
        """Close the bot and its database."""
        if self.bot is not None:
            await self.bot.close()
        if self.task is not None:
            # A startup error was already raised to the test by start().
            with contextlib.suppress(asyncio.CancelledError, DiscordStartupError):
                await asyncio.wait_for(self.task, timeout=10)
        await _end_event_tasks()
        if self.db is not None:
            self.db.close()
        if self.reader is not None:
            self.reader.close()
        self.bot, self.task, self.db, self.reader = None, None, None, None

    def set_reply(self, **update: Any) -> None:
        """Change `reply.*` settings for the next start."""
        reply = self.settings.reply.model_copy(update=update)
        self.settings = self.settings.model_copy(update={"reply": reply})

    async def restart(self) -> None:
        """A new bot process, as after a deploy: same database, new gateway session."""
        await self.stop()
        await self.start()

    def handled_count(self, message_id: int) -> int:
        """How many times the bot finished handling this message id."""
        return sum(1 for handled_id, _ in self.handled if handled_id == message_id)

    async def wait_handled(self, message_id: int, times: int = 1) -> Sent:
        """Wait until the bot handled `message_id` `times` times; the last outcome."""
        await wait_until(
            lambda: self.handled_count(message_id) >= times,
            what=f"the bot to handle message {message_id} {times}x",
        )
        return [sent for handled_id, sent in self.handled if handled_id == message_id][-1]

    async def say(self, channel_id: int, author: FakeUser, content: str, **kw: Any) -> Any:
        """Post a message and wait until the bot has handled it; returns the message payload."""
        payload = await self.fake.post(channel_id, author, content, **kw)
        await self.wait_handled(int(payload["id"]))
        return payload


async def _end_event_tasks() -> None:
    """Cancel event handlers discord.py scheduled just before closing, so none outlives the
    test's event loop (they would be destroyed pending, with a warning)."""
    leftovers = [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith("discord.py:") and not task.done()
    ]
    for task in leftovers:
        task.cancel()
    await asyncio.gather(*leftovers, return_exceptions=True)
