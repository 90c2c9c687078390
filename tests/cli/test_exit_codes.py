"""The installed program passes on every command's exit code (issue 15: it dropped them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli.main import main
from records.db import open_db
from tests.unmatched.helpers import mention


def run_main(monkeypatch: pytest.MonkeyPatch, *args: str) -> int:
    monkeypatch.setattr("sys.argv", ["evidence-bot", *args])
    with pytest.raises(SystemExit) as stopped:
        main()
    code = stopped.value.code
    return code if isinstance(code, int) else 1


def test_a_command_that_succeeds_exits_zero(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_main(monkeypatch, "--db", str(db_path), "atlas", "import", "/dev/null") == 0


def test_enrich_with_every_lookup_failed_exits_non_zero(
    monkeypatch: pytest.MonkeyPatch, db_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = open_db(db_path)
    mention(db, "doi", "10.1000/unreachable")
    db.close()
    nowhere = "http://127.0.0.1:9"  # nothing listens on the discard port
    for name in ("CROSSREF_URL", "NCBI_EUTILS_URL", "NCBI_IDCONV_URL", "EUROPEPMC_URL"):
        monkeypatch.setenv(f"EVBOT_ENRICH__{name}", nowhere)
    monkeypatch.setenv("EVBOT_ENRICH__MAX_RETRIES", "0")
    assert run_main(monkeypatch, "--db", str(db_path), "enrich") == 1
