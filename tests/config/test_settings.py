"""Settings: environment, TOML file, precedence, bad values and masked secrets."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from bot.cli.main import cli
from config.settings import ConfigFileError, load_settings

SECRET = "super-secret-token-value-123"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_match_the_documented_values() -> None:
    settings = load_settings()
    assert settings.database.path == Path("data/evidence.db")
    assert settings.reply.default_mode == "auto"
    assert settings.reply.cooldown_hours == 24
    assert settings.discord.prefix == "!"
    assert str(settings.discord.api_base_url) == "https://discord.com/api/v10"
    assert str(settings.reddit.oauth_url) == "https://oauth.reddit.com/"
    assert str(settings.atlas.base_url) == "https://www.mecfsatlas.com/"


@pytest.mark.parametrize(
    ("variable", "value", "read"),
    [
        ("EVBOT_DATABASE__PATH", "elsewhere/x.db", lambda s: s.database.path == Path("elsewhere/x.db")),
        ("EVBOT_REPLY__DEFAULT_MODE", "summon-only", lambda s: s.reply.default_mode == "summon-only"),
        ("EVBOT_REPLY__COOLDOWN_HOURS", "6", lambda s: s.reply.cooldown_hours == 6),
        ("EVBOT_DISCORD__PREFIX", "?", lambda s: s.discord.prefix == "?"),
        ("EVBOT_DISCORD__MOD_ROLES", "Mods, Helpers", lambda s: s.discord.mod_roles == ["Mods", "Helpers"]),
        ("EVBOT_REDDIT__SUBREDDITS", "cfs,covidlonghaulers", lambda s: s.reddit.subreddits == ["cfs", "covidlonghaulers"]),
        ("EVBOT_REDDIT__USER_AGENT", "script:x:v1 (by u/y)", lambda s: s.reddit.user_agent == "script:x:v1 (by u/y)"),
        ("EVBOT_ENRICH__MAILTO", "a@b.org", lambda s: s.enrich.mailto == "a@b.org"),
        ("EVBOT_DISCORD__SHARD_COUNT", "4", lambda s: s.discord.shard_count == 4),
    ],
)  # fmt: skip
def test_environment_variables_set_each_section(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, read: object
) -> None:
    monkeypatch.setenv(variable, value)
    assert callable(read)
    assert read(load_settings())


def test_toml_file_sets_values_and_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(
        tmp_path / "bot.toml",
        '[reply]\ncooldown_hours = 12\nmax_cards = 4\n[discord]\nmod_roles = ["Mods"]\n',
    )
    monkeypatch.setenv("EVBOT_REPLY__MAX_CARDS", "2")
    settings = load_settings(config)
    assert settings.reply.cooldown_hours == 12  # from the file
    assert settings.reply.max_cards == 2  # the environment beats the file
    assert settings.discord.mod_roles == ["Mods"]


def test_evbot_config_variable_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(tmp_path / "bot.toml", '[reply]\ndefault_mode = "off"\n')
    monkeypatch.setenv("EVBOT_CONFIG", str(config))
    assert load_settings().reply.default_mode == "off"


def test_the_bundled_example_file_is_valid() -> None:
    example = Path(__file__).resolve().parents[2] / "config" / "evidence-bot.example.toml"
    settings = load_settings(example)
    assert settings.reddit.subreddits == ["cfs", "covidlonghaulers"]


@pytest.mark.parametrize(
    ("variable", "value", "field"),
    [
        ("EVBOT_REPLY__COOLDOWN_HOURS", "-1", "reply.cooldown_hours"),
        ("EVBOT_REPLY__DEFAULT_MODE", "loud", "reply.default_mode"),
        ("EVBOT_DISCORD__API_BASE_URL", "not a url", "discord.api_base_url"),
        ("EVBOT_REPLY__MAX_CARDS", "many", "reply.max_cards"),
    ],
)
def test_invalid_values_name_the_field(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str, field: str
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError) as caught:
        load_settings()
    assert field in str(caught.value)


def test_unknown_keys_in_the_file_are_rejected(tmp_path: Path) -> None:
    config = write(tmp_path / "bot.toml", "[reply]\ncooldwon_hours = 3\n")
    with pytest.raises(ValidationError, match="cooldwon_hours"):
        load_settings(config)


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "not found"), ("[reply\ncooldown_hours = 1", "not valid TOML")],
)
def test_missing_or_malformed_file_gives_a_clear_error(
    tmp_path: Path, content: str | None, message: str
) -> None:
    path = tmp_path / "bot.toml"
    if content is not None:
        write(path, content)
    with pytest.raises(ConfigFileError, match=message):
        load_settings(path)


def test_secrets_are_secret_types_and_never_printed_by_config_check(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EVBOT_DISCORD__TOKEN", SECRET)
    monkeypatch.setenv("EVBOT_REDDIT__PASSWORD", SECRET)
    monkeypatch.setenv("EVBOT_REDDIT__CLIENT_SECRET", SECRET)
    settings = load_settings()
    assert settings.discord.token is not None
    assert settings.discord.token.get_secret_value() == SECRET
    assert SECRET not in repr(settings)
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(cli, ["config", "check", *extra])
        assert result.exit_code == 0, result.output
        assert SECRET not in result.output
        assert "**********" in result.output


def test_config_check_exits_nonzero_naming_the_bad_field(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    env = {"EVBOT_REPLY__COOLDOWN_HOURS": "-5", "EVBOT_DISCORD__TOKEN": "x" * 30, "PATH": ""}
    completed = subprocess.run(
        [sys.executable, "-c", "from bot.cli.main import main; main()", "config", "check"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        check=False,
    )
    assert completed.returncode == 2
    assert "reply.cooldown_hours" in completed.stderr
    assert "greater than or equal to 0" in completed.stderr


def test_env_example_lists_every_setting() -> None:
    """Regression: settings were added without their line in .env.example."""
    example = Path(__file__).resolve().parents[2] / ".env.example"
    listed = {
        line.split("=", 1)[0]
        for line in example.read_text(encoding="utf-8").splitlines()
        if line.startswith("EVBOT_")
    }
    expected = {
        f"EVBOT_{section.upper()}__{name.upper()}"
        for section, model in load_settings()
        for name in type(model).model_fields
    }
    assert expected - listed == set()
    assert listed - expected == {"EVBOT_CONFIG"}


def test_env_example_values_are_valid_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    example = Path(__file__).resolve().parents[2] / ".env.example"
    for line in example.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.startswith("EVBOT_") and name != "EVBOT_CONFIG":
            monkeypatch.setenv(name, value)
    settings = load_settings()
    assert settings.reddit.subreddits == ["cfs", "covidlonghaulers"]
