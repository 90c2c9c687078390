"""Member pseudonyms are salted with the deployment's own random salt, kept in the records;
a database that already holds hashes keeps the salt they were made with (issue 28)."""

from __future__ import annotations

from pathlib import Path

from pydantic import SecretStr

from records.db import Database, open_db
from records.migrations import MIGRATIONS, Migration
from records.places import is_opted_out, opt_out
from records.salt import LEGACY_SALT, author_hash_salt
from records.unmatched import hash_author


def test_a_new_database_generates_a_random_salt_once_and_keeps_it(tmp_path: Path) -> None:
    first, second = open_db(tmp_path / "a.db"), open_db(tmp_path / "b.db")
    salt = author_hash_salt(first)
    assert salt != LEGACY_SALT
    assert len(salt) >= 32
    assert author_hash_salt(first) == salt
    first.close()
    assert author_hash_salt(open_db(tmp_path / "a.db")) == salt  # kept in the records
    assert author_hash_salt(second) != salt  # every deployment its own


def test_a_configured_salt_wins_and_is_not_stored(db: Database) -> None:
    assert author_hash_salt(db, SecretStr("operator-chosen")) == "operator-chosen"
    assert db.execute("SELECT count(*) FROM deployment_secrets").fetchone()[0] == 0


def _database_before_salts(path: Path) -> Database:
    """A database as a deployment before this change left it: migrated up to cited studies."""
    db = open_db(path, migrate_schema=False)
    db.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
    for migration in MIGRATIONS[: MIGRATIONS.index(_named("m007_cited_studies")) + 1]:
        migration(db)
        db.execute(
            "INSERT INTO _migrations VALUES (?, '2026-01-01')", [migration.__name__.lstrip("_")]
        )
    db.conn.commit()
    return db


def _named(name: str) -> Migration:
    return next(m for m in MIGRATIONS if m.__name__.lstrip("_") == name)


def test_an_existing_deployment_keeps_its_salt_so_opt_outs_still_match(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = _database_before_salts(path)
    opt_out(old, "discord", hash_author("member-42", LEGACY_SALT))
    old.close()
    upgraded = open_db(path)
    salt = author_hash_salt(upgraded)
    assert salt == LEGACY_SALT
    assert is_opted_out(upgraded, "discord", hash_author("member-42", salt))


def test_an_existing_database_without_member_hashes_gets_a_random_salt(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _database_before_salts(path).close()
    assert author_hash_salt(open_db(path)) != LEGACY_SALT
