"""`evidence-bot lookup` through the real command line, in every output format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.db import open_db
from records.unmatched import list_papers
from tests.conftest import SAMPLE_ATLAS


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


@pytest.fixture
def atlas_path(db_path: Path) -> Path:
    assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    return db_path


@pytest.mark.parametrize(
    "query",
    [
        "10.1038/s41467-024-45107-3",
        "https://doi.org/10.1038/s41467-024-45107-3",
        "38383456",
        "PMC10881493",
        "walitt-2024-deep-phenotyping",
        "https://www.mecfsatlas.com/evidence/walitt-2024-deep-phenotyping",
        "deep phenotyping",
    ],
)
def test_lookup_prints_the_card_for_any_kind_of_query(atlas_path: Path, query: str) -> None:
    result = run(atlas_path, "lookup", query)
    assert result.exit_code == 0
    assert result.output.startswith("Deep phenotyping of post-infectious")
    assert "https://www.mecfsatlas.com/evidence/walitt-2024-deep-phenotyping" in result.output
    assert "PEM unclear" in result.output


def test_query_words_need_no_quotes(atlas_path: Path) -> None:
    result = run(atlas_path, "lookup", "deep", "phenotyping")
    assert result.output.startswith("Deep phenotyping")


def test_several_fits_give_a_numbered_list(atlas_path: Path) -> None:
    lines = run(atlas_path, "lookup", "exercise").output.splitlines()
    assert lines[0].startswith("Several atlas studies fit “exercise”")
    assert lines[2].startswith("1. ")
    assert any(line.startswith("2. ") for line in lines)


def test_a_paper_not_in_the_atlas_is_said_and_not_logged(atlas_path: Path) -> None:
    result = run(atlas_path, "lookup", "10.3389/fneur.2018.01033")
    assert "is not in the atlas" in result.output
    assert "added to the list" not in result.output
    db = open_db(atlas_path)
    try:
        assert list_papers(db) == []
        assert db.execute("SELECT count(*) FROM sightings").fetchone()[0] == 0
    finally:
        db.close()


def test_with_log_a_paper_not_in_the_atlas_is_logged(atlas_path: Path) -> None:
    result = run(atlas_path, "lookup", "--log", "10.3389/fneur.2018.01033")
    assert "added to the list of papers for the atlas curators" in " ".join(result.output.split())
    db = open_db(atlas_path)
    try:
        assert [p.key for p in list_papers(db)] == ["doi:10.3389/fneur.2018.01033"]
    finally:
        db.close()
    db = open_db(atlas_path)
    try:
        assert [p.key for p in list_papers(db)] == ["doi:10.3389/fneur.2018.01033"]
    finally:
        db.close()


def test_markdown_format_prints_the_reddit_comment(atlas_path: Path) -> None:
    output = run(atlas_path, "lookup", "PMC10881493", "--format", "markdown").output
    assert output.startswith("**[Deep phenotyping")
    assert "](https://www.mecfsatlas.com/evidence/walitt-2024-deep-phenotyping)**" in output


def test_discord_format_prints_message_json(atlas_path: Path) -> None:
    output = run(atlas_path, "lookup", "PMC10881493", "--format", "discord").output
    message = json.loads(output)
    (embed,) = message["embeds"]
    assert embed["url"] == "https://www.mecfsatlas.com/evidence/walitt-2024-deep-phenotyping"
    assert [f["name"] for f in embed["fields"]][:2] == [
        "What this study does not prove",
        "PEM badge",
    ]


@pytest.mark.usefixtures("db")
def test_an_empty_atlas_is_pointed_out(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "lookup", "anything at all"])
    assert "the atlas is empty" in result.output
    assert "No atlas study matches" in result.output


def test_a_blank_query_is_a_usage_error(db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "lookup", " "])
    assert result.exit_code == 2
    assert "QUERY is empty" in result.output


@pytest.mark.parametrize(
    "query", ["10.1038/s41467-024-45107-3", "https://doi.org/10.1038/S41467-024-45107-3"]
)
def test_a_doi_two_entries_share_shows_both(atlas_path: Path, tmp_path: Path, query: str) -> None:
    # The atlas can list one study twice; `atlas import` keeps both with a warning.
    twin = {"id": "walitt-2024-post-infectious", "title": "A second page for the NIH study",
            "doi": "10.1038/s41467-024-45107-3"}  # fmt: skip
    extra = tmp_path / "twin.jsonl"
    extra.write_text(json.dumps(twin) + "\n", encoding="utf-8")
    assert run(atlas_path, "atlas", "import", str(extra)).exit_code == 0
    result = run(atlas_path, "lookup", query)
    assert result.exit_code == 0
    assert "2 atlas entries carry DOI 10.1038/s41467-024-45107-3" in result.output
    assert "walitt-2024-deep-phenotyping" in result.output
    assert "walitt-2024-post-infectious" in result.output
