"""Discord's catch-up cursors: `bot.runtime.cursors` under the platform `discord` (a cursor
per channel or thread, the id of the last message handled there)."""

from __future__ import annotations

from datetime import datetime

from bot.runtime import cursors as shared
from bot.runtime.cursors import CHANNEL_PREFIX as CHANNEL_PREFIX  # noqa: PLC0414 - re-exported
from bot.runtime.cursors import WATCHING_SINCE as WATCHING_SINCE  # noqa: PLC0414 - re-exported
from bot.runtime.cursors import ReadingState
from records.db import Database

PLATFORM = "discord"


def advance(db: Database, channel_id: int, message_id: int) -> None:
    """Move the channel's cursor to `message_id` unless it is already further."""
    shared.advance(db, PLATFORM, channel_id, message_id)


def reading_state(db: Database, window_start: datetime) -> ReadingState:
    """Cursors, unconfirmed claims and the first start (recorded now if this is it)."""
    return shared.reading_state(db, PLATFORM, window_start)


def mark_watching(db: Database) -> datetime:
    """Record the bot's first start now, if this is it (before the gateway connects)."""
    return shared.watching_since(db, PLATFORM)
