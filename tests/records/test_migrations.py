"""Migrations: a fresh database, a re-run, and an older database upgraded in place."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlite_utils

from records import migrations
from records.db import Database, open_db
from records.migrations import MIGRATIONS, migrate
from records.store import column_names, table_exists

EXPECTED_TABLES = {
    "atlas_entries", "aliases", "unmatched_papers", "sightings", "replies", "carded",
    "place_settings", "opt_outs", "mod_log", "wrong_match_reports", "stream_state",
    "seen_items", "http_cache", "atlas_search", "atlas_entry_metadata",
}  # fmt: skip


def test_fresh_database_has_every_table_and_records_each_migration(db_path: Path) -> None:
    db = open_db(db_path)
    assert set(db.table_names()) >= EXPECTED_TABLES
    applied = [row["name"] for row in db.query("SELECT name FROM _migrations")]
    assert len(applied) == len(MIGRATIONS)


@pytest.mark.sqlite_only
def test_identifier_columns_are_indexed(db: Database) -> None:
    assert isinstance(db, sqlite_utils.Database)
    indexed = {tuple(index.columns) for index in db.table("atlas_entries").indexes}
    assert {("doi",), ("pmid",), ("pmcid",)} <= indexed


def test_rerunning_migrations_is_a_no_op(db: Database) -> None:
    tables_before = {name: column_names(db, name) for name in db.table_names()}
    assert migrate(db) == []
    assert {name: column_names(db, name) for name in db.table_names()} == tables_before


def test_an_older_database_is_upgraded_in_place(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = open_db(db_path)
    old.execute(
        "INSERT INTO atlas_entries (id, title, data, content_hash, created_at, updated_at) "
        "VALUES ('a-2020-x', 'T', '{}', 'h', 'now', 'now')"
    )
    old.conn.commit()
    old.close()

    def _m999_add_notes(db: Database) -> None:
        db.execute("ALTER TABLE atlas_entries ADD COLUMN curator_note TEXT")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, _m999_add_notes])
    upgraded = open_db(db_path)
    assert "curator_note" in column_names(upgraded, "atlas_entries")
    assert upgraded.execute("SELECT count(*) FROM atlas_entries").fetchone()[0] == 1
    assert "m999_add_notes" in {r["name"] for r in upgraded.query("SELECT name FROM _migrations")}


def test_a_failing_migration_leaves_nothing_half_applied(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_db(db_path).close()

    def _m998_broken(db: Database) -> None:
        db.execute("CREATE TABLE half_done (x INTEGER)")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", [*MIGRATIONS, _m998_broken])
    with pytest.raises(Exception, match="syntax error"):
        open_db(db_path)
    check = open_db(db_path, migrate_schema=False)
    assert not table_exists(check, "half_done")
    assert "m998_broken" not in {r["name"] for r in check.query("SELECT name FROM _migrations")}


@pytest.mark.sqlite_only
def test_database_uses_wal_foreign_keys_and_owner_only_permissions(
    db: Database, db_path: Path
) -> None:
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600


@pytest.mark.sqlite_only
def test_missing_parent_directories_are_created(tmp_path: Path) -> None:
    path = tmp_path / "nested" / "dir" / "records.db"
    open_db(path).close()
    assert path.exists()
