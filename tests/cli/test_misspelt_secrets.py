"""A misspelt setting may be a secret: its value never appears in the error (issue 17)."""

from __future__ import annotations

from pathlib import Path

from tests.reliability.conftest import run_program

SECRET = "hunter2-Zz9Yy8Xx7"


def _assert_masked(stderr: str, named: str = "reddit.passwd: unknown setting") -> None:
    assert SECRET not in stderr
    assert named in stderr


def test_a_misspelt_secret_variable_is_named_without_its_value(tmp_path: Path) -> None:
    done = run_program("config", "check", cwd=tmp_path, env={"EVBOT_REDDIT__PASSWD": SECRET})
    assert done.returncode == 2
    _assert_masked(done.stderr, "EVBOT_REDDIT__PASSWD: no such setting")


def test_a_misspelt_secret_in_dotenv_is_named_without_its_value(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"EVBOT_REDDIT__PASSWD={SECRET}\n", encoding="utf-8")
    done = run_program("config", "check", cwd=tmp_path)
    assert done.returncode == 2
    _assert_masked(done.stderr)


def test_a_misspelt_secret_in_toml_is_named_without_its_value(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text(f'[reddit]\npasswd = "{SECRET}"\n', encoding="utf-8")
    done = run_program("--config", str(config), "config", "check", cwd=tmp_path)
    assert done.returncode == 2
    _assert_masked(done.stderr)


def test_a_bad_value_of_a_known_plain_field_is_still_shown(tmp_path: Path) -> None:
    done = run_program("config", "check", cwd=tmp_path, env={"EVBOT_REPLY__MAX_CARDS": "99"})
    assert done.returncode == 2
    assert "reply.max_cards" in done.stderr
    assert "(got '99')" in done.stderr
