"""`make test-postgres`: every records database a test opens lives on PostgreSQL instead.

With `EVBOT_TEST_DATABASE_URL` set, the session makes a database of its own on that server
(byte-order collation, as SQLite compares text) and each test gets fresh schemas: every
SQLite path the test opens (`open_db(db_path)`, the CLI's `--db`) maps to a schema of its
own, the same one each time the path is opened again (a restart), so the same tests run on
both stores. The session's database is dropped at the end.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import psycopg

URL_VARIABLE = "EVBOT_TEST_DATABASE_URL"
# Read once at import, before the autouse fixture clears every EVBOT_ variable.
SERVER_URL = os.environ.get(URL_VARIABLE, "")


def with_database(url: str, database: str, schema: str | None = None) -> str:
    """`url` pointing at `database`, with `schema` first on the search path."""
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    if schema is not None:
        query["options"] = f"-csearch_path={schema}"
    netloc = parts.netloc
    return urlunsplit((parts.scheme, netloc, "/" + quote(database), urlencode(query), ""))


@contextmanager
def session_database(server_url: str) -> Iterator[str]:
    """A database of its own on the server for this test session; yields its address."""
    name = f"evbot_test_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(
            f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
        )
    try:
        yield with_database(server_url, name)
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


class SchemaPerPath:
    """Maps each SQLite path a test opens to a fresh schema of the session's database."""

    def __init__(self, database_url: str) -> None:
        self.database_url = database_url
        self.schemas: dict[Path, str] = {}

    def __call__(self, path: Path) -> str:
        key = path.resolve()
        schema = self.schemas.get(key)
        if schema is None:
            schema = f"t_{secrets.token_hex(6)}"
            with psycopg.connect(self.database_url, autocommit=True) as admin:
                admin.execute(f"CREATE SCHEMA {schema}")
            self.schemas[key] = schema
        return with_database_path(self.database_url, schema)

    def drop_all(self) -> None:
        """Drop every schema this test made."""
        if not self.schemas:
            return
        with psycopg.connect(self.database_url, autocommit=True) as admin:
            for schema in self.schemas.values():
                admin.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def with_database_path(database_url: str, schema: str) -> str:
    """The session database's address with `schema` on the search path."""
    parts = urlsplit(database_url)
    return with_database(database_url, parts.path.lstrip("/"), schema)


def location(path: Path) -> str:
    """What a child process should open for `path`: its PostgreSQL schema under
    `make test-postgres` (the redirect lives in this process only), else the path."""
    import records.db  # noqa: PLC0415 - read at call time: the fixture sets it per test

    redirect = records.db.path_redirect
    return redirect(path) if redirect is not None else str(path)


class OtherWriter:
    """Another process's connection that takes the store's write lock and holds it: SQLite's
    `BEGIN EXCLUSIVE`, or on PostgreSQL the advisory lock every write transaction takes."""

    def __init__(self, path: Path) -> None:
        import sqlite3  # noqa: PLC0415 - only the SQLite side needs it

        from records.postgres import WRITE_LOCK_KEY  # noqa: PLC0415

        self._key = WRITE_LOCK_KEY
        where = location(path)
        self._pg = (
            psycopg.connect(where, autocommit=True) if where.startswith("postgresql") else None
        )
        self._sqlite = None if self._pg else sqlite3.connect(path, timeout=0, isolation_level=None)
        self.holding = False

    def take(self) -> None:
        """Take the write lock (it must be free)."""
        if self._pg is not None:
            self._pg.execute("SELECT pg_advisory_lock(%s)", [self._key])
        else:
            assert self._sqlite is not None
            self._sqlite.execute("BEGIN EXCLUSIVE")
        self.holding = True

    def release(self) -> None:
        """Let the lock go (the other process is done), if held."""
        if not self.holding:
            return
        if self._pg is not None:
            self._pg.execute("SELECT pg_advisory_unlock(%s)", [self._key])
        else:
            assert self._sqlite is not None
            self._sqlite.rollback()
        self.holding = False

    def close(self) -> None:
        """Release and disconnect."""
        self.release()
        if self._pg is not None:
            self._pg.close()
        if self._sqlite is not None:
            self._sqlite.close()
