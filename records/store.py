"""The one name every records function takes: `Database`, either store.

An SQLite file (`sqlite_utils.Database`) or a PostgreSQL server (`records.postgres`); both
answer `execute`, `query`, `atomic`, `conn.executemany`, `conn.total_changes` and `close`,
which is all the records modules use. `is_postgres` is for the few places whose SQL differs.
"""

from __future__ import annotations

import sqlite_utils

from records.postgres import PostgresDatabase

Database = sqlite_utils.Database | PostgresDatabase

__all__ = ["Database", "PostgresDatabase", "column_names", "is_postgres", "table_exists"]


def is_postgres(db: Database) -> bool:
    """Whether `db` is the PostgreSQL store."""
    return isinstance(db, PostgresDatabase)


def table_exists(db: Database, name: str) -> bool:
    """Whether the store holds a table called `name`."""
    if is_postgres(db):
        sql = (
            "SELECT 1 FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?"
        )
    else:
        sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?"
    return db.execute(sql, [name]).fetchone() is not None


def column_names(db: Database, table: str) -> list[str]:
    """The columns of `table`, in order."""
    if isinstance(db, PostgresDatabase):
        return db.column_names(table)
    return list(db[table].columns_dict)
