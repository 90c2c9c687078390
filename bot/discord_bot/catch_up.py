"""Reading what was posted while the bot was away, so downtime loses nothing.

Discord does not replay to a new session what was posted before it, and a resumed session
only gets what its server kept. So on every ready and every resume the bot reads each
watched channel's and active thread's history after the last message it handled there (its
cursor; see `cursors`), up to the moment it connected, and hands each message it had not
seen to the same handler as live messages: it answers what still needs answering and logs
every sighting; messages already answered are recognised by the reply log.

Bounds: nothing older than `reply.catch_up_hours`, at most `reply.catch_up_max_messages`
per channel (the newest ones, when more came in). A message claimed by a killed process
(claimed, never confirmed) is read again too: past the lease it is taken over there and
then; within the lease it is looked at again when the lease ends. A shard process reads
only its own servers' channels (bot.discord_bot.shards); the records name every shard's.

A channel that cannot be read keeps its cursor held (live messages answered meanwhile do not
move it past the unread ones) and is read again after `reply.catch_up_retry_seconds`,
doubling while it keeps failing. Messages are built one by one (see `history`), so one that
discord.py cannot read is skipped and logged, not its whole channel.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import discord
from discord.utils import time_snowflake

from bot.discord_bot import cursors
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.failures import describe_failure
from bot.discord_bot.history import read_active_threads, read_window
from bot.discord_bot.replies import SEND_FAILURES, Sent
from bot.discord_bot.shards import runs_guild
from bot.runtime.progress import Progress
from records.wording import counted

log = logging.getLogger(__name__)

CHANNELS_AT_ONCE = 8  # channels caught up in parallel (each has its own rate-limit bucket)
RETRY_MAX_SECONDS = 1800.0  # the longest pause before reading a failed channel again

Handler = Callable[[discord.Message], Awaitable[Sent]]
Readable = discord.TextChannel | discord.Thread


@dataclass
class CatchUpReport:
    """What one catch-up did."""

    reason: str
    channels: int = 0
    read: int = 0
    handled: int = 0
    replies: int = 0
    failed_channels: list[int] = field(default_factory=list)
    capped_channels: list[int] = field(default_factory=list)
    skipped_messages: list[int] = field(default_factory=list)  # ones discord.py cannot read
    retry_in: float | None = None  # seconds until the failed channels are read again

    def summary(self) -> str:
        """One line for the log: what was read and answered, and what was not."""
        text = (
            f"caught up ({self.reason}): read {counted(self.read, 'message')} in "
            f"{counted(self.channels, 'channel')}, handled {self.handled}, "
            f"sent {counted(self.replies, 'reply')}"
        )
        if self.skipped_messages:
            text += (
                f"; skipped {counted(len(self.skipped_messages), 'message')} discord.py could "
                f"not read ({', '.join(map(str, self.skipped_messages))})"
            )
        if self.failed_channels:
            text += (
                f"; could not read {counted(len(self.failed_channels), 'channel')} "
                f"({', '.join(map(str, self.failed_channels))})"
            )
            if self.retry_in is not None:
                text += f", trying again in {self.retry_in:g} s"
        return text


class CatchUp:
    """Runs catch-ups one at a time; a request during one runs another after it."""

    def __init__(
        self, bot: discord.Client, deps: DiscordDeps, progress: Progress, handle: Handler
    ) -> None:
        self.bot = bot
        self.deps = deps
        self.progress = progress
        self.handle = handle
        self._lock = asyncio.Lock()
        self._retakes: dict[int, asyncio.Task[None]] = {}  # message id → its look
        self._retry: asyncio.Task[None] | None = None  # the next read of failed channels
        self._retry_failures = 0  # catch-ups in a row that left channels unread
        # Channels from the shared records that belong to other shard processes' servers:
        # looked up once, then left to them.
        self._foreign: set[int] = set()

    async def run(self, reason: str, only: Iterable[int] | None = None) -> CatchUpReport | None:
        """Read every watched channel's missed messages (or only the channels `only` names);
        None when catching up is off. Channels that could not be read are read again later."""
        hours = self.deps.settings.reply.catch_up_hours
        if hours <= 0:
            return None
        async with self._lock:
            now = datetime.now(UTC)
            try:
                report = await self._run(reason, now, now - timedelta(hours=hours), only)
            except Exception:
                # The cursors stay where they were, so the next catch-up reads this span.
                log.exception("catch-up (%s) failed; the next one reads the same span", reason)
                raise
            report.retry_in = self._schedule_retry(report.failed_channels)
        if report.failed_channels or report.skipped_messages:
            log.warning("%s", report.summary())
        else:
            log.info("%s", report.summary())
        if not self.bot.is_closed():
            self.bot.dispatch("evidence_caught_up", report)
        return report

    def _schedule_retry(self, failed: list[int]) -> float | None:
        """Read the failed channels again after a pause that doubles with each catch-up that
        still leaves some unread (up to `RETRY_MAX_SECONDS`); the delay, or None."""
        if self._retry is not None and self._retry is not asyncio.current_task():
            self._retry.cancel()  # this catch-up read those channels, or failed them again
        self._retry = None
        if not failed:
            self._retry_failures = 0
            return None
        first = self.deps.settings.reply.catch_up_retry_seconds
        delay = min(first * 2.0**self._retry_failures, max(first, RETRY_MAX_SECONDS))
        self._retry_failures += 1
        self._retry = asyncio.create_task(self._read_again(list(failed), delay))
        return delay

    async def _read_again(self, channel_ids: list[int], delay: float) -> None:
        await asyncio.sleep(delay)
        if self.bot.is_closed():
            return
        try:
            await self.run("retry", only=channel_ids)
        except Exception:
            # `run` logged it (the records database locked, say); the channels are still
            # unread, so they are tried again after a longer pause.
            self._schedule_retry(channel_ids)

    async def _run(
        self, reason: str, now: datetime, window_start: datetime, only: Iterable[int] | None
    ) -> CatchUpReport:
        report = CatchUpReport(reason)
        # Everything before this id was posted before the session began (live from then on).
        end = time_snowflake(now, high=False)
        watched: dict[int, Readable] = {}
        if only is None:
            watched = {channel.id: channel for channel in self._cached_channels()}
        else:
            watched = {channel.id: channel for channel in await self._resolve(only, report)}
        for channel_id in watched:
            self.progress.hold(channel_id)
        state = await self.deps.runner.call(
            cursors.reading_state, self.deps.service.db, window_start
        )
        if only is None:
            watched.update(await self._active_threads(watched))
            extra = (state.recent_channels | {c.channel_id for c in state.claims}) - set(watched)
            extra -= self._foreign
            for channel in await self._resolve(extra, report):
                watched[channel.id] = channel
                self.progress.hold(channel.id)
        floor = time_snowflake(window_start)
        since = time_snowflake(state.watching_since)
        claims: dict[int, int] = {}
        for claim in state.claims:
            claims[claim.channel_id] = min(
                claims.get(claim.channel_id, claim.message_id), claim.message_id
            )
        limit = asyncio.Semaphore(CHANNELS_AT_ONCE)

        async def one(channel: Readable) -> None:
            cursor = state.cursors.get(channel.id)
            # A thread's first message shares its id, so "after" starts just before it.
            start = cursor if cursor is not None else max(since, channel.id - 1)
            if channel.id in claims:
                start = min(start, claims[channel.id] - 1)
            start = max(start, floor)
            async with limit:
                await self._channel(channel, start, end, report)

        outcomes = await asyncio.gather(
            *(one(channel) for channel in watched.values()), return_exceptions=True
        )
        for channel_id, outcome in zip(watched, outcomes, strict=True):
            if isinstance(outcome, Exception):
                # Its cursor stays held, so the next catch-up reads the channel again.
                log.error("catch-up of channel %s failed", channel_id, exc_info=outcome)
                report.failed_channels.append(channel_id)
            elif isinstance(outcome, BaseException):
                raise outcome  # cancelled: the bot is closing
        self._schedule_retakes(state.claims, now)
        return report

    def _cached_channels(self) -> list[Readable]:
        """Text channels and active threads the bot can read, in every guild it is in."""
        found: list[Readable] = []
        mod_log = self.deps.settings.discord.mod_log_channel_id
        for guild in self.bot.guilds:
            channels: list[Readable] = [*guild.text_channels, *guild.threads]
            for channel in channels:
                if channel.id != mod_log and _readable(channel):
                    found.append(channel)
        return found

    async def _active_threads(self, known: dict[int, Readable]) -> dict[int, Readable]:
        """Active threads the gateway did not announce (GET /guilds/{id}/threads/active)."""
        found: dict[int, Readable] = {}
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
                    self.progress.hold(thread.id)
                    found[thread.id] = thread
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

    async def _channel(
        self, channel: Readable, start: int, end: int, report: CatchUpReport
    ) -> None:
        """Read the channel's messages between `start` and `end` and handle the unseen ones."""
        report.channels += 1
        if start >= end - 1:
            await self._store(channel.id, self.progress.release(channel.id, read_up_to=start))
            return
        cap = self.deps.settings.reply.catch_up_max_messages
        try:
            window = await read_window(channel, start, end, cap)
        except SEND_FAILURES as exc:
            # The channel stays held: live messages answered meanwhile do not move its
            # cursor past the ones still unread, which the retry reads.
            log.warning(
                "could not read the history of channel %s (%s)", channel.id, describe_failure(exc)
            )
            report.failed_channels.append(channel.id)
            return
        if window.capped:
            log.warning(
                "channel %s: more than %d messages to catch up; older ones are skipped "
                "(reply.catch_up_max_messages)",
                channel.id,
                cap,
            )
            report.capped_channels.append(channel.id)
        report.skipped_messages.extend(window.skipped)
        batch = [m for m in reversed(window.messages) if not self.progress.seen(m.id)]
        report.read += window.count
        for message in batch:
            self.progress.begin(channel.id, message.id)
        read_up_to = window.newest or start
        await self._store(channel.id, self.progress.release(channel.id, read_up_to=read_up_to))
        for message in batch:
            if message.author.bot:
                await self._store(
                    channel.id, self.progress.end(channel.id, message.id, handled=True)
                )
                continue
            sent = await self.handle(message)
            report.handled += 1
            report.replies += sent.reply is not None

    async def _store(self, channel_id: int, cursor: int | None) -> None:
        if cursor is not None:
            await self.deps.runner.call(cursors.advance, self.deps.service.db, channel_id, cursor)

    def _schedule_retakes(self, claims: Iterable[cursors.Claim], now: datetime) -> None:
        """Look again at claims still within their lease once it ends (their process may be
        alive elsewhere; if it died, nobody else would ever answer those messages)."""
        lease = timedelta(seconds=self.deps.settings.reply.claim_lease_seconds)
        for claim in claims:
            due = claim.claimed_at + lease
            if claim.channel_id in self._foreign:
                continue
            if due > now and claim.message_id not in self._retakes:
                delay = (due - now).total_seconds() + 1
                task = asyncio.create_task(self._retake(claim, delay))
                self._retakes[claim.message_id] = task
                task.add_done_callback(partial(self._forget_retake, claim.message_id))

    def _forget_retake(self, message_id: int, _: asyncio.Task[None]) -> None:
        self._retakes.pop(message_id, None)

    async def _retake(self, claim: cursors.Claim, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.bot.is_closed():
            return
        try:
            channel: Any = self.bot.get_channel(claim.channel_id) or await self.bot.fetch_channel(
                claim.channel_id
            )
            guild = getattr(channel, "guild", None)
            if guild is not None and not runs_guild(self.deps.settings.discord, guild.id):
                self._foreign.add(claim.channel_id)
                return
            message = await channel.fetch_message(claim.message_id)
        except SEND_FAILURES as exc:
            log.warning(
                "could not fetch claimed message %s (%s)", claim.message_id, describe_failure(exc)
            )
            return
        await self.handle(message)

    def cancel(self) -> None:
        """Stop waiting for leases to end and for retries (the bot is closing)."""
        for task in list(self._retakes.values()):
            task.cancel()
        if self._retry is not None:
            self._retry.cancel()


def _readable(channel: Readable) -> bool:
    """Whether the bot may read the channel's history."""
    permissions = channel.permissions_for(channel.guild.me)
    return permissions.view_channel and permissions.read_message_history
