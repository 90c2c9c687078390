"""Where each subreddit stream stopped, and which items were already handled.

Two tables of the records database, through `records.streams`: `stream_state` holds one
cursor per stream, `seen_items` one row per handled item. An item's seen mark and the
stream's new cursor are written in one transaction, so a restart resumes exactly after the
last item that was fully handled.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from records.db import Database
from records.streams import Streams

PLATFORM = "reddit"


@dataclass(frozen=True)
class Cursor:
    """The newest handled item of one subreddit's stream: its fullname and creation time.

    `fullname` is None when the stream was empty at the first poll; then every later item
    is new. The creation time says how far back a sweep reads (the look-back window before
    it), even when the item itself has been deleted and left the listing. `floor` is the
    oldest creation time the first poll looked at: anything older was there before the bot
    and is never answered (None for cursors stored before floors existed).
    """

    fullname: str | None
    created_utc: float
    floor: float | None = None

    def to_text(self) -> str:
        """The JSON stored in `stream_state.cursor`."""
        data: dict[str, object] = {"fullname": self.fullname, "created_utc": self.created_utc}
        if self.floor is not None:
            data["floor"] = self.floor
        return json.dumps(data)

    @classmethod
    def from_text(cls, text: str) -> Cursor:
        """Read a stored cursor; raises ValueError for text that is not one."""
        data = json.loads(text)
        if not isinstance(data, dict) or "created_utc" not in data:
            raise ValueError(f"not a stream cursor: {text!r}")
        fullname = data.get("fullname")
        floor = data.get("floor")
        return cls(
            fullname=str(fullname) if fullname else None,
            created_utc=float(data["created_utc"]),
            floor=None if floor is None else float(floor),
        )

    def before_start(self, created_utc: float) -> bool:
        """Whether an item created then was there before the bot's first poll."""
        return self.floor is not None and created_utc < self.floor


class StreamState:
    """Cursors and seen marks of the Reddit streams (SQL in `records.streams`)."""

    def __init__(self, db: Database, *, now: Callable[[], datetime] | None = None) -> None:
        self._streams = Streams(db, PLATFORM)
        self._now = now or (lambda: datetime.now(UTC))

    def cursor(self, stream: str) -> Cursor | None:
        """The stored cursor of `stream`, or None before its first poll."""
        text = self._streams.cursor(stream)
        return None if text is None else Cursor.from_text(text)

    def start(self, stream: str, cursor: Cursor) -> None:
        """Record the starting point of a stream seen for the first time (or move it)."""
        self._streams.save_cursor(stream, cursor.to_text(), at=self._now())

    def is_seen(self, item_id: str) -> bool:
        """Whether the item (a fullname) was already handled."""
        return self._streams.is_seen(item_id)

    def mark_seen(self, item_id: str) -> None:
        """Mark an item seen without moving any cursor (an item skipped as unreadable)."""
        self._streams.mark_seen([item_id], at=self._now())

    def mark_many_seen(self, item_ids: list[str]) -> None:
        """Mark items seen without handling them (what a first run finds already there)."""
        self._streams.mark_seen(item_ids, at=self._now())

    def mark_handled(self, stream: str, item_id: str, cursor: Cursor) -> None:
        """Mark one item seen and move the stream's cursor to it, in one transaction."""
        self._streams.mark_seen([item_id], stream=stream, cursor=cursor.to_text(), at=self._now())
