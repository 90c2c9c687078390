"""Two processes logging sightings into one store (an SQLite file, or PostgreSQL under
`make test-postgres`) at the same moment lose nothing."""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

from records.db import open_db
from tests.postgres_store import location
from tests.unmatched.helpers import mention

KEYS = [("doi", f"10.1000/paper{i}") for i in range(5)]
MESSAGES_PER_PROCESS = 150
SHARED_MESSAGES = 20  # both processes see these (say, a redelivered message)


def log_from_process(db_path: str, name: str, barrier: Any) -> None:
    """Child process: wait for the other, then log every message as fast as it can."""
    db = open_db(db_path)
    barrier.wait(timeout=60)
    for i in range(MESSAGES_PER_PROCESS):
        kind, value = KEYS[i % len(KEYS)]
        mention(db, kind, value, message_id=f"{name}-{i}", author=f"{name}-author")
    for i in range(SHARED_MESSAGES):
        kind, value = KEYS[i % len(KEYS)]
        mention(db, kind, value, message_id=f"shared-{i}", author="shared-author")
    db.close()


def test_two_processes_logging_at_once_keep_every_sighting(tmp_path: Path) -> None:
    db_path = location(tmp_path / "records.db")
    open_db(db_path).close()  # migrate once, before the race
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=log_from_process, args=(db_path, name, barrier))
        for name in ("one", "two")
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0]

    db = open_db(db_path)
    expected_total = 2 * MESSAGES_PER_PROCESS + SHARED_MESSAGES
    assert db.execute("SELECT count(*) FROM sightings").fetchone()[0] == expected_total
    counts = dict(db.execute("SELECT key, mention_count FROM unmatched_papers").fetchall())
    per_key = dict(
        db.execute("SELECT paper_key, count(*) FROM sightings GROUP BY paper_key").fetchall()
    )
    assert counts == per_key
    assert sum(counts.values()) == expected_total
    db.close()
