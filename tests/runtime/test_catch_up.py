"""The shared catch-up (`bot.runtime.catch_up`) over a platform of its own: an in-memory
source with two streams, as a Matrix or other async adapter would supply one.

The Discord tests (tests/discord/test_catch_up.py) run it against the fake Discord; these
show what any source gets: missed messages handled oldest first, bots' left alone, the
cursor moved to the newest handled, and a stream that cannot be read kept for a retry.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.runtime.catch_up import CatchUp, CatchUpReport, Window
from bot.runtime.cursors import Claim, ReadingState
from bot.runtime.progress import Progress
from config.settings import ReplySettings

SINCE = datetime(2026, 1, 1, tzinfo=UTC)


def position(moment: datetime) -> int:
    """Ids are milliseconds since the epoch, so they grow with time."""
    return int(moment.timestamp() * 1000)


def minutes_ago(minutes: int) -> int:
    """The id of a note posted `minutes` ago."""
    return position(datetime.now(UTC) - timedelta(minutes=minutes))


@dataclass(frozen=True)
class Note:
    """A message of the fake platform: its id (growing with time) and whether a bot wrote it."""

    id: int
    bot: bool = False


@dataclass
class Rooms:
    """An in-memory platform: streams of notes, one of which may refuse to be read."""

    notes: dict[int, list[Note]]
    unreadable: set[int] = field(default_factory=set)
    cursors: dict[int, int] = field(default_factory=dict)
    caught_up_reports: list[CatchUpReport] = field(default_factory=list)
    failures: tuple[type[BaseException], ...] = (ConnectionError,)
    sdk: str = "rooms"

    def describe(self, exc: BaseException) -> str:
        return str(exc)

    def position(self, moment: datetime) -> int:
        return position(moment)

    def start_of(self, channel: int) -> int:
        return 0

    def channel_id(self, channel: int) -> int:
        return channel

    async def watched(self, only: Iterable[int] | None, report: CatchUpReport) -> list[int]:
        return list(self.notes if only is None else only)

    async def more(
        self,
        known: set[int],
        state: ReadingState,
        report: CatchUpReport,
        hold: Callable[[int], None],
    ) -> list[int]:
        return []

    def owns(self, channel_id: int) -> bool:
        return True

    async def read(self, channel: int, after: int, before: int, cap: int) -> Window[Note]:
        if channel in self.unreadable:
            raise ConnectionError("room unreachable")
        newest_first = sorted(self.notes[channel], key=lambda n: n.id, reverse=True)
        return Window([n for n in newest_first if after < n.id < before][:cap])

    async def claimed(self, claim: Claim) -> Note | None:
        return None

    def by_bot(self, message: Note) -> bool:
        return message.bot

    def closed(self) -> bool:
        return False

    def caught_up(self, report: CatchUpReport) -> None:
        self.caught_up_reports.append(report)

    async def reading_state(self, window_start: datetime) -> ReadingState:
        return ReadingState(dict(self.cursors), frozenset(), (), SINCE)

    async def advance(self, channel_id: int, cursor: int) -> None:
        self.cursors[channel_id] = max(cursor, self.cursors.get(channel_id, 0))


async def test_any_source_gets_missed_messages_handled_oldest_first_and_its_cursors_moved() -> None:
    first, second, by_bot, other = (minutes_ago(m) for m in (30, 20, 10, 5))
    notes = {1: [Note(second), Note(first), Note(by_bot, bot=True)], 2: [Note(other)]}
    rooms = Rooms(notes, unreadable={2})
    handled: list[int] = []
    progress = Progress()

    async def handle(note: Note) -> bool:
        """As a live message is handled: answered, then ended in the ledger."""
        handled.append(note.id)
        cursor = progress.end(1, note.id, handled=True)
        if cursor is not None:
            await rooms.advance(1, cursor)
        return True

    catch_up = CatchUp(rooms, ReplySettings, progress, handle)
    try:
        report = await catch_up.run("ready")
    finally:
        catch_up.cancel()

    assert report is not None
    assert handled == [first, second]
    assert (report.read, report.handled, report.replies) == (3, 2, 2)
    assert rooms.cursors == {1: by_bot}  # past the bot's note, never into the unreadable room
    assert report.failed_channels == [2]
    assert report.retry_in is not None
    assert rooms.caught_up_reports == [report]
