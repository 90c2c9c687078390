"""The Discord process: build everything once, connect, and stop cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import signal

from bot.core.factory import build_service
from bot.discord_bot.app import (
    EvidenceBot,
    ShardedEvidenceBot,
    bot_token,
    build_bot,
    run_bot,
    sync_commands,
)
from bot.discord_bot.deps import DiscordDeps
from config.settings import Settings
from records.db import Database


def create_bot(settings: Settings, db: Database) -> EvidenceBot | ShardedEvidenceBot:
    """The bot with its core service (atlas index loaded from `db`)."""
    return build_bot(DiscordDeps(settings, build_service(db, settings)))


def run_discord(settings: Settings, db: Database) -> None:
    """Run the bot until it is stopped (Ctrl-C or SIGTERM); raises DiscordStartupError."""
    token = bot_token(settings.discord)
    bot = create_bot(settings, db)
    try:
        asyncio.run(_serve(bot, token))
    finally:
        # The caller closes `db` next: the core thread must be done with it first. (The
        # close started by SIGTERM can be cancelled when the loop ends before it finishes.)
        bot.deps.runner.close()


async def _serve(bot: EvidenceBot | ShardedEvidenceBot, token: str) -> None:
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError, RuntimeError):
        # Platforms stop processes with SIGTERM; closing lets the gateway say goodbye.
        loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(bot.close()))
    await run_bot(bot, token)


def sync_discord_commands(
    settings: Settings, db: Database, guild_id: int | None = None
) -> list[str]:
    """Upload the slash and context-menu commands; return their names."""
    token = bot_token(settings.discord)
    bot = create_bot(settings, db)
    return asyncio.run(sync_commands(bot, token, guild_id))
