"""`unmatched list` and `show`: readable at 80 columns, script formats, stored text never run
as terminal markup (issues 15 and 17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.db import open_db
from records.unmatched import ignore_paper, resolve_paper
from tests.unmatched.helpers import add_entry, mention

LONG_SLUG = "appelman-2024-muscle-abnormalities-and-exercise-induced-myopathy"
HOSTILE_TITLE = "Fatigue [/b] study [link=https://evil.example/]click here[/link] \x1b[31mred"
HOSTILE_LINK = "https://example.org/[link=https://evil.example/]post[/link]"


def run(db_path: Path, *args: str, columns: int = 80) -> Result:
    runner = CliRunner(env={"COLUMNS": str(columns)})
    return runner.invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


@pytest.fixture
def three_states(db_path: Path) -> Path:
    """One pending, one resolved (to a long slug) and one ignored paper."""
    db = open_db(db_path)
    add_entry(db, LONG_SLUG)
    mention(db, "doi", "10.1016/j.bbi.2018.09.018", message_id="a")
    mention(db, "doi", "10.3389/fneur.2018.01033", message_id="b")
    mention(db, "pmid", "22039471", message_id="c")
    resolve_paper(db, "doi:10.3389/fneur.2018.01033", LONG_SLUG)
    ignore_paper(db, "pmid:22039471", "an editorial, not a study")
    db.close()
    return db_path


@pytest.mark.parametrize("status", ["pending", "resolved", "ignored", "all"])
def test_list_fits_80_columns_and_shows_key_and_title(three_states: Path, status: str) -> None:
    result = run(three_states, "unmatched", "list", "--status", status)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Table rows fit; a line that does not is one whole key, title or slug (never broken).
    assert all(len(line) <= 80 for line in lines if "│" in line)
    shown = {"pending": ["doi:10.1016/j.bbi.2018.09.018"],
             "resolved": ["doi:10.3389/fneur.2018.01033"],
             "ignored": ["pmid:22039471"]}  # fmt: skip
    for key in shown.get(status, [k for keys in shown.values() for k in keys]):
        assert any(key in line for line in lines), result.output


def test_a_resolved_paper_names_its_atlas_entry(three_states: Path) -> None:
    result = run(three_states, "unmatched", "list", "--status", "resolved")
    assert any(f"→ atlas: {LONG_SLUG}" in line for line in result.output.splitlines())


def test_list_as_tsv_is_one_line_per_paper(three_states: Path) -> None:
    result = run(three_states, "unmatched", "list", "--status", "all", "--format", "tsv")
    lines = result.output.splitlines()
    assert lines[0].split("\t")[:3] == ["key", "status", "mentions"]
    rows = {line.split("\t")[0]: line.split("\t") for line in lines[1:]}
    assert set(rows) == {
        "doi:10.1016/j.bbi.2018.09.018", "doi:10.3389/fneur.2018.01033", "pmid:22039471"
    }  # fmt: skip
    assert rows["doi:10.3389/fneur.2018.01033"][1] == "resolved"
    assert LONG_SLUG in rows["doi:10.3389/fneur.2018.01033"]


def test_list_as_json_is_an_array_of_papers(three_states: Path) -> None:
    result = run(three_states, "unmatched", "list", "--status", "ignored", "--format", "json")
    papers = json.loads(result.output)
    assert [(p["key"], p["status"], p["reason"]) for p in papers] == [
        ("pmid:22039471", "ignored", "an editorial, not a study")
    ]


@pytest.fixture
def hostile(db_path: Path) -> Path:
    db = open_db(db_path)
    mention(db, "title", HOSTILE_TITLE, message_id="[/b]", place="[bold]x", permalink=HOSTILE_LINK)
    db.close()
    return db_path


def test_markup_in_a_logged_paper_is_printed_literally_by_list(hostile: Path) -> None:
    result = run(hostile, "unmatched", "list", "--format", "table", columns=400)
    assert result.exit_code == 0
    flat = result.output
    assert "[/b]" in flat
    assert "[link=https://evil.example/]" in flat
    assert "\x1b" not in result.output


def test_markup_in_a_sighting_is_printed_literally_by_show(hostile: Path) -> None:
    key = json.loads(run(hostile, "unmatched", "list", "--format", "json").output)[0]["key"]
    result = run(hostile, "unmatched", "show", key, columns=400)
    assert result.exit_code == 0
    flat = result.output
    assert HOSTILE_LINK in flat
    assert "[bold]x" in flat
    assert "\x1b" not in result.output
