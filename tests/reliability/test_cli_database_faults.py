"""Commands meeting a locked, full or unusable records file stop with one clear line.

A scan interrupted that way lost nothing: run again once the file is usable, it records
every sighting exactly once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.scan_cmd import sighting_id
from tests.reliability.conftest import run_program

SHORT_WAIT = {"EVBOT_DATABASE__BUSY_TIMEOUT_MS": "200"}


@pytest.fixture
def posts(tmp_path: Path) -> Path:
    path = tmp_path / "posts.jsonl"
    path.write_text(
        "".join(f'{{"id": "p{n}", "text": "doi:10.5555/locked.{n}"}}\n' for n in range(50)),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def held_lock(atlas_db: Path) -> Iterator[sqlite3.Connection]:
    """Another process holding the write lock far longer than the busy timeout."""
    other = sqlite3.connect(atlas_db, timeout=0, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    yield other
    if other.in_transaction:
        other.rollback()
    other.close()


def sightings(db_path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(db_path) as conn:
        return sorted(conn.execute("SELECT paper_key, message_id FROM sightings").fetchall())


def test_a_scan_meeting_a_locked_database_says_so_and_a_rerun_loses_nothing(
    atlas_db: Path, posts: Path, tmp_path: Path, held_lock: sqlite3.Connection
) -> None:
    blocked = run_program("--db", str(atlas_db), "scan", str(posts), cwd=tmp_path, env=SHORT_WAIT)
    assert blocked.returncode == 1
    assert "Traceback" not in blocked.stderr
    assert "Error: the records database refused the command (database is locked)" in (
        blocked.stderr
    )
    held_lock.rollback()
    again = run_program("--db", str(atlas_db), "scan", str(posts), cwd=tmp_path, env=SHORT_WAIT)
    assert again.returncode == 0, again.stderr
    assert sightings(atlas_db) == sorted(
        (f"doi:10.5555/locked.{n}", sighting_id(str(posts.resolve()), {"id": f"p{n}"}, n + 1))
        for n in range(50)
    )


@pytest.mark.parametrize(
    "args",
    [
        ["atlas", "import", "ATLAS"],
        ["unmatched", "ignore", "doi:10.5555/x", "--reason", "r"],
        ["lookup", "--log", "10.5555/not.in.the.atlas"],
    ],
)
def test_writing_commands_meeting_a_locked_database_say_so(
    atlas_db: Path, tmp_path: Path, held_lock: sqlite3.Connection, args: list[str]
) -> None:
    atlas = tmp_path / "new.jsonl"
    atlas.write_text('{"id": "new-2026-entry", "title": "A study new to the atlas"}\n')
    args = [str(atlas) if a == "ATLAS" else a for a in args]
    done = run_program("--db", str(atlas_db), *args, cwd=tmp_path, env=SHORT_WAIT)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False), done.stderr
    assert "database is locked" in done.stderr


def test_a_file_that_is_no_database_is_named_not_a_traceback(tmp_path: Path) -> None:
    garbage = tmp_path / "records.db"
    garbage.write_bytes(bytes(range(256)) * 40)
    done = run_program("--db", str(garbage), "atlas", "stats", cwd=tmp_path)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert "file is not a database" in done.stderr
