"""A whole deployment moves between stores with `atlas export --deployment` and `atlas import
--deployment`: every table arrives row by row, the full-text index is rebuilt, and a file
that is cut short, newer than the program, or aimed at a store in use changes nothing."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from bot.cli.main import cli
from records.db import Database, open_db
from records.deployment import NOT_IN_SNAPSHOT, schema_tables, snapshot
from records.fulltext import search
from tests.conftest import SAMPLE_ATLAS
from tests.unmatched.helpers import mention

Rows = dict[str, list[tuple[object, ...]]]
ROWS_PER_TABLE = 3


# The fixture fills tables from SQLite's own table definitions (sqlite_master).
pytestmark = pytest.mark.sqlite_only


def invoke(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def fill_the_rest(db: Database) -> None:
    """A few rows in each table the flows above left empty, made from the table's own
    definition (a CHECK's first allowed value, an existing atlas entry or paper for a
    reference, a JSON string with characters beyond ASCII for text), so no table is left out of the test."""
    assert isinstance(db, sqlite_utils.Database)  # reads SQLite's own table definitions
    entries = [str(r[0]) for r in db.execute("SELECT id FROM atlas_entries LIMIT 3").fetchall()]
    papers = [str(r[0]) for r in db.execute("SELECT key FROM unmatched_papers LIMIT 3").fetchall()]
    for table in schema_tables():
        if db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]:
            continue
        sql = str(db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0])
        for n in range(ROWS_PER_TABLE):
            row: dict[str, object] = {}
            for column in db[table].columns:
                allowed = re.search(rf"CHECK \({column.name} IN \('([^']+)'", sql)
                if column.name == "entry_id":
                    row[column.name] = entries[n]
                elif column.name == "paper_key":
                    row[column.name] = papers[n]
                elif allowed:
                    row[column.name] = allowed.group(1)
                elif column.type == "INTEGER":
                    row[column.name] = n + 1
                elif column.type == "REAL":
                    row[column.name] = n + 0.25
                else:  # also valid JSON, for the columns that hold JSON
                    row[column.name] = json.dumps(f"{table}.{column.name} {n} – café ✓")
            db.table(table).insert(row)


@pytest.fixture
def deployment(tmp_path: Path) -> Path:
    """A records file with rows in every table: the sample atlas, a scan's log, the rest."""
    return make_deployment(tmp_path)


def make_deployment(tmp_path: Path) -> Path:
    """The `deployment` fixture's records file (also built by the cross-store test)."""
    source = tmp_path / "source.db"
    invoke(source, "atlas", "import", str(SAMPLE_ATLAS))
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        '{"id": "p1", "text": "doi:10.1016/j.autrev.2023.103484 and doi:10.5555/new.1"}\n'
        '{"id": "p2", "text": "PMID 30934066, also doi:10.5555/new.2", "author": "ann"}\n',
        encoding="utf-8",
    )
    invoke(source, "scan", str(posts))
    db = open_db(source)
    try:
        mention(db, "doi", "10.5555/from.discord", message_id="m1", place="c1")
        fill_the_rest(db)
    finally:
        db.close()
    return source


def table_rows(path: Path) -> Rows:
    db = open_db(path)
    try:
        return {
            table: sorted(tuple(row) for row in db.execute(f"SELECT * FROM {table}").fetchall())
            for table in schema_tables()
        }
    finally:
        db.close()


def test_every_table_moves_to_a_new_store_row_by_row_and_back(
    deployment: Path, tmp_path: Path
) -> None:
    before = table_rows(deployment)
    assert all(before.values()), [t for t, rows in before.items() if not rows]
    exported = tmp_path / "deployment.jsonl"
    invoke(deployment, "atlas", "export", "--deployment", str(exported))
    moved = tmp_path / "moved.db"
    output = invoke(moved, "atlas", "import", "--deployment", str(exported))
    assert f"{sum(len(rows) for rows in before.values())} rows of {len(before)} tables" in output
    assert table_rows(moved) == before
    again = tmp_path / "again.jsonl"
    invoke(moved, "atlas", "export", "--deployment", str(again))
    back = tmp_path / "back.db"
    invoke(back, "atlas", "import", "--deployment", str(again))
    assert table_rows(back) == before
    db = open_db(back)
    try:  # the full-text index was made again from the atlas entries
        assert "lee-2024-brain-regional" in search(db, "brain regional")
    finally:
        db.close()


