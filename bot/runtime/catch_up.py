"""Reading what was posted while an async bot was away, so downtime loses nothing.

A platform that does not replay to a new session what was posted before it (Discord, a
Matrix client started without its sync token) is caught up on every start and resume: each
watched stream's history after the last message handled there (its cursor, see `cursors`)
is read up to the moment the bot connected, and each message not seen yet goes to the same
handler as live messages, which answers what still needs answering; messages answered
already are recognised by the reply log. The platform supplies a `Source` (which streams to
watch, how to read a window of one, positions from times); everything else is here.

Bounds: nothing older than `reply.catch_up_hours`, at most `reply.catch_up_max_messages`
per stream (the newest ones, when more came in). A message claimed by a killed process
(claimed, never confirmed) is read again too: past the lease it is taken over there and
then; within the lease it is looked at again when the lease ends.

A stream that cannot be read keeps its cursor held (live messages answered meanwhile do not
move it past the unread ones) and is read again after `reply.catch_up_retry_seconds`,
doubling while it keeps failing. A message the platform's SDK cannot build is skipped and
reported (`Window.skipped`), not its whole stream.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

from bot.runtime.cursors import Claim, ReadingState
from bot.runtime.progress import Progress
from config.settings import ReplySettings
from records.wording import counted

log = logging.getLogger(__name__)

CHANNELS_AT_ONCE = 8  # streams caught up in parallel (each has its own rate-limit bucket)
RETRY_MAX_SECONDS = 1800.0  # the longest pause before reading a failed stream again


class Message(Protocol):
    """What the catch-up needs of a platform's message."""

    @property
    def id(self) -> int:
        """The message's id; ids grow with time."""
        ...


M = TypeVar("M", bound=Message)
C = TypeVar("C")
# Handles one message as a live one is handled (ending it in the `Progress` ledger and
# storing the cursor that returns); True when it sent a reply.
Handler = Callable[[M], Awaitable[bool]]


@dataclass
class Window(Generic[M]):
    """The messages read (newest first), the ids of those skipped, and whether the cap cut
    the read short (older messages in the window were left unread)."""

    messages: list[M] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)
    capped: bool = False

    @property
    def count(self) -> int:
        """How many messages were read, built or skipped."""
        return len(self.messages) + len(self.skipped)

    @property
    def newest(self) -> int | None:
        """The id of the newest message read, or None when there was none."""
        ids = [m.id for m in self.messages[:1]] + self.skipped
        return max(ids) if ids else None


async def read_back(
    fetch_page: Callable[[int, int], Awaitable[list[Any]]],
    build: Callable[[Any], M],
    window: tuple[int, int, int],
    *,
    page: int,
    skipped: Callable[[int, Exception], None],
) -> Window[M]:
    """The newest `cap` messages with `after` < id < `before` (`window`), read page by page
    newest first (`fetch_page(before, limit)`: raw items with an `id`), each built on its
    own: one `build` raises for is reported to `skipped` and left out, not the whole read
    (an SDK that builds a page in one go would lose every other message with it)."""
    after, before, cap = window
    found: Window[M] = Window()
    cursor = before
    while found.count < cap:
        wanted = min(page, cap - found.count)
        raws = await fetch_page(cursor, wanted)
        ids = [_id_of(raw) for raw in raws]
        for raw, message_id in zip(raws, ids, strict=True):
            if message_id is None or message_id <= after:
                continue
            try:
                found.messages.append(build(raw))
            except Exception as exc:
                skipped(message_id, exc)
                found.skipped.append(message_id)
        known = [i for i in ids if i is not None]
        if len(raws) < wanted or not known or min(known) <= after:
            return found
        cursor = min(known)
    found.capped = True
    return found


def _id_of(raw: Any) -> int | None:
    try:
        return int(raw["id"])
    except (KeyError, TypeError, ValueError):
        return None


@dataclass
class CatchUpReport:
    """What one catch-up did."""

    reason: str
    sdk: str = "the platform's SDK"  # who could not read the skipped messages
    channels: int = 0
    read: int = 0
    handled: int = 0
    replies: int = 0
    failed_channels: list[int] = field(default_factory=list)
    capped_channels: list[int] = field(default_factory=list)
    skipped_messages: list[int] = field(default_factory=list)  # ones the SDK cannot read
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
                f"; skipped {counted(len(self.skipped_messages), 'message')} {self.sdk} could "
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


