"""Shared pieces for the reliability tests: the real `evidence-bot` program as a process."""

from __future__ import annotations

import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_ATLAS

# Re-exported: the reliability tests (and others) import these from here.
from tests.fakes.program import EVIDENCE_BOT as EVIDENCE_BOT  # noqa: PLC0414
from tests.fakes.program import clean_environment as clean_environment  # noqa: PLC0414
from tests.fakes.program import program as program  # noqa: PLC0414
from tests.fakes.program import run_program as run_program  # noqa: PLC0414
from tests.fakes.stores import program_store, shared_store
from tests.reddit.conftest import (  # noqa: F401 - fixtures shared with the Reddit tests
    SUBREDDIT,
    USER_AGENT,
    fake_reddit,
    harness,
    harness_factory,
    reddit_settings,
    sample_index,
)


def wait_until(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Poll `condition` until it holds or `seconds` pass (liveness, not speed)."""
    pause = threading.Event()
    for _ in range(int(seconds / 0.05)):
        if condition():
            return True
        pause.wait(0.05)
    return condition()


@pytest.fixture(name="atlas_db")
def atlas_db_fixture(db_path: Path, tmp_path: Path) -> Path:
    """A records file holding the sample atlas, imported by the real program."""
    store_args, store_env = program_store(db_path)
    done = run_program(
        *store_args, "atlas", "import", str(SAMPLE_ATLAS), cwd=tmp_path, env=store_env
    )
    assert done.returncode == 0, done.stderr
    return db_path


def count(db_path: Path, sql: str) -> int:
    """The single number `sql` selects from the records file at `db_path`."""
    return int(str(shared_store(db_path).rows(sql)[0][0]))


class ProgramProcess:
    """`evidence-bot -vv --db DB <command>` as a child process; its output in a file per start.

    `up` counts the requests that show the process is serving: it installs its SIGTERM
    handler before making them, so `stop` signals only once another one came.
    """

    def __init__(
        self,
        command: list[str],
        db_path: Path,
        env: dict[str, str],
        workdir: Path,
        up: Callable[[], int],
    ) -> None:
        self.command = command
        self.db_path = db_path
        self.env = env
        self.workdir = workdir
        self._up = up
        self._up_before_start = 0
        self.starts = 0
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the program again (a restart after a kill)."""
        self.starts += 1
        self._up_before_start = self._up()
        log = (self.workdir / f"run-{self.starts}.log").open("wb")
        store_args, store_env = program_store(self.db_path)
        self.process = subprocess.Popen(  # noqa: S603 - our own program
            [*program(), "-vv", *store_args, *self.command],
            cwd=self.workdir,
            env={**self.env, **store_env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()

    def kill(self) -> None:
        """SIGKILL: no handler, no clean-up, no last commit."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def kill_if_running(self) -> None:
        """SIGKILL unless the process never started or has ended (a test's clean-up)."""
        if self.process is not None and self.process.poll() is None:
            self.kill()

    def stop(self) -> int:
        """SIGTERM once the process is serving; its exit status."""
        assert self.process is not None
        before = self._up_before_start
        assert wait_until(lambda: self._up() > before)
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)

    def logs(self) -> str:
        """The output of every start so far."""
        return "\n".join(
            (self.workdir / f"run-{n}.log").read_text(errors="replace")
            for n in range(1, self.starts + 1)
        )
