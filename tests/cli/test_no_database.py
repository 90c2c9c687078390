"""Only commands that write may create the records database; the rest refuse a missing one."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.context import may_create_database
from bot.cli.main import cli
from tests.conftest import SAMPLE_ATLAS

READING_COMMANDS = [
    ["atlas", "stats"],
    ["atlas", "export"],
    ["lookup", "deep phenotyping"],
    ["unmatched", "list"],
    ["unmatched", "show", "doi:10.1/x"],
    ["unmatched", "export", "--format", "json"],
    ["unmatched", "resolve", "doi:10.1/x", "--atlas-id", "x"],
    ["unmatched", "ignore", "doi:10.1/x", "--reason", "no"],
]


@pytest.mark.parametrize("args", READING_COMMANDS, ids=" ".join)
def test_a_mistyped_db_is_an_error_and_creates_nothing(tmp_path: Path, args: list[str]) -> None:
    missing = tmp_path / "typo" / "evidnce.db"
    result = CliRunner().invoke(cli, ["--db", str(missing), *args])
    assert result.exit_code == 1
    assert f"there is no records database at {missing}" in result.output
    assert not (tmp_path / "typo").exists()


@pytest.mark.sqlite_only
def test_import_creates_the_database_and_its_folder(tmp_path: Path) -> None:
    target = tmp_path / "new" / "evidence.db"
    result = CliRunner().invoke(cli, ["--db", str(target), "atlas", "import", str(SAMPLE_ATLAS)])
    assert result.exit_code == 0, result.output
    assert target.is_file()


@pytest.mark.parametrize(
    ("path", "creates"),
    [
        (("atlas", "import"), True),
        (("atlas", "sync"), True),
        (("scan",), True),
        (("run", "console"), True),
        (("run", "reddit"), True),
        (("demo",), True),
        (("enrich",), True),
        (("atlas", "stats"), False),
        (("lookup",), False),
        (("curate",), False),
        (("unmatched", "resolve"), False),
    ],
)
def test_which_commands_may_create_the_database(path: tuple[str, ...], creates: bool) -> None:
    assert may_create_database(path) is creates
