"""A process opening the records file while another writes to it in rollback mode waits for
the write instead of crashing (SQLite refuses the switch to WAL at once there; issue 28's
loaded-machine run caught it in test_migrate_once)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from records.db import open_sqlite_file

HOLD_SECONDS = 0.8

WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("CREATE TABLE IF NOT EXISTS early (x)")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
    conn.execute("COMMIT")
    """
)


def test_opening_waits_out_another_process_writing_to_a_new_file(tmp_path: Path) -> None:
    path = tmp_path / "records.db"
    writer = subprocess.Popen(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", WRITER, str(path), str(HOLD_SECONDS)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == "holding"  # the write lock is held now
        db = open_sqlite_file(path, busy_timeout_ms=30_000)
    finally:
        writer.wait(timeout=60)
    assert writer.returncode == 0
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {"early", "_migrations"} <= set(db.table_names())
