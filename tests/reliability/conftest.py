"""Shared pieces for the reliability tests: the real `evidence-bot` program as a process."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_ATLAS
from tests.reddit.conftest import (  # noqa: F401 - fixtures shared with the Reddit tests
    SUBREDDIT,
    USER_AGENT,
    fake_reddit,
    harness,
    harness_factory,
    reddit_settings,
    sample_index,
)

EVIDENCE_BOT = Path(sys.executable).with_name("evidence-bot")


def program() -> list[str]:
    """The installed console script, failing loudly when the package is not installed."""
    assert EVIDENCE_BOT.exists(), f"install the package first: {EVIDENCE_BOT} is missing"
    return [str(EVIDENCE_BOT)]


def clean_environment(extra: Mapping[str, str] = {}) -> dict[str, str]:
    """This process's environment without any EVBOT_ variable, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EVBOT_")}
    env.update(extra)
    return env


def run_program(
    *args: str, cwd: Path, env: Mapping[str, str] = {}, timeout: float = 120.0
) -> subprocess.CompletedProcess[str]:
    """Run `evidence-bot ARGS` to the end in `cwd` (so no stray .env is read)."""
    return subprocess.run(  # noqa: S603 - our own program with test arguments
        [*program(), *args],
        cwd=cwd,
        env=clean_environment(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Poll `condition` until it holds or `seconds` pass (liveness, not speed)."""
    pause = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        pause.wait(0.05)
    return condition()


@pytest.fixture
def atlas_db(db_path: Path, tmp_path: Path) -> Path:
    """A records file holding the sample atlas, imported by the real program."""
    done = run_program("--db", str(db_path), "atlas", "import", str(SAMPLE_ATLAS), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return db_path


def count(db_path: Path, sql: str) -> int:
    """The single number `sql` selects from the records file at `db_path`."""
    with sqlite3.connect(db_path) as conn:
        return int(conn.execute(sql).fetchone()[0])
