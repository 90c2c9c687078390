"""The installed `evidence-bot` program run as a child process, for tests and benchmarks."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

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
