"""A whole deployment's records as one JSON Lines file: to move it between stores (an SQLite
file and a PostgreSQL database, either way) or to another machine, with nothing lost.

The file starts with a header line, `{"deployment": 1, "migrations": [...], "tables":
{name: rows}}`, followed by one `{"table": name, "row": {column: value}}` line per row. Tables
come in schema order (a table before those that reference it); bytes are written as
`{"$bytes": base64}`. What the records derive is left out and made again on import: the
full-text index over the atlas (`records.fulltext`) and the migration log.

`import_deployment` loads such a file into an empty store whose schema is at least as new
as the file's, in one transaction, then rebuilds the full-text index: a failure leaves the
store as empty as it was. The deployment's secrets (the salt of author hashes) travel with
it, so the file is as private as the store itself.
"""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO, Any

from records import fulltext
from records.db import open_db, open_sqlite_file, write_transaction
from records.errors import DeploymentFileError
from records.store import Database, PostgresDatabase, column_names

FORMAT = 1
MIGRATIONS_TABLE = "_migrations"
BATCH_ROWS = 1000


@dataclass
class Moved:
    """How many rows of each table were written or loaded."""

    tables: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


@cache
def schema_tables() -> tuple[str, ...]:
    """The records tables in the order the migrations create them, derived ones left out.

    Read from an empty in-memory store migrated by this version, so it is the same
    whichever store is exported: the order is the one foreign keys need on import.
    """
    db = open_db(":memory:")
    try:
        rows = db.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY rowid"
        ).fetchall()
    finally:
        db.close()
    return tuple(
        str(name)
        for name, sql in rows
        if name != MIGRATIONS_TABLE and not _derived(str(name), str(sql or ""))
    )


def _derived(name: str, sql: str) -> bool:
    """The full-text index and its shadow tables (rebuilt from the atlas on import)."""
    return (
        name == fulltext.TABLE
        or name.startswith(f"{fulltext.TABLE}_")
        or sql.upper().startswith("CREATE VIRTUAL TABLE")
    )


def applied_migrations(db: Database) -> list[str]:
    """The names of the migrations applied to the store, in the order they ran."""
    sql = f"SELECT name FROM {MIGRATIONS_TABLE} ORDER BY applied_at, name"  # noqa: S608
    rows = db.execute(sql)
    return [str(name) for (name,) in rows.fetchall()]


def _columns(db: Database, table: str) -> list[str]:
    return column_names(db, table)


def _count(db: Database, table: str) -> int:
    return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])  # noqa: S608 - our table names


def export_deployment(db: Database, out: IO[str]) -> Moved:
    """Write every row of every records table to `out`; how many of each."""
    tables = schema_tables()
    counts = {table: _count(db, table) for table in tables}
    header = {"deployment": FORMAT, "migrations": applied_migrations(db), "tables": counts}
    out.write(json.dumps(header) + "\n")
    moved = Moved()
    for table in tables:
        columns = _columns(db, table)
        listed = ", ".join(columns)
        written = 0
        for row in db.execute(f"SELECT {listed} FROM {table}"):  # noqa: S608 - our names
            values = {c: _to_json(v) for c, v in zip(columns, row, strict=True)}
            out.write(json.dumps({"table": table, "row": values}, ensure_ascii=False) + "\n")
            written += 1
        moved.tables[table] = written
    return moved


def import_deployment(db: Database, lines: Iterable[str]) -> Moved:
    """Load an exported deployment into the empty store `db` (one transaction)."""
    rows = iter(lines)
    header = _header(next(rows, ""))
    _check_schema(db, header)
    known = set(schema_tables())
    moved = Moved()
    batch: list[dict[str, Any]] = []
    table_of_batch = ""
    with write_transaction(db):
        _check_empty(db)
        for number, line in enumerate(rows, start=2):
            if not line.strip():
                continue
            table, row = _row(line, number, known)
            if table != table_of_batch or len(batch) >= BATCH_ROWS:
                _insert(db, table_of_batch, batch)
                batch, table_of_batch = [], table
            batch.append(row)
            moved.tables[table] = moved.tables.get(table, 0) + 1
        _insert(db, table_of_batch, batch)
        expected = {t: n for t, n in header["tables"].items() if n}
        if moved.tables != expected:
            raise DeploymentFileError(
                f"the file is cut short or altered: its header counts {expected}, "
                f"it holds {moved.tables}; nothing was imported"
            )
        fulltext.rebuild(db)
        if isinstance(db, PostgresDatabase):
            db.advance_identities()  # rows came with their ids; new ones continue after them
    return moved


