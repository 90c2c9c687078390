"""Several machines scan different dump files into one store at once (issue 27): two `scan`
processes running together give the same census as one process scanning both files in turn.

Each process is the real program on its own dump (Reddit comments in the published zstd
shape); both write to one shared store. The census is compared as `report` writes it (the
monthly counts, the most-cited studies and the atlas queue) and row by row in the tables it
is made from. Author hashes match because both stores are given one salt, as one deployment's
machines share theirs.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.archive.dumps import realistic_comments, write_zst
from tests.fakes.processes import import_atlas
from tests.fakes.stores import Row, SharedStore, expected_kind, shared_store
from tests.reliability.conftest import clean_environment, program, run_program

COMMENTS_PER_DUMP = 1500
SALT = "one-salt-for-the-whole-deployment"
CENSUS_FILES = ("monthly.csv", "top-studies.csv", "atlas-queue.csv")
CENSUS_TABLES = {
    "sightings": "SELECT paper_key, platform, place, message_id, author_hash, permalink FROM sightings",
    "cited_studies": "SELECT platform, place, message_id, entry_id, cited_at, author_hash FROM cited_studies",
    "unmatched_papers": "SELECT key, kind, value, mention_count, status FROM unmatched_papers",
}  # fmt: skip
StoreMaker = Callable[[Path], SharedStore]


@pytest.fixture
def make_store() -> StoreMaker:
    """How to make an empty shared store in a folder: SQLite, or PostgreSQL (one schema per
    folder) under make test-postgres, where this test shows machines sharing one server."""
    return lambda folder: shared_store(folder / "records.db")


@pytest.fixture
def dumps(tmp_path: Path) -> list[Path]:
    """Two dumps of different comments (as two months' files are), one file each."""
    made = []
    for name, seed in (("RC_2023-01.zst", 1), ("RC_2023-02.zst", 2)):
        comments = (
            {**item, "id": f"{name[3:10]}{item['id']}"}
            for item in realistic_comments(COMMENTS_PER_DUMP, seed=seed)
        )
        made.append(write_zst(tmp_path / name, comments))
    return made


def store_in(folder: Path, make_store: StoreMaker) -> SharedStore:
    folder.mkdir()
    store = make_store(folder)
    store.env["EVBOT_DATABASE__AUTHOR_HASH_SALT"] = SALT
    import_atlas(store, folder)
    return store


def scan(store: SharedStore, dump: Path, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own program
        [*program(), "scan", str(dump)],
        cwd=cwd,
        env=clean_environment(store.env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def census(store: SharedStore, folder: Path) -> tuple[dict[str, str], dict[str, list[Row]]]:
    out = folder / "report"
    done = run_program("report", "--out", str(out), cwd=folder, env=store.env, timeout=300)
    assert done.returncode == 0, done.stderr
    files = {name: (out / name).read_text(encoding="utf-8") for name in CENSUS_FILES}
    tables = {table: sorted(store.rows(sql)) for table, sql in CENSUS_TABLES.items()}
    return files, tables


def test_two_processes_scanning_at_once_give_the_census_of_one_scanning_both(
    dumps: list[Path], tmp_path: Path, make_store: StoreMaker
) -> None:
    shared = store_in(tmp_path / "shared", make_store)
    assert shared.kind == expected_kind()
    running = [scan(shared, dump, tmp_path) for dump in dumps]  # both at once
    for process in running:
        _, errors = process.communicate(timeout=600)
        assert process.returncode == 0, errors

    alone = store_in(tmp_path / "alone", make_store)
    for dump in dumps:  # one after the other
        process = scan(alone, dump, tmp_path)
        _, errors = process.communicate(timeout=600)
        assert process.returncode == 0, errors

    together_files, together_tables = census(shared, tmp_path / "shared")
    alone_files, alone_tables = census(alone, tmp_path / "alone")
    assert together_tables == alone_tables
    assert together_files == alone_files
    # The census is not empty: both dumps' citations and unmatched papers are in it.
    assert len(together_tables["cited_studies"]) > 100
    sources = {dump.name for dump in dumps}
    assert {
        name for row in together_tables["sightings"] for name in sources if name in str(row[3])
    } == sources
    assert "2023-01," in together_files["monthly.csv"]
