"""Discord's side of the catch-up (`bot.runtime.catch_up`): which channels and threads are
read, how, and where the bot stands in them.

Discord does not replay to a new session what was posted before it, and a resumed session
only gets what its server kept, so the bot catches up on every ready and every resume: each
text channel and active thread it can read (the gateway's, those `GET
/guilds/{id}/threads/active` lists, and those the records name: threads archived since, a
channel with a claim) from its cursor up to the moment it connected. Positions are message
ids (snowflakes, which carry their time). A shard process reads only its own servers'
channels (bot.discord_bot.shards); the records name every shard's. Messages are built one by
one (see `history`), so one that discord.py cannot read is skipped and logged, not its whole
channel.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import Any

import discord
from discord.utils import time_snowflake

from bot.discord_bot import cursors
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.failures import describe_failure
from bot.discord_bot.history import read_active_threads, read_window
from bot.discord_bot.replies import SEND_FAILURES
from bot.discord_bot.shards import runs_guild
from bot.runtime.catch_up import CatchUp, Window
from bot.runtime.catch_up import CatchUpReport as CatchUpReport  # noqa: PLC0414 - re-exported
from bot.runtime.cursors import Claim, ReadingState
from bot.runtime.progress import Progress

log = logging.getLogger(__name__)

Readable = discord.TextChannel | discord.Thread


class DiscordSource:
    """The guilds' channels and threads as the catch-up reads them."""

    failures = SEND_FAILURES
    sdk = "discord.py"

    def __init__(self, bot: discord.Client, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps
        # Channels from the shared records that belong to other shard processes' servers:
        # looked up once, then left to them.
        self._foreign: set[int] = set()

    def describe(self, exc: BaseException) -> str:
        """Discord's code and message for a failed request."""
        return describe_failure(exc)

    def position(self, moment: datetime) -> int:
        """The lowest snowflake of `moment`."""
        return time_snowflake(moment, high=False)

    def start_of(self, channel: Readable) -> int:
        """A thread's first message shares its id, so "after" starts just before it."""
        return channel.id - 1

    def channel_id(self, channel: Readable) -> int:
        """The channel's or thread's id."""
        return channel.id

    async def watched(self, only: Iterable[int] | None, report: CatchUpReport) -> list[Readable]:
        """Text channels and active threads the bot can read in every guild it is in (or the
        channels `only` names)."""
        if only is not None:
            return await self._resolve(only, report)
        found: list[Readable] = []
        mod_log = self.deps.settings.discord.mod_log_channel_id
        for guild in self.bot.guilds:
            channels: list[Readable] = [*guild.text_channels, *guild.threads]
            found += [c for c in channels if c.id != mod_log and _readable(c)]
        return found

    async def more(
        self,
        known: set[int],
        state: ReadingState,
        report: CatchUpReport,
        hold: Callable[[Readable], None],
    ) -> list[Readable]:
        """Active threads the gateway did not announce, and channels the records name."""
        found = await self._active_threads(known, hold)
        known = known | {thread.id for thread in found}
        extra = (state.recent_channels | {c.channel_id for c in state.claims}) - known
        for channel in await self._resolve(extra - self._foreign, report):
            hold(channel)
            found.append(channel)
        return found

    async def _active_threads(
        self, known: set[int], hold: Callable[[Readable], None]
    ) -> list[Readable]:
        """GET /guilds/{id}/threads/active for each guild."""
        found: list[Readable] = []
        for guild in self.bot.guilds:
            try:
                threads = await read_active_threads(guild)
            except SEND_FAILURES as exc:
                log.warning(
                    "could not list the active threads of %s (%s)", guild.id, describe_failure(exc)
                )
                continue
            for thread in threads:
                if thread.id not in known and _readable(thread):
                    hold(thread)
                    found.append(thread)
        return found

    async def _resolve(self, channel_ids: Iterable[int], report: CatchUpReport) -> list[Readable]:
        """Channels known from the records (threads archived since, say) that still exist;
        one that cannot be looked up for now (not gone, not hidden) counts as failed."""
        found: list[Readable] = []
        for channel_id in channel_ids:
            channel: Any = self.bot.get_channel(channel_id)
            if channel is None:
                try:
                    channel = await self.bot.fetch_channel(channel_id)
                except (discord.NotFound, discord.Forbidden) as exc:
                    log.info("channel %s is gone or hidden (%s)", channel_id, describe_failure(exc))
                    continue
                except SEND_FAILURES as exc:
                    log.warning(
                        "could not look up channel %s (%s)", channel_id, describe_failure(exc)
                    )
                    report.failed_channels.append(channel_id)
                    continue
            if not isinstance(channel, Readable):
                continue
            if not runs_guild(self.deps.settings.discord, channel.guild.id):
                # Another shard process's server: the records are shared, its channels not
                # ours (nor is its server in this process's cache, so no permissions to read).
                self._foreign.add(channel.id)
                continue
            if _readable(channel):
                found.append(channel)
        return found

    def owns(self, channel_id: int) -> bool:
        """False for another shard process's channel."""
        return channel_id not in self._foreign

    async def read(
        self, channel: Readable, after: int, before: int, cap: int
    ) -> Window[discord.Message]:
        """GET /channels/{id}/messages, page by page, each message built on its own."""
        return await read_window(channel, after, before, cap)

    async def claimed(self, claim: Claim) -> discord.Message | None:
        """The claimed message, read through the API (None: not readable, or not ours)."""
        try:
            channel: Any = self.bot.get_channel(claim.channel_id) or await self.bot.fetch_channel(
                claim.channel_id
            )
            message: discord.Message = await channel.fetch_message(claim.message_id)
        except SEND_FAILURES as exc:
            log.warning(
                "could not fetch claimed message %s (%s)", claim.message_id, describe_failure(exc)
            )
            return None
        guild = getattr(channel, "guild", None)
        if guild is not None and not runs_guild(self.deps.settings.discord, guild.id):
            self._foreign.add(claim.channel_id)
            return None
        return message

    def by_bot(self, message: discord.Message) -> bool:
        """Bots' messages are never answered."""
        return message.author.bot

    def closed(self) -> bool:
        """Whether the bot is closing."""
        return self.bot.is_closed()

    def caught_up(self, report: CatchUpReport) -> None:
        """Dispatch `evidence_caught_up(report)` for extensions and tests."""
        self.bot.dispatch("evidence_caught_up", report)

    async def reading_state(self, window_start: datetime) -> ReadingState:
        """Cursors, claims and the first start, read on the core thread."""
        return await self.deps.runner.call(
            cursors.reading_state, self.deps.service.db, window_start
        )

    async def advance(self, channel_id: int, cursor: int) -> None:
        """Store the channel's cursor on the core thread."""
        await self.deps.runner.call(cursors.advance, self.deps.service.db, channel_id, cursor)


def discord_catch_up(
    bot: discord.Client,
    deps: DiscordDeps,
    progress: Progress,
    handle: Callable[[discord.Message], Awaitable[bool]],
) -> CatchUp[Readable, discord.Message]:
    """The catch-up of the bot's channels; `handle` answers a message, True if it replied."""
    return CatchUp(DiscordSource(bot, deps), lambda: deps.settings.reply, progress, handle)


def _readable(channel: Readable) -> bool:
    """Whether the bot may read the channel's history."""
    permissions = channel.permissions_for(channel.guild.me)
    return permissions.view_channel and permissions.read_message_history
