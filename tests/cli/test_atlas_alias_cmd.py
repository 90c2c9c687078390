"""`evidence-bot atlas alias add|remove|list`: names people use for a study, kept in the entry."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.atlas_store import get_entry
from records.db import open_db
from tests.conftest import SAMPLE_ATLAS

FLUGE = "fluge-2019-lymphocyte-depletion"


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


@pytest.fixture
def atlas_path(db_path: Path) -> Path:
    assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    return db_path


def aliases_of(db_path: Path, slug: str) -> list[str]:
    db = open_db(db_path)
    try:
        entry = get_entry(db, slug)
        assert entry is not None
        return list(entry.aliases)
    finally:
        db.close()


def test_added_names_are_stored_once_whatever_their_case(atlas_path: Path) -> None:
    assert run(atlas_path, "atlas", "alias", "add", FLUGE, "RituxME trial").exit_code == 0
    result = run(atlas_path, "atlas", "alias", "add", FLUGE, "rituxme  TRIAL", "KTS-2-2014")
    assert result.output == f"{FLUGE}: RituxME trial; KTS-2-2014\n"
    assert aliases_of(atlas_path, FLUGE) == ["RituxME trial", "KTS-2-2014"]


def test_changed_names_are_stored_as_a_tuple_without_serializer_warnings(
    atlas_path: Path,
) -> None:
    # `aliases` is declared a tuple: an entry handed a list made pydantic warn on every dump.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert run(atlas_path, "atlas", "alias", "add", FLUGE, "RituxME trial").exit_code == 0
        assert run(atlas_path, "atlas", "alias", "remove", FLUGE, "nothing").exit_code == 0
        db = open_db(atlas_path)
        try:
            entry = get_entry(db, FLUGE)
            assert entry is not None
            assert entry.aliases == ("RituxME trial",)
            assert json.loads(entry.model_dump_json())["aliases"] == ["RituxME trial"]
        finally:
            db.close()


def test_removed_names_are_gone_and_others_stay(atlas_path: Path) -> None:
    run(atlas_path, "atlas", "alias", "add", FLUGE, "RituxME trial", "KTS-2-2014")
    run(atlas_path, "atlas", "alias", "remove", FLUGE, "rituxme trial")
    assert aliases_of(atlas_path, FLUGE) == ["KTS-2-2014"]


def test_list_shows_every_study_with_names(atlas_path: Path) -> None:
    assert run(atlas_path, "atlas", "alias", "list").output == "No aliases.\n"
    run(atlas_path, "atlas", "alias", "add", FLUGE, "RituxME trial")
    assert run(atlas_path, "atlas", "alias", "list").output == f"{FLUGE}: RituxME trial\n"
    assert run(atlas_path, "atlas", "alias", "list", FLUGE).output == f"{FLUGE}: RituxME trial\n"


@pytest.mark.parametrize("command", [["add", "X"], ["remove", "X"], ["list"]])
def test_an_unknown_slug_is_a_clear_error(atlas_path: Path, command: list[str]) -> None:
    verb, *names = command
    result = run(atlas_path, "atlas", "alias", verb, "no-such-2020-study", *names)
    assert result.exit_code == 1
    assert "no atlas entry with slug 'no-such-2020-study'" in result.output


def test_names_travel_with_export_and_import_and_are_searched(
    atlas_path: Path, tmp_path: Path
) -> None:
    run(atlas_path, "atlas", "alias", "add", FLUGE, "RituxME trial")
    exported = tmp_path / "atlas.jsonl"
    assert run(atlas_path, "atlas", "export", str(exported)).exit_code == 0
    records = [json.loads(line) for line in exported.read_text().splitlines()]
    assert next(r for r in records if r["id"] == FLUGE)["aliases"] == ["RituxME trial"]
    fresh = tmp_path / "fresh.db"
    assert run(fresh, "atlas", "import", str(exported)).exit_code == 0
    assert aliases_of(fresh, FLUGE) == ["RituxME trial"]
    assert FLUGE in run(fresh, "lookup", "RituxME").output
