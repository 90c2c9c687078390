"""Which store the settings select: database.url / DATABASE_URL, else the SQLite path."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from bot.cli.main import cli
from config.settings import SettingsSourceError, load_settings, unknown_variables

SERVER = "postgresql://bot:hunter2-secret@db.example.org:5432/evidence"


def test_without_a_url_the_store_is_the_sqlite_path() -> None:
    database = load_settings().database
    assert database.url is None
    assert database.location() == Path("data/evidence.db")


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EVBOT_DATABASE__URL", SERVER),
        # What Heroku, Render and Dokku set for an attached PostgreSQL (their scheme too).
        ("DATABASE_URL", SERVER),
        ("DATABASE_URL", SERVER.replace("postgresql://", "postgres://")),
    ],
)
def test_a_postgresql_address_selects_the_server(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)
    assert load_settings().database.location() == value


def test_the_setting_wins_over_the_platforms_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVBOT_DATABASE__URL", SERVER)
    monkeypatch.setenv("DATABASE_URL", "postgresql://other@elsewhere/db")
    assert load_settings().database.location() == SERVER


@pytest.mark.parametrize("variable", ["EVBOT_DATABASE__URL", "DATABASE_URL"])
def test_an_address_of_another_database_is_refused_without_showing_it(
    monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "mysql://bot:hunter2-secret@db.example.org/evidence")
    with pytest.raises((ValidationError, SettingsSourceError)) as caught:
        load_settings()
    assert "postgresql://" in str(caught.value)
    assert "hunter2-secret" not in str(caught.value)


def test_the_store_is_named_without_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVBOT_DATABASE__URL", SERVER)
    where = load_settings().database.where()
    assert where == "PostgreSQL database evidence on db.example.org"


def test_config_check_never_prints_the_address(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVBOT_DATABASE__URL", SERVER)
    result = CliRunner().invoke(cli, ["config", "check"])
    assert "hunter2-secret" not in result.output + result.stderr


def test_the_test_suites_server_variable_is_no_unknown_setting() -> None:
    environ = {"EVBOT_TEST_DATABASE_URL": SERVER, "EVBOT_DATABSE__URL": SERVER}
    assert unknown_variables(environ) == ["EVBOT_DATABSE__URL"]
