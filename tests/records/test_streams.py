"""Generic stream cursors and seen items, per platform."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from records.db import Database
from records.replies import stamp
from records.streams import Streams

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def test_a_stream_has_no_cursor_until_one_is_saved(db: Database) -> None:
    streams = Streams(db, "xenforo")
    assert streams.cursor("node:2") is None
    streams.save_cursor("node:2", "1700000000")
    assert streams.cursor("node:2") == "1700000000"


def test_platforms_do_not_share_cursors_or_seen_items(db: Database) -> None:
    xenforo, discourse = Streams(db, "xenforo"), Streams(db, "discourse")
    xenforo.mark_seen(["post:1"], stream="latest", cursor="5")
    assert discourse.cursor("latest") is None
    assert not discourse.is_seen("post:1")
    assert xenforo.is_seen("post:1")


def test_items_and_cursor_move_together(db: Database) -> None:
    streams = Streams(db, "feeds")
    streams.mark_seen(["a", "b"], stream="feed", cursor="etag-1")
    streams.mark_seen(["b", "c"], stream="feed", cursor="etag-2")
    assert streams.unseen(["a", "b", "c", "d"]) == ["d"]
    assert streams.cursor("feed") == "etag-2"


def test_old_seen_marks_are_pruned(db: Database) -> None:
    streams = Streams(db, "feeds")
    streams.mark_seen(["old"], at=T0)
    streams.mark_seen(["new"], at=T0 + timedelta(days=30))
    assert streams.prune_seen(T0 + timedelta(days=1)) == 1
    assert streams.unseen(["old", "new"]) == ["old"]


def test_cursors_under_a_prefix_take_its_percent_and_underscore_literally(
    db: Database,
) -> None:
    streams = Streams(db, "discord")
    streams.save_cursor("channel:1", "10", at=T0)
    streams.save_cursor("channel_2", "20", at=T0)
    streams.save_cursor("watching-since", "x", at=T0)
    Streams(db, "reddit").save_cursor("channel:3", "30", at=T0)
    assert streams.cursors_under("channel:") == [("channel:1", "10", stamp(T0))]
    assert [s for s, _, _ in streams.cursors_under("channel_")] == ["channel_2"]
