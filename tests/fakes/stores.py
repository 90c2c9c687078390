"""The records store several processes of the real program share, as a test sees it: the
settings that name it (for the processes' environment) and a way to read its rows.

`shared_store(path)` is the SQLite file at `path`; under `make test-postgres` it is the
PostgreSQL schema the test suite maps that path to (tests/postgres_store.py), named to the
child processes by `EVBOT_DATABASE__URL`, so the same multi-process tests run on both stores.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from records.db import open_db
from tests import postgres_store

Row = tuple[object, ...]


@dataclass
class SharedStore:
    """The records store every process uses: the settings that name it, and a reader."""

    env: dict[str, str]
    rows: Callable[[str], list[Row]]
    kind: str = "SQLite"


def sqlite_store(path: Path) -> SharedStore:
    """One SQLite file (WAL, busy timeout): the store processes share on one machine."""

    def rows(sql: str) -> list[Row]:
        with sqlite3.connect(path) as conn:
            return list(conn.execute(sql).fetchall())

    return SharedStore({"EVBOT_DATABASE__PATH": str(path)}, rows)


def postgres_store_at(url: str) -> SharedStore:
    """A PostgreSQL database (or schema) every process and machine reaches at `url`."""

    def rows(sql: str) -> list[Row]:
        db = open_db(url, migrate_schema=False)
        try:
            return [tuple(row) for row in db.execute(sql).fetchall()]
        finally:
            db.close()

    return SharedStore({"EVBOT_DATABASE__URL": url}, rows, "PostgreSQL")


def shared_store(path: Path) -> SharedStore:
    """The SQLite file at `path`, or its PostgreSQL schema under `make test-postgres`."""
    where = postgres_store.location(path)
    if where.startswith("postgresql://"):
        return postgres_store_at(where)
    return sqlite_store(path)


def expected_kind() -> str:
    """The store a shared store should be in this run (for tests to check they got it)."""
    return "PostgreSQL" if postgres_store.SERVER_URL else "SQLite"


def program_store(path: Path) -> tuple[list[str], dict[str, str]]:
    """The arguments and environment that aim an `evidence-bot` child process at the store
    of `path`: `--db PATH`, or under `make test-postgres` its schema's EVBOT_DATABASE__URL."""
    store = shared_store(path)
    if store.kind == "PostgreSQL":
        return [], store.env
    return ["--db", str(path)], {}


def aimed(args: Sequence[str], env: Mapping[str, str]) -> tuple[list[str], dict[str, str]]:
    """`args` and `env` of an `evidence-bot` child process with its `--db PATH` aimed at the
    store of PATH (unchanged on SQLite; EVBOT_DATABASE__URL under make test-postgres)."""
    arguments, environment = list(args), dict(env)
    if "--db" in arguments[:-1]:
        at = arguments.index("--db")
        store_args, store_env = program_store(Path(arguments[at + 1]))
        arguments[at : at + 2] = store_args
        environment.update(store_env)
    return arguments, environment
