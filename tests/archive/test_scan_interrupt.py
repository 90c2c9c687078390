"""Ctrl-C during `scan --jobs 2` of a dump keeps whole posts, and a rerun completes the scan."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

from records.db import open_db
from tests.archive.dumps import realistic_comments, write_zst
from tests.conftest import SAMPLE_ATLAS
from tests.reliability.conftest import clean_environment, program

ENV = clean_environment({"EVBOT_DATABASE__AUTHOR_HASH_SALT": "interrupt-test-salt"})
COUNTS = """SELECT (SELECT count(*) FROM sightings) AS sightings,
                   (SELECT sum(mention_count) FROM unmatched_papers) AS mentions,
                   (SELECT count(*) FROM cited_studies) AS citations"""


def evidence_bot(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own program
        [*program(), "--db", str(db), *args],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def counts(db_path: Path) -> dict[str, int]:
    db = open_db(db_path)
    try:
        return dict(next(iter(db.query(COUNTS))))
    finally:
        db.close()


def test_an_interrupted_scan_keeps_whole_posts_and_a_rerun_completes(tmp_path: Path) -> None:
    dump = write_zst(tmp_path / "RC_2023-04.zst", realistic_comments(3000))
    whole, interrupted = tmp_path / "whole.db", tmp_path / "interrupted.db"
    for db in (whole, interrupted):
        assert evidence_bot(db, "atlas", "import", str(SAMPLE_ATLAS)).returncode == 0
    assert evidence_bot(whole, "scan", str(dump), "--jobs", "2").returncode == 0

    out = tmp_path / "out.jsonl"
    with out.open("w") as stdout:
        process = subprocess.Popen(  # noqa: S603 - our own program
            [*program(), "--db", str(interrupted), "scan", str(dump), "--jobs", "2"],
            env=ENV,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 240
        while out.stat().st_size < 20_000 and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            time.sleep(0.05)
        # Ctrl-C reaches the whole foreground process group: the scan and its workers.
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    printed = out.read_text(encoding="utf-8").splitlines()
    assert 0 < len(printed) < 3000
    for line in printed:
        json.loads(line)  # whole lines only
    assert "Traceback" not in stderr

    assert evidence_bot(interrupted, "scan", str(dump), "--jobs", "2").returncode == 0
    assert counts(interrupted) == counts(whole)