class Source(Protocol[C, M]):
    """The platform's side of a catch-up: its streams (`C`) and messages (`M`).

    `failures` are what reading may raise and leaves the stream for a later read.
    """

    failures: tuple[type[BaseException], ...]
    sdk: str  # the SDK's name, for the report

    def describe(self, exc: BaseException) -> str:
        """A short reason for a failed request, for the log."""
        ...

    def position(self, moment: datetime) -> int:
        """The lowest id a message posted at `moment` can have."""
        ...

    def start_of(self, channel: C) -> int:
        """Just before the stream's first message (a thread's first message shares its id)."""
        ...

    def channel_id(self, channel: C) -> int:
        """The stream's id."""
        ...

    async def watched(self, only: Iterable[int] | None, report: CatchUpReport) -> list[C]:
        """Every stream the bot watches now, or those of `only` that still exist; one that
        cannot be looked up for now goes to `report.failed_channels`."""
        ...

    async def more(
        self, known: set[int], state: ReadingState, report: CatchUpReport, hold: Callable[[C], None]
    ) -> list[C]:
        """Streams beyond `watched` to read in a full catch-up, other than those the records
        name (the catch-up looks those up with `watched`); `hold` each as soon as it is known."""
        ...

    def owns(self, channel_id: int) -> bool:
        """Whether this process reads that stream (a sharded bot reads only its own)."""
        ...

    async def read(self, channel: C, after: int, before: int, cap: int) -> Window[M]:
        """The newest `cap` messages with `after` < id < `before`."""
        ...

    async def claimed(self, claim: Claim) -> M | None:
        """The claimed message (None: unreadable now, or not this process's)."""
        ...

    def by_bot(self, message: M) -> bool:
        """Whether a bot wrote the message (never answered)."""
        ...

    def closed(self) -> bool:
        """Whether the bot is closing."""
        ...

    def caught_up(self, report: CatchUpReport) -> None:
        """Tell the bot (its extensions, the tests) a catch-up ended."""
        ...

    async def reading_state(self, window_start: datetime) -> ReadingState:
        """Cursors, unconfirmed claims and the first start, from the records."""
        ...

    async def advance(self, channel_id: int, cursor: int) -> None:
        """Store the stream's new cursor."""
        ...


