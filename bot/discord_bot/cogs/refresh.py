"""Running bot: bring posted cards up to date every `reply.refresh_seconds` (issue 26): the
core's pass (bot.core.refresh) on the core thread, its edits back on this loop through
`DiscordCardEditor`, so the loop keeps serving messages while the core thread waits.
"""

from __future__ import annotations

import asyncio

from discord.ext import commands

from bot.core.refresh import Refresher
from bot.discord_bot.card_editor import DiscordCardEditor
from bot.discord_bot.deps import DiscordDeps


class RefreshCog(commands.Cog):
    """Starts the refresh loop once the bot is ready; stops it when the cog unloads."""

    def __init__(self, bot: commands.Bot, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps
        self._task: asyncio.Task[None] | None = None

    async def cog_load(self) -> None:
        """Start the loop (it waits until the bot is ready)."""
        if self.deps.settings.reply.refresh_seconds > 0:
            self._task = asyncio.create_task(self._loop(), name="evidence: refresh cards")

    async def cog_unload(self) -> None:
        """Stop the loop."""
        if self._task is not None:
            self._task.cancel()

    async def _loop(self) -> None:
        every = self.deps.settings.reply.refresh_seconds
        await self.bot.wait_until_ready()
        editor = DiscordCardEditor(self.bot, asyncio.get_running_loop())
        refresher = Refresher(self.deps.service, editor, every)
        while not self.bot.is_closed():
            await self.deps.runner.call(refresher.maybe)
            await asyncio.sleep(every)
