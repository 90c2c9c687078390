"""`evidence-bot run FORUM` without its settings: one error line naming them, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.conftest import run_program


@pytest.mark.parametrize("platform", ["discourse", "xenforo", "lemmy"])
def test_missing_settings_end_with_one_error_line(platform: str, tmp_path: Path) -> None:
    done = run_program("--db", str(tmp_path / "x.db"), "run", platform, cwd=tmp_path)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith(f"Error: set EVBOT_{platform.upper()}__BASE_URL")
