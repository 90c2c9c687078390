"""The installed `evidence-bot` program run as a child process, for tests and benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

from tests.fakes.stores import aimed

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
    """Run `evidence-bot ARGS` to the end in `cwd` (so no stray .env is read); a `--db PATH`
    among ARGS names the test's PostgreSQL schema instead under make test-postgres."""
    arguments, environment = aimed(args, env)
    return subprocess.run(  # noqa: S603 - our own program with test arguments
        [*program(), *arguments],
        cwd=cwd,
        env=clean_environment(environment),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