def test_the_export_is_owner_only(deployment: Path, tmp_path: Path) -> None:
    exported = tmp_path / "deployment.jsonl"
    invoke(deployment, "atlas", "export", "--deployment", str(exported))
    assert stat.S_IMODE(exported.stat().st_mode) == 0o600
    assert any('"table": "deployment_secrets"' in line for line in exported.open())


def _refused(target: Path, file: Path, problem: str) -> None:
    before = table_rows(target)
    result = CliRunner().invoke(
        cli, ["--db", str(target), "atlas", "import", "--deployment", str(file)]
    )
    assert result.exit_code == 1
    assert problem in result.output
    assert table_rows(target) == before


def test_a_store_already_in_use_is_refused_untouched(deployment: Path, tmp_path: Path) -> None:
    exported = tmp_path / "deployment.jsonl"
    invoke(deployment, "atlas", "export", "--deployment", str(exported))
    in_use = tmp_path / "in-use.db"
    invoke(in_use, "atlas", "import", str(SAMPLE_ATLAS))
    _refused(in_use, exported, "the store already holds records (atlas_entries")


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda lines: lines[:-1], "cut short or altered"),
        (lambda lines: lines[1:], "not a deployment export"),
        (
            lambda lines: [lines[0].replace('"migrations": [', '"migrations": ["_m999_future", '), *lines[1:]],
            "newer evidence-bot (migrations _m999_future",
        ),
        (lambda lines: [*lines[:2], '{"table": "no_such", "row": {}}\n', *lines[2:]], "unknown table 'no_such'"),
    ],
)  # fmt: skip
def test_a_bad_file_imports_nothing(
    deployment: Path, tmp_path: Path, change: object, problem: str
) -> None:
    exported = tmp_path / "deployment.jsonl"
    invoke(deployment, "atlas", "export", "--deployment", str(exported))
    assert callable(change)
    lines = exported.read_text(encoding="utf-8").splitlines(keepends=True)
    exported.write_text("".join(change(lines)), encoding="utf-8")
    _refused(tmp_path / "new.db", exported, problem)


def test_the_header_counts_every_table(deployment: Path, tmp_path: Path) -> None:
    exported = tmp_path / "deployment.jsonl"
    invoke(deployment, "atlas", "export", "--deployment", str(exported))
    header = json.loads(exported.open().readline())
    assert header["tables"] == {t: len(rows) for t, rows in table_rows(deployment).items()}
    assert "_migrations" not in header["tables"]
    assert "atlas_search" not in header["tables"]


def test_the_curators_snapshot_holds_every_table_but_the_salt_and_http_cache(
    deployment: Path, tmp_path: Path
) -> None:
    snapshot_path = tmp_path / "curators.db"
    snapshot_path.write_text("an older snapshot")  # replaced whole
    db = open_db(deployment)
    try:
        moved = snapshot(db, snapshot_path)
    finally:
        db.close()
    before = table_rows(deployment)
    after = table_rows(snapshot_path)
    assert {t: rows for t, rows in after.items() if t not in NOT_IN_SNAPSHOT} == {
        t: rows for t, rows in before.items() if t not in NOT_IN_SNAPSHOT
    }
    assert after["deployment_secrets"] == []
    assert after["http_cache"] == []
    assert moved.rows == sum(len(before[t]) for t in before if t not in NOT_IN_SNAPSHOT)
    assert stat.S_IMODE(snapshot_path.stat().st_mode) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir() if "curators" in p.name) == ["curators.db"]
