"""A whole deployment moves from an SQLite file to PostgreSQL and back with nothing lost
(`atlas export --deployment` / `atlas import --deployment`), compared table by table, row by
row. Runs under `make test-postgres`, which names a server."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import records.db
from records.fulltext import search
from tests import postgres_store
from tests.records.test_deployment import invoke, make_deployment, table_rows

pytestmark = pytest.mark.skipif(
    not postgres_store.SERVER_URL, reason="needs a PostgreSQL server: make test-postgres"
)


@contextmanager
def sqlite_side() -> Iterator[None]:
    """Paths open SQLite files again, not the PostgreSQL schemas the test run maps them to."""
    redirect = records.db.path_redirect
    records.db.path_redirect = None
    try:
        yield
    finally:
        records.db.path_redirect = redirect


def test_a_deployment_moves_from_sqlite_to_postgresql_and_back_row_by_row(tmp_path: Path) -> None:
    with sqlite_side():
        source = make_deployment(tmp_path)
        before = table_rows(source)
        invoke(source, "atlas", "export", "--deployment", str(tmp_path / "from-sqlite.jsonl"))
    assert all(before.values()), [t for t, rows in before.items() if not rows]

    on_postgres = tmp_path / "postgres.db"  # a schema of its own on the test server
    assert postgres_store.location(on_postgres).startswith("postgresql://")
    invoke(on_postgres, "atlas", "import", "--deployment", str(tmp_path / "from-sqlite.jsonl"))
    assert table_rows(on_postgres) == before
    db = records.db.open_db(on_postgres)
    try:  # the PostgreSQL full-text index was built from the imported entries
        assert "lee-2024-brain-regional" in search(db, "brain regional")
    finally:
        db.close()
    invoke(on_postgres, "atlas", "export", "--deployment", str(tmp_path / "from-pg.jsonl"))

    with sqlite_side():
        back = tmp_path / "back.db"
        invoke(back, "atlas", "import", "--deployment", str(tmp_path / "from-pg.jsonl"))
        assert back.is_file()
        assert table_rows(back) == before
