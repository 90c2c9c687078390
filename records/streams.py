"""Where each platform's streams stopped, and which items were already handled.

Generic over platforms: `stream_state` holds one opaque cursor per (platform, stream), and
`seen_items` one row per handled item (platform, item id). An item's seen mark and its
stream's new cursor are written in one transaction, so a restart resumes exactly after the
last item that was fully handled, and an item a feed or listing repeats or reorders is
recognised. Old seen marks can be pruned once no listing can show those items again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from records.db import write_transaction
from records.replies import stamp
from records.store import Database


class Streams:
    """Cursors and seen marks of one platform's streams in the records database."""

    def __init__(self, db: Database, platform: str) -> None:
        self._db = db
        self.platform = platform

    def cursor(self, stream: str) -> str | None:
        """The stored cursor of `stream` (the adapter's own text), or None before any."""
        row = self._db.execute(
            "SELECT cursor FROM stream_state WHERE platform = ? AND stream = ?",
            [self.platform, stream],
        ).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def save_cursor(self, stream: str, cursor: str, *, at: datetime | None = None) -> None:
        """Store the cursor of `stream` (in the caller's transaction, if any)."""
        with write_transaction(self._db):
            self._db.execute(
                "INSERT INTO stream_state (platform, stream, cursor, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (platform, stream) DO UPDATE SET "
                "cursor = excluded.cursor, updated_at = excluded.updated_at",
                [self.platform, stream, cursor, stamp(at or datetime.now(UTC))],
            )

    def cursors_under(self, prefix: str) -> list[tuple[str, str, str]]:
        """(stream, cursor, updated_at stamp) of every stream whose name starts with `prefix`."""
        rows = self._db.execute(
            "SELECT stream, cursor, updated_at FROM stream_state "
            "WHERE platform = ? AND stream LIKE ? ESCAPE '\\'",
            [self.platform, _like_prefix(prefix)],
        ).fetchall()
        return [(str(stream), str(cursor), str(updated_at)) for stream, cursor, updated_at in rows]

    def is_seen(self, item_id: str) -> bool:
        """Whether the item was already handled."""
        row = self._db.execute(
            "SELECT 1 FROM seen_items WHERE platform = ? AND item_id = ?",
            [self.platform, item_id],
        ).fetchone()
        return row is not None

    def unseen(self, item_ids: Iterable[str]) -> list[str]:
        """The ids among `item_ids` not handled yet, in their order."""
        return [item for item in item_ids if not self.is_seen(item)]

    def mark_seen(
        self,
        item_ids: Iterable[str],
        *,
        stream: str | None = None,
        cursor: str | None = None,
        at: datetime | None = None,
    ) -> None:
        """Mark items handled and (optionally) move a stream's cursor, in one transaction."""
        when = stamp(at or datetime.now(UTC))
        with write_transaction(self._db):
            self._db.conn.executemany(
                "INSERT OR IGNORE INTO seen_items (platform, item_id, seen_at) VALUES (?, ?, ?)",
                [(self.platform, item, when) for item in item_ids],
            )
            if stream is not None and cursor is not None:
                self.save_cursor(stream, cursor, at=at)

    def prune_seen(self, before: datetime) -> int:
        """Forget seen marks older than `before`; how many were removed."""
        with write_transaction(self._db):
            done = self._db.execute(
                "DELETE FROM seen_items WHERE platform = ? AND seen_at < ?",
                [self.platform, stamp(before)],
            )
        return int(done.rowcount)

    def seen_count(self) -> int:
        """How many items are marked handled."""
        row = self._db.execute(
            "SELECT count(*) FROM seen_items WHERE platform = ?", [self.platform]
        ).fetchone()
        return int(row[0])

    def unseen_atlas_entries(self) -> list[str]:
        """Slugs of local atlas entries not marked handled (a complete crawl never met them)."""
        rows = self._db.execute(
            "SELECT id FROM atlas_entries WHERE id NOT IN "
            "(SELECT item_id FROM seen_items WHERE platform = ?) ORDER BY id",
            [self.platform],
        ).fetchall()
        return [str(row[0]) for row in rows]

    def forget(self, stream: str | None = None) -> None:
        """Drop every seen mark of the platform and, when named, the cursor of `stream`."""
        with write_transaction(self._db):
            self._db.execute("DELETE FROM seen_items WHERE platform = ?", [self.platform])
            if stream is not None:
                self._db.execute(
                    "DELETE FROM stream_state WHERE platform = ? AND stream = ?",
                    [self.platform, stream],
                )


def _like_prefix(prefix: str) -> str:
    """A LIKE pattern matching names that start with `prefix` literally (`%` and `_` too)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"
