"""Processes starting at once on a new store: one migrates, the others find it done."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from records.db import open_db
from records.migrations import MIGRATIONS
from tests.postgres_store import location

PROCESSES = 3


def start_from_process(target: str, barrier: Any, results: Any) -> None:
    """Child process: open (and so migrate) the store the moment the others do."""
    barrier.wait(timeout=60)
    db = open_db(target)
    rows = db.execute("SELECT count(*) FROM _migrations").fetchone()
    results.put(int(rows[0]))
    db.close()


def test_processes_starting_at_once_migrate_the_store_once(tmp_path: Path) -> None:
    target = location(tmp_path / "records.db")  # a PostgreSQL schema under make test-postgres
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results = context.Queue()
    workers = [
        context.Process(target=start_from_process, args=(target, barrier, results))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0] * PROCESSES
    # Every process saw the whole history, and each migration was recorded once.
    assert sorted(results.get(timeout=5) for _ in range(PROCESSES)) == [len(MIGRATIONS)] * 3
    db = open_db(target)
    names = [row[0] for row in db.execute("SELECT name FROM _migrations").fetchall()]
    db.close()
    assert sorted(names) == sorted(m.__name__.lstrip("_") for m in MIGRATIONS)
