"""Where an async bot stopped reading each stream (channel, thread, room): a catch-up's
starting points, for any platform whose message ids grow with time.

Each stream's cursor (`stream_state`, stream `channel:<id>`) is the id of a message such
that every message up to it was handled; it only moves forward. A `watching-since` stream
remembers when the bot first ran, so a stream without a cursor is read from then (never from
before the bot was installed). Plain synchronous functions over the records database; an
async bot calls them on its core thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from records.db import Database, write_transaction
from records.replies import stamp, unconfirmed_claims
from records.streams import Streams

CHANNEL_PREFIX = "channel:"
WATCHING_SINCE = "watching-since"


@dataclass(frozen=True)
class Claim:
    """A message claimed in the reply log whose reply was never confirmed."""

    channel_id: int
    message_id: int
    claimed_at: datetime


@dataclass(frozen=True)
class ReadingState:
    """What the catch-up needs to know before reading: cursors, claims, first start."""

    cursors: dict[int, int]
    recent_channels: frozenset[int]  # channels whose cursor moved within the window
    claims: tuple[Claim, ...]
    watching_since: datetime


def advance(db: Database, platform: str, channel_id: int, message_id: int) -> None:
    """Move the channel's cursor to `message_id` unless it is already further."""
    stream = f"{CHANNEL_PREFIX}{channel_id}"
    with write_transaction(db):
        current = Streams(db, platform).cursor(stream)
        if current is None or int(current) < message_id:
            Streams(db, platform).save_cursor(stream, str(message_id))


def watching_since(db: Database, platform: str) -> datetime:
    """When the bot first watched the platform: recorded now if this is the first start.

    Nothing older is ever caught up. A process records it before it connects, so a message
    that arrives live while the first catch-up waits its turn is never older than the mark
    (else, released by a stop, it was skipped by every later catch-up).
    """
    streams = Streams(db, platform)
    with write_transaction(db):
        since_text = streams.cursor(WATCHING_SINCE)
        if since_text is None:
            since = datetime.now(UTC)
            streams.save_cursor(WATCHING_SINCE, since.isoformat())
            return since
    return datetime.fromisoformat(since_text)


def reading_state(db: Database, platform: str, window_start: datetime) -> ReadingState:
    """Cursors, unconfirmed claims and the first start (recorded now if this is it)."""
    streams = Streams(db, platform)
    since = watching_since(db, platform)
    cursors: dict[int, int] = {}
    recent: set[int] = set()
    for stream, cursor, updated_at in streams.cursors_under(CHANNEL_PREFIX):
        channel_id = int(stream.removeprefix(CHANNEL_PREFIX))
        cursors[channel_id] = int(cursor)
        if updated_at >= stamp(window_start):
            recent.add(channel_id)
    claims = tuple(
        Claim(int(thread), int(message_id), datetime.fromisoformat(updated_at))
        for thread, message_id, updated_at in unconfirmed_claims(db, platform)
        if thread.isdigit() and message_id.isdigit()
    )
    return ReadingState(cursors, frozenset(recent), claims, since)
