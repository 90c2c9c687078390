"""Discord's side of the catch-up (`bot.runtime.catch_up`): which channels and threads are
read, and how.

Discord replays nothing posted before a new session, and a resumed one only what its server
kept, so the bot catches up on every ready and resume: each text channel and active thread
it can read (the gateway's, those GET /guilds/{id}/threads/active lists, and those the
records name) from its cursor to the moment it connected. Positions are snowflakes, which
carry their time. A shard process reads only its own servers' channels (`shards`).

discord.py builds the messages of `history()` inside its iterator, and all threads of
`Guild.active_threads()` at once, so one item it cannot build (role objects where it wants
role ids, say) would end the whole read. Here the same endpoints are read (GET
/channels/{id}/messages newest first, https://discord.com/developers/docs/resources/message#get-channel-messages;
https://discord.com/developers/docs/resources/guild#list-active-guild-threads) and each item
is built on its own: one that fails is logged and skipped, not the rest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

import discord
from discord.utils import time_snowflake

from bot.discord_bot import cursors
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.failures import describe_failure, exception_summary
from bot.discord_bot.replies import SEND_FAILURES
from bot.discord_bot.shards import runs_guild
from bot.runtime.catch_up import CatchUpReport as CatchUpReport  # noqa: PLC0414 - re-exported
from bot.runtime.catch_up import Window, read_back
from bot.runtime.cursors import Claim, ReadingState

log = logging.getLogger(__name__)

PAGE = 100  # Discord's largest page of messages
Readable = discord.TextChannel | discord.Thread


class DiscordSource:
    """The guilds' channels and threads as the catch-up reads them (`runtime.catch_up.Source`
    says what each method does)."""

    failures = SEND_FAILURES
    sdk = "discord.py"
    describe = staticmethod(describe_failure)

    def __init__(self, bot: discord.Client, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps
        # Channels from the shared records that belong to other shard processes' servers:
        # looked up once, then left to them.
        self._foreign: set[int] = set()

    def position(self, moment: datetime) -> int:
        """The lowest snowflake of `moment`."""
        return time_snowflake(moment, high=False)

    def start_of(self, channel: Readable) -> int:
        """A thread's first message shares its id, so "after" starts just before it."""
        return channel.id - 1

    def channel_id(self, channel: Readable) -> int:
        return channel.id

    async def watched(self, only: Iterable[int] | None, report: CatchUpReport) -> list[Readable]:
        """Text channels and active threads the bot can read in every guild it is in (or,
        looked up, the channels `only` names that still exist; one that cannot be looked up
        for now, neither gone nor hidden, counts as failed)."""
        if only is None:
            mod_log = self.deps.settings.discord.mod_log_channel_id
            found: list[Readable] = []
            for guild in self.bot.guilds:
                found += [*guild.text_channels, *guild.threads]
            return [c for c in found if c.id != mod_log and _readable(c)]
        channels: list[Readable] = []
        for channel_id in only:
            try:
                channel = await self._channel(channel_id)
            except (discord.NotFound, discord.Forbidden) as exc:
                log.info("channel %s is gone or hidden (%s)", channel_id, describe_failure(exc))
                continue
            except SEND_FAILURES as exc:
                log.warning("could not look up channel %s (%s)", channel_id, describe_failure(exc))
                report.failed_channels.append(channel_id)
                continue
            if isinstance(channel, Readable) and self._ours(channel) and _readable(channel):
                channels.append(channel)
        return channels

    async def more(
        self,
        known: set[int],
        state: ReadingState,
        report: CatchUpReport,
        hold: Callable[[Readable], None],
    ) -> list[Readable]:
        """Active threads the gateway did not announce (GET /guilds/{id}/threads/active),
        each built on its own: one discord.py cannot build is logged and left out."""
        found: list[Readable] = []
        for guild in self.bot.guilds:
            connection: Any = guild._state
            try:
                data: dict[str, Any] = await connection.http.get_active_threads(guild.id)
            except SEND_FAILURES as exc:
                reason = describe_failure(exc)
                log.warning("could not list the active threads of %s (%s)", guild.id, reason)
                continue
            for raw in data.get("threads") or []:
                try:
                    thread = discord.Thread(guild=guild, state=connection, data=raw)
                except Exception as exc:
                    log.error(
                        "guild %s: left out thread %s, which discord.py could not read (%s)",
                        guild.id,
                        raw.get("id") if isinstance(raw, dict) else "?",
                        exception_summary(exc),
                    )
                    continue
                if thread.id not in known and _readable(thread):
                    hold(thread)
                    found.append(thread)
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
        message = await self.fetch_message(claim.channel_id, claim.message_id)
        return message if message is not None and self._ours(message.channel) else None

    async def fetch_message(self, channel_id: int, message_id: int) -> discord.Message | None:
        """A message read through the HTTP API (None, logged: it could not be fetched)."""
        try:
            channel = await self._channel(channel_id)
            message: discord.Message = await channel.fetch_message(message_id)
        except SEND_FAILURES as exc:
            log.warning("could not fetch message %s (%s)", message_id, describe_failure(exc))
            return None
        return message

    async def _channel(self, channel_id: int) -> Any:
        """The channel from the cache, or else from the API."""
        return self.bot.get_channel(channel_id) or await self.bot.fetch_channel(channel_id)

    def _ours(self, channel: Any) -> bool:
        """Whether this process runs the channel's server; another shard process's server
        is left to it (nor is it in this process's cache, so no permissions to read)."""
        guild = getattr(channel, "guild", None)
        if guild is None or runs_guild(self.deps.settings.discord, guild.id):
            return True
        self._foreign.add(channel.id)
        return False

    def by_bot(self, message: discord.Message) -> bool:
        """Bots' messages are never answered."""
        return message.author.bot

    def closed(self) -> bool:
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


def _readable(channel: Readable) -> bool:
    """Whether the bot may read the channel's history."""
    permissions = channel.permissions_for(channel.guild.me)
    return permissions.view_channel and permissions.read_message_history


async def read_window(
    channel: discord.TextChannel | discord.Thread, after: int, before: int, cap: int
) -> Window[discord.Message]:
    """The newest `cap` messages with `after` < id < `before`; raises what the request raises."""
    http: Any = channel._state.http

    async def page(before: int, limit: int) -> list[Any]:
        found: list[Any] = await http.logs_from(channel.id, limit, before=before)
        return found

    def build(raw: Any) -> discord.Message:
        # discord.py has no public way to build one message from its payload; this is what
        # `history()` itself does (ConnectionState.create_message).
        return discord.Message(state=channel._state, channel=channel, data=raw)

    def skipped(message_id: int, exc: Exception) -> None:
        log.error(
            "channel %s: skipped message %s, which discord.py could not read (%s)",
            channel.id,
            message_id,
            exception_summary(exc),
        )

    return await read_back(page, build, (after, before, cap), page=PAGE, skipped=skipped)
