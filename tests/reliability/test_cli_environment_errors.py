"""Files that cannot be written, hosts that cannot be reached and closed pipes end a command
with one clear line (or quietly, for a closed pipe), never a traceback."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from benchmarks.synthetic_atlas import synthetic_entries
from tests.reliability.conftest import clean_environment, program, run_program


def test_exporting_into_a_missing_folder_names_the_path(tmp_path: Path, atlas_db: Path) -> None:
    target = tmp_path / "no" / "such" / "folder" / "atlas.jsonl"
    done = run_program("--db", str(atlas_db), "atlas", "export", str(target), cwd=tmp_path)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False)
    assert f"No such file or directory: '{target}'" in done.stderr


def test_an_unreachable_discord_is_one_line_and_shows_no_token(tmp_path: Path) -> None:
    token = "MTAxNzQ0.unreachable.t0ken-Zz9Yy8Xx7"
    done = run_program(
        "--db", str(tmp_path / "records.db"), "run", "discord",
        cwd=tmp_path,
        env={
            "EVBOT_DISCORD__TOKEN": token,
            "EVBOT_DISCORD__API_BASE_URL": "http://127.0.0.1:9/api/v10",  # nothing listens
        },
    )  # fmt: skip
    assert (done.returncode, "Traceback" in done.stderr) == (1, False), done.stderr
    assert "Error: Cannot connect to host 127.0.0.1:9" in done.stderr
    assert token not in done.stdout + done.stderr


def test_a_reader_that_stops_early_ends_the_export_quietly(tmp_path: Path, db_path: Path) -> None:
    atlas = tmp_path / "atlas.jsonl"
    atlas.write_text("".join(json.dumps(e) + "\n" for e in synthetic_entries(3_000)))
    imported = run_program("--db", str(db_path), "atlas", "import", str(atlas), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    export = subprocess.Popen(  # noqa: S603 - our own program
        [*program(), "--db", str(db_path), "atlas", "export"],
        cwd=tmp_path,
        env=clean_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert export.stdout is not None
    assert export.stderr is not None
    first = export.stdout.readline()
    export.stdout.close()  # like `| head -1`
    stderr = export.stderr.read().decode()
    export.wait(timeout=60)
    assert json.loads(first)["id"]
    assert "Traceback" not in stderr
    assert export.returncode != 0  # it could not write everything
