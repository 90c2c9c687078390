"""Ctrl-C ends any command with one line, `Stopped.`, and exit code 130: never "Stopped."
followed by "Aborted.", nor a traceback when it comes while the program is starting."""

from __future__ import annotations

import signal
import subprocess
import sys
import tomllib
import types
from pathlib import Path

import pytest

from bot.cli import entry
from tests.conftest import REPO_ROOT
from tests.reliability.conftest import clean_environment, program


def _start(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(  # noqa: S603 - our own program
        [*program(), "--db", str(tmp_path / "records.db"), *args],
        cwd=tmp_path,
        env=clean_environment(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_ctrl_c_while_a_command_runs_prints_one_line(tmp_path: Path) -> None:
    console = _start(tmp_path, "run", "console")
    assert console.stderr is not None
    # The empty-atlas note is printed once the console bot is reading its input.
    assert "the atlas is empty" in console.stderr.readline()
    console.send_signal(signal.SIGINT)
    _, rest = console.communicate(timeout=60)
    assert console.returncode == 130
    assert rest == "Stopped.\n"


class _InterruptedWhileImporting(types.ModuleType):
    """Stands for bot.cli.main while Ctrl-C arrives during its (seconds-long) imports."""

    def __getattr__(self, name: str) -> object:
        raise KeyboardInterrupt


def test_ctrl_c_while_the_program_starts_prints_one_line_not_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "bot.cli.main", _InterruptedWhileImporting("bot.cli.main"))
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    assert capsys.readouterr().err == "Stopped.\n"


def test_the_console_script_is_the_interrupt_safe_entry_point() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["evidence-bot"] == "bot.cli.entry:main"


def test_the_programs_the_tests_start_can_be_interrupted() -> None:
    """Ctrl-C tests mean something however the suite was started: a background `make test`
    inherits SIGINT ignored, which its children would keep (tests/conftest.py undoes it)."""
    assert signal.getsignal(signal.SIGINT) is not signal.SIG_IGN
