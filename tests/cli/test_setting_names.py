"""An `EVBOT_` variable that matches no setting is named with the nearest real one, never
silently ignored, and `config check` says where it read settings from (issue 28)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.reliability.conftest import run_program

SECRET = "s3cr3t-Qq1Ww2Ee3"


@pytest.mark.parametrize(
    ("variable", "nearest"),
    [
        pytest.param("EVBOT_DATABASE_PATH", "EVBOT_DATABASE__PATH", id="one-underscore"),
        pytest.param("EVBOT_REDIT__CLIENT_SECRET", "EVBOT_REDDIT__CLIENT_SECRET", id="section"),
        pytest.param("evbot_reply__cooldown_hour", "EVBOT_REPLY__COOLDOWN_HOURS", id="lower-case"),
        pytest.param("EVBOT_DISCORD_TOKEN", "EVBOT_DISCORD__TOKEN", id="secret"),
    ],
)
def test_a_variable_matching_no_setting_is_named_with_the_nearest_never_its_value(
    tmp_path: Path, variable: str, nearest: str
) -> None:
    done = run_program("config", "check", cwd=tmp_path, env={variable: SECRET})
    assert done.returncode == 2
    assert f"{variable}: no such setting; did you mean {nearest}?" in done.stderr
    assert SECRET not in done.stderr + done.stdout
    assert "settings OK" not in done.stderr


def test_a_misspelt_dotenv_line_is_named_with_the_nearest_setting(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"EVBOT_REDIT__PASSWORD={SECRET}\n", encoding="utf-8")
    done = run_program("config", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert "did you mean EVBOT_REDDIT__PASSWORD?" in done.stderr
    assert SECRET not in done.stderr


def test_config_check_names_the_files_and_variables_it_read(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[reply]\ncooldown_hours = 2\n", encoding="utf-8")
    (tmp_path / ".env").write_text("EVBOT_REPLY__MAX_CARDS=2\n", encoding="utf-8")
    done = run_program(
        "--config",
        str(config),
        "config",
        "check",
        cwd=tmp_path,
        env={"EVBOT_DISCORD__TOKEN": SECRET, "EVBOT_DATABASE__PATH": "x.db"},
    )
    assert done.returncode == 0, done.stderr
    assert f"read config file: {config} (--config)" in done.stderr
    assert f"read .env file: {tmp_path / '.env'}" in done.stderr
    assert "read environment variables: EVBOT_DATABASE__PATH, EVBOT_DISCORD__TOKEN" in done.stderr
    assert SECRET not in done.stderr + done.stdout


def test_config_check_says_when_nothing_but_defaults_was_read(tmp_path: Path) -> None:
    done = run_program("config", "check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "read config file: none" in done.stderr
    assert "read .env file: none here" in done.stderr
    assert "read environment variables: no EVBOT_*" in done.stderr