# Left out of the curators' snapshot: the salt of author hashes (a secret) and cached HTTP
# answers (large, and nothing a curator reads).
NOT_IN_SNAPSHOT = frozenset({"deployment_secrets", "http_cache"})


def snapshot(db: Database, path: Path) -> Moved:
    """A fresh SQLite file at `path` with the records of `db` but NOT_IN_SNAPSHOT, for the
    curators' web view (Datasette reads SQLite) of a deployment on PostgreSQL.

    Written beside `path` and renamed over it when complete, so a reader never sees half a
    snapshot; owner-only, like every records file.
    """
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    target = open_sqlite_file(partial)
    moved = Moved()
    try:
        with write_transaction(target):
            for table in schema_tables():
                if table in NOT_IN_SNAPSHOT:
                    continue
                moved.tables[table] = _copy_table(db, target, table)
        # One file, no -wal beside it: the web view opens it read-only.
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    os.replace(partial, path)
    return moved


def _copy_table(source: Database, target: Database, table: str) -> int:
    columns = _columns(source, table)
    listed = ", ".join(columns)
    copied = 0
    batch: list[dict[str, Any]] = []
    for row in source.execute(f"SELECT {listed} FROM {table}"):  # noqa: S608 - our names
        batch.append(dict(zip(columns, row, strict=True)))
        if len(batch) >= BATCH_ROWS:
            _insert(target, table, batch)
            copied += len(batch)
            batch = []
    _insert(target, table, batch)
    return copied + len(batch)


def _header(line: str) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except json.JSONDecodeError:
        header = None
    if not isinstance(header, dict) or header.get("deployment") != FORMAT:
        raise DeploymentFileError(
            "not a deployment export (its first line should name the format: "
            f'{{"deployment": {FORMAT}, ...}}; it comes from `atlas export --deployment`)'
        )
    if not isinstance(header.get("migrations"), list) or not isinstance(header.get("tables"), dict):
        raise DeploymentFileError("the deployment export's first line lacks migrations/tables")
    return header


def _check_schema(db: Database, header: dict[str, Any]) -> None:
    """The file's schema must be one this store's migrations contain."""
    newer = [name for name in header["migrations"] if name not in set(applied_migrations(db))]
    if newer:
        raise DeploymentFileError(
            f"the export was made by a newer evidence-bot (migrations {', '.join(newer)} are "
            "unknown here); upgrade this one first"
        )


def _check_empty(db: Database) -> None:
    holding = {t: n for t in schema_tables() if (n := _count(db, t))}
    if holding:
        listed = ", ".join(f"{t} ({n})" for t, n in holding.items())
        raise DeploymentFileError(
            f"the store already holds records ({listed}); import a deployment into a new, "
            "empty store so that nothing is merged or lost"
        )


def _row(line: str, number: int, known: set[str]) -> tuple[str, dict[str, Any]]:
    try:
        item = json.loads(line)
        table, row = item["table"], item["row"]
    except (json.JSONDecodeError, KeyError, TypeError):
        raise DeploymentFileError(
            f"line {number} is not a table row; nothing was imported"
        ) from None
    if table not in known or not isinstance(row, dict):
        raise DeploymentFileError(f"line {number}: unknown table {table!r}; nothing was imported")
    return table, {column: _from_json(value) for column, value in row.items()}


def _insert(db: Database, table: str, rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    columns = list(rows[0])
    known = set(_columns(db, table))
    unknown = [c for c in columns if c not in known]
    if unknown:
        raise DeploymentFileError(f"table {table} has no column {', '.join(unknown)}")
    placeholders = ", ".join("?" for _ in columns)
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})"  # noqa: S608
    db.conn.executemany(sql, [[row.get(c) for c in columns] for row in rows])


def _to_json(value: object) -> object:
    if isinstance(value, bytes | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def _from_json(value: object) -> object:
    if isinstance(value, dict) and set(value) == {"$bytes"}:
        return base64.b64decode(str(value["$bytes"]))
    return value
