"""The PostgreSQL store's own promises (make test-postgres): a lost connection is reopened,
another writer's lock is a busy error callers retry, and two processes cannot both win."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from records.db import Database, open_db, write_transaction
from records.errors import OperationalError, is_locked
from records.postgres import PostgresDatabase
from records.replies import claim_reply
from tests.postgres_store import SERVER_URL, OtherWriter, location

pytestmark = pytest.mark.skipif(not SERVER_URL, reason="needs PostgreSQL (make test-postgres)")
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def claim(db: Database) -> tuple[str, ...] | None:
    """Claim message m1 in channel c1 for one study, as a platform adapter does."""
    return claim_reply(db, platform="discord", place="c1", thread="c1", message_id="m1",
                       entry_ids=["entry-a"], at=NOW, author_hash="a")  # fmt: skip


@pytest.fixture
def store(tmp_path: Path) -> PostgresDatabase:
    db = open_db(location(tmp_path / "records.db"), busy_timeout_ms=200)
    assert isinstance(db, PostgresDatabase)
    return db


def end_its_connection(store: PostgresDatabase) -> None:
    """What a server restart or a dropped network does to the store's connection."""
    pid = store.execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(store.url, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_lost_connection_is_reopened_and_the_statement_runs(store: PostgresDatabase) -> None:
    end_its_connection(store)
    assert store.execute("SELECT count(*) FROM atlas_entries").fetchone()[0] == 0
    store.execute("INSERT INTO opt_outs (platform, author_hash, created_at) VALUES (?, ?, ?)",
                  ["discord", "h1", "2026-01-01"])  # fmt: skip
    assert store.execute("SELECT count(*) FROM opt_outs").fetchone()[0] == 1


def test_a_connection_lost_inside_a_transaction_is_a_busy_error_and_the_next_call_works(
    store: PostgresDatabase,
) -> None:
    def lose_it_midway() -> None:
        with write_transaction(store):
            end_its_connection(store)
            store.execute("SELECT 1")

    with pytest.raises(OperationalError) as caught:
        lose_it_midway()
    assert is_locked(caught.value)
    assert store.execute("SELECT 1").fetchone()[0] == 1


def test_another_writers_lock_is_a_busy_error_and_nothing_is_half_written(
    store: PostgresDatabase, tmp_path: Path
) -> None:
    other = OtherWriter(tmp_path / "records.db")
    other.take()
    try:
        with pytest.raises(OperationalError) as caught:
            claim(store)
        assert is_locked(caught.value)
    finally:
        other.close()
    assert store.execute("SELECT count(*) FROM replies").fetchone()[0] == 0
    assert claim(store) == ("entry-a",)


def test_of_two_stores_claiming_one_message_exactly_one_wins(
    store: PostgresDatabase, tmp_path: Path
) -> None:
    second = open_db(location(tmp_path / "records.db"))
    try:
        won = [claim(db) for db in (store, second, store)]
    finally:
        second.close()
    assert won == [("entry-a",), None, None]
