"""The reply log: one answer per message, edits add only new studies, claims can be undone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from records import migrations
from records.db import Database, open_db
from records.replies import (
    claim_reply,
    confirm_reply,
    find_by_reply_id,
    get_reply,
    get_reply_message,
    recently_carded,
    release_reply,
    replies_since,
    reply_messages_for,
    reply_stats,
    stamp,
    unconfirmed_claims,
)

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def claim(
    db: Database,
    message_id: str,
    entries: tuple[str, ...],
    *,
    is_edit: bool = False,
    at: datetime = T0,
    place: str = "p",
    thread: str = "t",
) -> tuple[str, ...] | None:
    return claim_reply(
        db,
        platform="discord",
        place=place,
        thread=thread,
        message_id=message_id,
        entry_ids=entries,
        at=at,
        is_edit=is_edit,
    )


def test_first_claim_wins_and_a_repeat_loses(db: Database) -> None:
    assert claim(db, "m1", ("a", "b", "a")) == ("a", "b")
    assert claim(db, "m1", ("a", "b")) is None
    assert claim(db, "m1", ("c",)) is None


@pytest.mark.parametrize(
    ("edit", "won", "stored"),
    [
        (("a", "c"), ("c",), ("a", "b", "c")),
        (("b",), None, ("a", "b")),
        (("d", "e"), ("d", "e"), ("a", "b", "d", "e")),
    ],
)
def test_an_edit_claims_only_new_studies(
    db: Database,
    edit: tuple[str, ...],
    won: tuple[str, ...] | None,
    stored: tuple[str, ...],
) -> None:
    claim(db, "m1", ("a", "b"))
    assert claim(db, "m1", edit, is_edit=True) == won
    record = get_reply(db, "discord", "m1")
    assert record is not None
    assert record.entries == stored


def test_confirm_keeps_the_first_reply_id_on_the_message(db: Database) -> None:
    claim(db, "m1", ("a",))
    confirm_reply(db, "discord", "m1", "r1", ("a",))
    confirm_reply(db, "discord", "m1", "r2", ("b",))
    record = get_reply(db, "discord", "m1")
    assert record is not None
    assert record.reply_id == "r1"


@pytest.mark.parametrize(("reply_id", "entries"), [("r1", ("a",)), ("r2", ("b",))])
def test_every_reply_leads_back_to_the_message_and_its_own_studies(
    db: Database, reply_id: str, entries: tuple[str, ...]
) -> None:
    claim(db, "m1", ("a",))
    confirm_reply(db, "discord", "m1", "r1", ("a",))
    claim(db, "m1", ("a", "b"), is_edit=True)
    confirm_reply(db, "discord", "m1", "r2", ("b",))
    found = find_by_reply_id(db, "discord", reply_id)
    sent = get_reply_message(db, "discord", reply_id)
    assert found is not None
    assert found.message_id == "m1"
    assert sent is not None
    assert (sent.message_id, sent.entries) == ("m1", entries)
    assert [m.reply_id for m in reply_messages_for(db, "discord", "m1")] == ["r1", "r2"]


def test_unconfirmed_claims_are_the_platforms_claims_without_a_reply(
    db: Database,
) -> None:
    claim(db, "m1", ("a",), thread="t1")
    claim(db, "m2", ("b",), thread="t2", at=T0 + timedelta(minutes=1))
    confirm_reply(db, "discord", "m2", "r2", ("b",))
    assert unconfirmed_claims(db, "discord") == [("t1", "m1", stamp(T0))]
    assert unconfirmed_claims(db, "reddit") == []


def test_an_unknown_reply_id_finds_nothing(db: Database) -> None:
    claim(db, "m1", ("a",))
    confirm_reply(db, "discord", "m1", "r1", ("a",))
    assert find_by_reply_id(db, "discord", "r9") is None
    assert get_reply_message(db, "discord", "r9") is None


def test_release_removes_the_claim_and_its_cards(db: Database) -> None:
    claim(db, "m1", ("a", "b"))
    release_reply(db, "discord", "m1", ("a", "b"))
    assert get_reply(db, "discord", "m1") is None
    assert recently_carded(db, "discord", "t", T0 - timedelta(hours=1)) == set()


def test_release_of_an_edit_keeps_what_was_answered_before(db: Database) -> None:
    claim(db, "m1", ("a",))
    claim(db, "m1", ("a", "b"), is_edit=True)
    release_reply(db, "discord", "m1", ("b",))
    record = get_reply(db, "discord", "m1")
    assert record is not None
    assert record.entries == ("a",)


@pytest.mark.parametrize(
    ("since_hours", "expected"),
    [(3, {"a", "b"}), (0.5, {"b"}), (0, set())],
)
def test_recently_carded_counts_cards_in_the_window(
    db: Database, since_hours: float, expected: set[str]
) -> None:
    now = T0 + timedelta(hours=2)
    claim(db, "m1", ("a",), at=T0)
    claim(db, "m2", ("b",), at=now - timedelta(minutes=10))
    claim(db, "m3", ("c",), at=now, thread="other")
    since = now - timedelta(hours=since_hours) + timedelta(seconds=1)
    assert recently_carded(db, "discord", "t", since) == expected


def test_replies_since_counts_one_place(db: Database) -> None:
    claim(db, "m1", ("a",))
    claim(db, "m2", ("a",), place="elsewhere")
    claim(db, "m3", ("a",), at=T0 - timedelta(hours=2))
    assert replies_since(db, "discord", "p", T0 - timedelta(hours=1)) == 1


def test_reply_stats_rank_the_most_carded_studies(db: Database) -> None:
    claim(db, "m1", ("a", "b"))
    claim(db, "m2", ("a",))
    stats = reply_stats(db, platform="discord", place="p")
    assert (stats.replies, stats.cards, stats.studies) == (2, 3, 2)
    assert stats.top_studies == [("a", 2), ("b", 1)]


def test_stamp_is_utc_text_that_sorts() -> None:
    naive = datetime(2026, 1, 2, 3, 4, 5)
    assert stamp(naive) == "2026-01-02T03:04:05.000000+00:00"
    assert stamp(T0) < stamp(T0 + timedelta(seconds=1))
    assert stamp(T0) < stamp(T0 + timedelta(microseconds=1))


def test_replies_logged_before_the_reply_messages_table_are_found_after_the_upgrade(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = [m for m in migrations.MIGRATIONS if m.__name__ != "_m003_reply_messages"]
    monkeypatch.setattr(migrations, "MIGRATIONS", before)
    old = open_db(db_path)
    claim(old, "m1", ("a", "b"))
    old.execute("UPDATE replies SET reply_id = 'r1' WHERE message_id = 'm1'")
    claim(old, "m2", ("c",))  # claimed, never confirmed: nothing to copy
    old.conn.commit()
    old.close()
    monkeypatch.undo()
    upgraded = open_db(db_path)
    sent = get_reply_message(upgraded, "discord", "r1")
    assert sent is not None
    assert (sent.message_id, sent.entries) == ("m1", ("a", "b"))
    assert upgraded.execute("SELECT count(*) FROM reply_messages").fetchone()[0] == 1
