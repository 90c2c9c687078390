"""`evidence-bot curate` as a program: failures exit non-zero with one line."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.reliability.conftest import run_program


def test_curate_on_a_port_in_use_exits_non_zero(tmp_path: Path, curated_db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_program("--db", str(curated_db), "curate", "--port", str(port), cwd=tmp_path)
    assert done.returncode != 0
    assert "Error:" in done.stderr


def test_a_non_loopback_address_is_warned_about_loudly(tmp_path: Path, curated_db: Path) -> None:
    with socket.socket() as taken:  # held, so the server stops at once after the warning
        taken.bind(("0.0.0.0", 0))  # noqa: S104 - the point of the test
        taken.listen()
        port = taken.getsockname()[1]
        done = run_program(
            "--db", str(curated_db), "curate", "--host", "0.0.0.0", "--port", str(port),  # noqa: S104
            cwd=tmp_path,
        )  # fmt: skip
    assert f"WARNING: serving the records database on 0.0.0.0:{port}, which is NOT a loopback" in (
        done.stderr
    )


def test_a_loopback_address_gets_no_warning(tmp_path: Path, curated_db: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = run_program("--db", str(curated_db), "curate", "--port", str(port), cwd=tmp_path)
    assert "WARNING" not in done.stderr
