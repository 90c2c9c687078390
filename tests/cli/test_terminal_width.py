"""At 80 columns and narrower, identifiers, links and times are never broken, and every table
and card box fits the terminal (issue 28, "80 columns")."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from tests.conftest import SAMPLE_ATLAS

LONG_DOI = "10.1111/j.1365-2796.2011.02428.x"
PERMALINK = (
    "https://www.reddit.com/r/cfs/comments/1abcdef/a_long_title_about_the_new_study/kx12345/"
)
CARD_URL = "https://www.mecfsatlas.com/evidence/walitt-2024-deep-phenotyping"
WIDTHS = [80, 60, 40]
BOX = re.compile(r"[│┃━─┏┓└┘┡┩╭╮╰╯]")


def run(db_path: Path, columns: int, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        ["--db", str(db_path), *args],
        env={"COLUMNS": str(columns)},
        input=stdin,
        catch_exceptions=False,
    )


@pytest.fixture
def logged(db_path: Path, tmp_path: Path) -> Path:
    """The sample atlas and papers it lacks, seen in posts with long keys and links."""
    assert run(db_path, 120, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    posts = tmp_path / "posts.jsonl"
    lines = [
        {"id": "a", "subreddit": "cfs", "permalink": PERMALINK, "text": f"see doi:{LONG_DOI}"},
        {"id": "b", "subreddit": "cfs", "text": "and PMID: 22039471"},
    ]
    posts.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    assert run(db_path, 120, "scan", str(posts)).exit_code == 0
    return db_path


def boxed_lines_fit(output: str, columns: int) -> None:
    for line in output.splitlines():
        if BOX.search(line):
            assert len(line) <= columns, line


@pytest.mark.parametrize("columns", WIDTHS)
def test_unmatched_list_keeps_every_key_on_one_line(logged: Path, columns: int) -> None:
    output = run(logged, columns, "unmatched", "list").output
    for key in (f"doi:{LONG_DOI}", "pmid:22039471"):
        assert any(key in line for line in output.splitlines()), output
    boxed_lines_fit(output, columns)


@pytest.mark.parametrize("columns", [80, 50])
def test_unmatched_show_keeps_times_links_and_identifiers_whole(logged: Path, columns: int) -> None:
    output = run(logged, columns, "unmatched", "show", f"doi:{LONG_DOI}").output
    lines = output.splitlines()
    assert any(f"doi:{LONG_DOI}" in line for line in lines)
    assert any(PERMALINK in line for line in lines)
    assert any(re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", line) for line in lines)  # sightings
    assert any(re.search(r"First seen +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", line) for line in lines)
    boxed_lines_fit(output, columns)


@pytest.mark.parametrize("columns", WIDTHS)
def test_lookup_honours_the_terminal_width(logged: Path, columns: int) -> None:
    output = run(logged, columns, "lookup", "walitt-2024-deep-phenotyping").output
    assert any(CARD_URL in line for line in output.splitlines())
    for line in output.splitlines():
        assert len(line) <= columns or CARD_URL in line, line


@pytest.mark.parametrize("columns", WIDTHS)
def test_console_cards_never_break_a_link_inside_their_box(logged: Path, columns: int) -> None:
    post = f"ana: see https://doi.org/10.1038/s41467-024-45107-3 and doi:{LONG_DOI}\n"
    output = run(logged, columns, "run", "console", stdin=post).output
    assert any(CARD_URL in line for line in output.splitlines())
    assert any("https://doi.org/10.1038/s41467-024-45107-3" in line for line in output.splitlines())
    assert any(f"doi:{LONG_DOI}" in line for line in output.splitlines())  # the logged key
    boxed_lines_fit(output, columns)