class CatchUp(Generic[C, M]):
    """Runs catch-ups one at a time; a request during one runs another after it."""

    def __init__(
        self,
        source: Source[C, M],
        settings: Callable[[], ReplySettings],
        progress: Progress,
        handle: Handler[M],
    ) -> None:
        self.source = source
        self.settings = settings
        self.progress = progress
        self.handle = handle
        self._lock = asyncio.Lock()
        self._retakes: dict[int, asyncio.Task[None]] = {}  # message id → its look
        self._retry: asyncio.Task[None] | None = None  # the next read of failed streams
        self._retry_failures = 0  # catch-ups in a row that left streams unread

    async def run(self, reason: str, only: Iterable[int] | None = None) -> CatchUpReport | None:
        """Read every watched stream's missed messages (or only the streams `only` names);
        None when catching up is off. Streams that could not be read are read again later."""
        hours = self.settings().catch_up_hours
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
        if not self.source.closed():
            self.source.caught_up(report)
        return report

    def _schedule_retry(self, failed: list[int]) -> float | None:
        """Read the failed streams again after a pause that doubles with each catch-up that
        still leaves some unread (up to `RETRY_MAX_SECONDS`); the delay, or None."""
        if self._retry is not None and self._retry is not asyncio.current_task():
            self._retry.cancel()  # this catch-up read those streams, or failed them again
        self._retry = None
        if not failed:
            self._retry_failures = 0
            return None
        first = self.settings().catch_up_retry_seconds
        delay = min(first * 2.0**self._retry_failures, max(first, RETRY_MAX_SECONDS))
        self._retry_failures += 1
        self._retry = asyncio.create_task(self._read_again(list(failed), delay))
        return delay

    async def _read_again(self, channel_ids: list[int], delay: float) -> None:
        await asyncio.sleep(delay)
        if self.source.closed():
            return
        try:
            await self.run("retry", only=channel_ids)
        except Exception:
            # `run` logged it (the records database locked, say); the streams are still
            # unread, so they are tried again after a longer pause.
            self._schedule_retry(channel_ids)

    async def _run(
        self, reason: str, now: datetime, window_start: datetime, only: Iterable[int] | None
    ) -> CatchUpReport:
        source = self.source
        report = CatchUpReport(reason, sdk=source.sdk)
        # Everything before this id was posted before the session began (live from then on).
        end = source.position(now)
        watched = {source.channel_id(c): c for c in await source.watched(only, report)}
        for channel_id in watched:
            self.progress.hold(channel_id)
        state = await source.reading_state(window_start)
        if only is None:

            def hold(channel: C) -> None:
                self.progress.hold(source.channel_id(channel))

            for channel in await source.more(set(watched), state, report, hold):
                watched[source.channel_id(channel)] = channel
            # Streams the records name (a cursor moved within the window, a claim) that
            # nothing listed now: threads archived since, say. Another process's are its own.
            named = state.recent_channels | {claim.channel_id for claim in state.claims}
            unlisted = [i for i in named if i not in watched and source.owns(i)]
            for channel in await source.watched(unlisted, report):
                hold(channel)
                watched[source.channel_id(channel)] = channel
        floor = source.position(window_start)
        since = source.position(state.watching_since)
        claims: dict[int, int] = {}
        for claim in state.claims:
            claims[claim.channel_id] = min(
                claims.get(claim.channel_id, claim.message_id), claim.message_id
            )
        limit = asyncio.Semaphore(CHANNELS_AT_ONCE)

        async def one(channel_id: int, channel: C) -> None:
            cursor = state.cursors.get(channel_id)
            start = cursor if cursor is not None else max(since, source.start_of(channel))
            if channel_id in claims:
                start = min(start, claims[channel_id] - 1)
            start = max(start, floor)
            async with limit:
                await self._channel(channel_id, channel, start, end, report)

        outcomes = await asyncio.gather(
            *(one(i, c) for i, c in watched.items()), return_exceptions=True
        )
        for channel_id, outcome in zip(watched, outcomes, strict=True):
            if isinstance(outcome, Exception):
                # Its cursor stays held, so the next catch-up reads the stream again.
                log.error("catch-up of channel %s failed", channel_id, exc_info=outcome)
                report.failed_channels.append(channel_id)
            elif isinstance(outcome, BaseException):
                raise outcome  # cancelled: the bot is closing
        self._schedule_retakes(state.claims, now)
        return report

    async def _channel(
        self, channel_id: int, channel: C, start: int, end: int, report: CatchUpReport
    ) -> None:
        """Read the stream's messages between `start` and `end` and handle the unseen ones."""
        report.channels += 1
        if start >= end - 1:
            await self._store(channel_id, self.progress.release(channel_id, read_up_to=start))
            return
        cap = self.settings().catch_up_max_messages
        try:
            window = await self.source.read(channel, start, end, cap)
        except self.source.failures as exc:
            # The stream stays held: live messages answered meanwhile do not move its
            # cursor past the ones still unread, which the retry reads.
            reason = self.source.describe(exc)
            log.warning("could not read the history of channel %s (%s)", channel_id, reason)
            report.failed_channels.append(channel_id)
            return
        if window.capped:
            log.warning(
                "channel %s: more than %d messages to catch up; older ones are skipped "
                "(reply.catch_up_max_messages)",
                channel_id,
                cap,
            )
            report.capped_channels.append(channel_id)
        report.skipped_messages.extend(window.skipped)
        batch = [m for m in reversed(window.messages) if not self.progress.seen(m.id)]
        report.read += window.count
        for message in batch:
            self.progress.begin(channel_id, message.id)
        read_up_to = window.newest or start
        await self._store(channel_id, self.progress.release(channel_id, read_up_to=read_up_to))
        for message in batch:
            if self.source.by_bot(message):
                await self._store(
                    channel_id, self.progress.end(channel_id, message.id, handled=True)
                )
                continue
            replied = await self.handle(message)
            report.handled += 1
            report.replies += replied

    async def finished(self, channel_id: int, message_id: int, *, handled: bool) -> None:
        """A message the bot took on (`progress.begin`) is finished (`handled`) or failed:
        store the cursor that moves, unless the bot is closing."""
        cursor = self.progress.end(channel_id, message_id, handled=handled)
        if cursor is not None and not self.source.closed():
            await self.source.advance(channel_id, cursor)

    async def _store(self, channel_id: int, cursor: int | None) -> None:
        if cursor is not None:
            await self.source.advance(channel_id, cursor)

    def _schedule_retakes(self, claims: Iterable[Claim], now: datetime) -> None:
        """Look again at claims still within their lease once it ends (their process may be
        alive elsewhere; if it died, nobody else would ever answer those messages)."""
        lease = timedelta(seconds=self.settings().claim_lease_seconds)
        for claim in claims:
            if not self.source.owns(claim.channel_id):
                continue
            due = claim.claimed_at + lease
            if due > now and claim.message_id not in self._retakes:
                delay = (due - now).total_seconds() + 1
                task = asyncio.create_task(self._retake(claim, delay))
                self._retakes[claim.message_id] = task
                task.add_done_callback(partial(self._forget_retake, claim.message_id))

    def _forget_retake(self, message_id: int, _: asyncio.Task[None]) -> None:
        self._retakes.pop(message_id, None)

    async def _retake(self, claim: Claim, delay: float) -> None:
        await asyncio.sleep(delay)
        if self.source.closed():
            return
        message = await self.source.claimed(claim)
        if message is not None:
            await self.handle(message)

    def cancel(self) -> None:
        """Stop waiting for leases to end and for retries (the bot is closing)."""
        for task in list(self._retakes.values()):
            task.cancel()
        if self._retry is not None:
            self._retry.cancel()
