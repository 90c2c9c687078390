"""The records file and SQLite's -wal and -shm companions are readable by their owner only."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from records.db import open_db
from tests.conftest import SAMPLE_ATLAS
from tests.reliability.conftest import run_program


@pytest.fixture(params=[0o000, 0o022, 0o002], ids=["umask-000", "umask-022", "umask-002"])
def permissive_umask(request: pytest.FixtureRequest) -> Iterator[int]:
    """Run with a umask that would let others read newly created files."""
    previous = os.umask(request.param)
    yield request.param
    os.umask(previous)


def modes(folder: Path) -> dict[str, int]:
    return {path.name: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}


@pytest.mark.usefixtures("permissive_umask")
def test_open_db_creates_the_file_and_its_wal_and_shm_owner_only(tmp_path: Path) -> None:
    db = open_db(tmp_path / "data" / "records.db")
    try:
        db.execute(
            "INSERT INTO mod_log (platform, place, actor, action, created_at) "
            "VALUES ('t', 'p', 'a', 'x', '2026-01-01')"
        )
        db.conn.commit()
        found = modes(tmp_path / "data")
    finally:
        db.close()
    assert set(found) >= {"records.db", "records.db-wal", "records.db-shm"}
    assert found == dict.fromkeys(found, 0o600)


@pytest.mark.usefixtures("permissive_umask")  # the child process inherits it
def test_the_program_creates_its_database_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "fresh" / "evidence.db"
    done = run_program(
        "atlas", "import", str(SAMPLE_ATLAS),
        cwd=tmp_path, env={"EVBOT_DATABASE__PATH": str(database)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
    assert stat.S_IMODE(database.parent.stat().st_mode) == 0o700


def test_an_existing_database_readable_by_others_is_made_owner_only(
    tmp_path: Path, atlas_db: Path
) -> None:
    atlas_db.chmod(0o644)
    done = run_program("--db", str(atlas_db), "atlas", "stats", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(atlas_db.stat().st_mode) == 0o600
    assert "was readable by other users (mode 644); made it owner-only" in done.stderr


@pytest.mark.usefixtures("permissive_umask")
def test_exports_are_written_owner_only(tmp_path: Path, atlas_db: Path) -> None:
    atlas_out = tmp_path / "atlas-out.jsonl"
    papers_out = tmp_path / "papers.csv"
    db = ("--db", str(atlas_db))
    assert run_program(*db, "atlas", "export", str(atlas_out), cwd=tmp_path).returncode == 0
    done = run_program(
        *db, "unmatched", "export", "--format", "csv", "-o", str(papers_out), cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(atlas_out.stat().st_mode) == 0o600
    assert stat.S_IMODE(papers_out.stat().st_mode) == 0o600
    assert papers_out.read_bytes().startswith(b"\xef\xbb\xbfkey,")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
