"""Opening the records database: a PostgreSQL server, or one SQLite file every process shares.

A `postgresql://` address opens the PostgreSQL store (records/postgres.py); anything else is
the path of an SQLite file. On SQLite, WAL lets readers and one writer work at once, the busy
timeout makes a writer wait for a short lock instead of failing, and foreign keys keep
sightings tied to their paper
(https://www.sqlite.org/wal.html).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from records.migrations import migrate
from records.postgres import PostgresDatabase, is_postgres_url
from records.store import Database, table_exists

__all__ = [
    "Database",
    "database_exists",
    "is_postgres_url",
    "open_db",
    "open_sqlite_file",
    "table_names",
    "write_transaction",
]

log = logging.getLogger(__name__)
PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700


# Tests only (tests/conftest.py, `make test-postgres`): maps each SQLite path a test opens to
# a PostgreSQL address of its own, so the same tests run on both stores.
path_redirect: Callable[[Path], str] | None = None


def open_db(
    path: Path | str, *, busy_timeout_ms: int = 5000, migrate_schema: bool = True
) -> Database:
    """Open the database at `path` (a file, created owner-only, or a postgresql:// address)
    and migrate its schema."""
    if path_redirect is not None and not is_postgres_url(path) and str(path) != ":memory:":
        path = path_redirect(Path(path))
    if is_postgres_url(path):
        store = PostgresDatabase(str(path), lock_timeout_ms=busy_timeout_ms)
        if migrate_schema:
            migrate(store)
        return store
    return open_sqlite_file(path, busy_timeout_ms=busy_timeout_ms, migrate_schema=migrate_schema)


def open_sqlite_file(
    path: Path | str, *, busy_timeout_ms: int = 5000, migrate_schema: bool = True
) -> sqlite_utils.Database:
    """Open (creating it owner-only) the SQLite file at `path`, whatever the deployment's
    store (the curators' snapshot is one), and migrate its schema."""
    db_path = Path(path)
    if str(db_path) != ":memory:":
        # A new folder (e.g. `data/`) is owner-only too; an existing one is left as it is.
        db_path.parent.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
        _create_private(db_path)
        _tighten_existing(db_path)
    conn = sqlite3.connect(str(db_path), timeout=busy_timeout_ms / 1000, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
    conn.execute("PRAGMA foreign_keys = ON")
    if str(db_path) != ":memory:":
        _enter_wal(conn, busy_timeout_ms)
        conn.execute("PRAGMA synchronous = NORMAL")
    db = sqlite_utils.Database(conn)
    if migrate_schema:
        migrate(db)
    return db


def _enter_wal(conn: sqlite3.Connection, busy_timeout_ms: int) -> None:
    """Switch the file to WAL, waiting out another process's write as the busy timeout says.

    Changing the journal mode needs the file to itself, and while another process holds a
    write lock on a file still in rollback mode (a second process starting as the first
    creates the file) SQLite answers "database is locked" at once instead of calling the busy
    handler, to avoid a deadlock. So the wait is done here, in short steps.
    """
    deadline = time.monotonic() + busy_timeout_ms / 1000
    pause = 0.01
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.2)


def database_exists(path: Path | str) -> bool:
    """Whether records were ever stored at `path`: the SQLite file exists, or the PostgreSQL
    store has been migrated (a server is never "missing"; an unreachable one raises)."""
    if path_redirect is not None and not is_postgres_url(path) and str(path) != ":memory:":
        path = path_redirect(Path(path))
    if not is_postgres_url(path):
        return str(path) == ":memory:" or Path(path).exists()
    store = PostgresDatabase(str(path))
    try:
        return table_exists(store, "_migrations")
    finally:
        store.close()


def table_names(path: Path) -> list[str]:
    """Every table and view in the database file at `path`, opened read-only."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro"
    with closing(sqlite3.connect(uri, uri=True)) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
        return [str(row[0]) for row in rows]


def _create_private(path: Path) -> None:
    """Create the file with mode 0600 so other users on the host cannot read the records."""
    if path.exists():
        return
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def _tighten_existing(path: Path) -> None:
    """Make an existing database (and its -wal/-shm files) owner-only, saying so.

    SQLite gives the -wal and -shm files the main file's mode, so the main file is fixed
    before connecting. A file we may not chmod (another owner) is named in a warning.
    """
    for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            mode = stat.S_IMODE(candidate.stat().st_mode)
        except FileNotFoundError:
            continue
        if mode & 0o077 == 0:
            continue
        try:
            candidate.chmod(mode & 0o700 or PRIVATE_FILE)
        except OSError as exc:
            log.warning("%s is readable by other users (mode %o): %s", candidate, mode, exc)
            continue
        log.warning("%s was readable by other users (mode %o); made it owner-only", candidate, mode)


@contextmanager
def write_transaction(db: Database) -> Iterator[Database]:
    """A transaction that takes the write lock up front (BEGIN IMMEDIATE on SQLite; on
    PostgreSQL every outermost transaction takes the store's advisory write lock).

    With several processes on one WAL file, a deferred transaction that reads before it
    writes can fail with SQLITE_BUSY without waiting; taking the lock first makes the busy
    timeout apply, so concurrent writers queue instead of losing work.
    """
    if isinstance(db, PostgresDatabase):
        with db.atomic():
            yield db
        return
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.conn.rollback()
        raise
    db.conn.execute("COMMIT")
