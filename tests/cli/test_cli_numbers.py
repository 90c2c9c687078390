"""Numbers, durations and secrets no run could use end in one `Error:` line (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from tests.conftest import SAMPLE_ATLAS
from tests.reliability.conftest import run_program

HUGE = "99999999999999999999"


@pytest.fixture
def atlas_db(db_path: Path) -> Path:
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["--db", str(db_path), "atlas", "import", str(SAMPLE_ATLAS)]).exit_code
        == 0
    )
    return db_path


@pytest.mark.parametrize(
    "args",
    [
        ["unmatched", "list", "--limit", HUGE],
        ["unmatched", "list", "--since", "9999999999999w"],
        ["unmatched", "list", "--since", "999999999d"],
        # An offset that carries the last representable moment past the year 9999 (issue 29).
        ["unmatched", "list", "--since", "9999-12-31T23:59:59-23:59"],
        ["unmatched", "list", "--since", "0001-01-01T00:00+23:59"],
        ["unmatched", "export", "--format", "csv", "--since", "9999999999999w"],
        ["enrich", "--limit", HUGE],
        ["run", "enricher", "--limit", HUGE],
        ["run", "enricher", "--interval", "1e400"],
        ["run", "reddit", "--max-polls", HUGE],
        ["atlas", "sync", "--limit", HUGE],
        ["atlas", "sync", "--delay", "inf"],
        ["atlas", "sync", "--timeout", "nan"],
        ["atlas", "sync", "--retries", HUGE],
        ["run", "discord", "--sync-commands", "--guild", HUGE + "0000"],
    ],
    ids=" ".join,
)
def test_an_out_of_range_number_is_one_error_line(atlas_db: Path, args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["--db", str(atlas_db), *args], catch_exceptions=False)
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("variable", "setting"),
    [
        ("EVBOT_DISCORD__TOKEN", "discord.token"),
        ("EVBOT_REDDIT__PASSWORD", "reddit.password"),
        ("EVBOT_REDDIT__CLIENT_SECRET", "reddit.client_secret"),
    ],
)
@pytest.mark.parametrize("value", ["secret-part\nsecond-line", "secret-part\r"])
def test_a_secret_with_a_line_break_is_refused_naming_the_setting_not_the_value(
    tmp_path: Path, variable: str, setting: str, value: str
) -> None:
    done = run_program(
        "--db", str(tmp_path / "r.db"), "config", "check", cwd=tmp_path, env={variable: value}
    )
    assert done.returncode != 0
    errors = [line for line in done.stderr.splitlines() if line.startswith("Error:")]
    assert errors == ["Error: invalid settings"]
    assert f"{setting}: contains a line break" in done.stderr
    assert "secret-part" not in done.stdout + done.stderr
    assert "Traceback" not in done.stderr
