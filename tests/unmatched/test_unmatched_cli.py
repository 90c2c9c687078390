"""`evidence-bot unmatched ...` through the real command line: output and exit codes."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from bot.cli.unmatched_cmd import CSV_COLUMNS, safe_cell, spreadsheet_date
from records.db import Database, open_db
from records.unmatched import get_paper, save_enrichment
from tests.unmatched.helpers import add_entry, mention


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


@pytest.fixture
def logged(db_path: Path) -> Path:
    """A database with two papers; the DOI one is enriched and has a formula-like title."""
    db = open_db(db_path)
    for i in range(3):
        mention(db, "doi", "10.1000/abc", message_id=f"m{i}", place=f"ch{i}", author=f"u{i}",
                permalink=f"https://discord.com/channels/1/{i}", text="=HYPERLINK(evil)",
                when=datetime(2026, 3, 1 + i, 9, 5, tzinfo=UTC))  # fmt: skip
    mention(db, "pmid", "4242", platform="reddit", place="cfs", message_id="r1",
            when=datetime(2026, 3, 10, tzinfo=UTC))  # fmt: skip
    save_enrichment(db, "doi:10.1000/abc", {
        "title": "Brain study, with “quotes” and ünïcode", "authors": ["Lee, Jin", "Roe, R"],
        "year": 2024, "journal": "J Test", "identifiers": {"doi": "10.1000/abc", "pmid": "99"},
        "retracted": True,
    })  # fmt: skip
    add_entry(db, "lee-2024-brain-regional")
    db.close()
    return db_path


def reopen(db_path: Path) -> Database:
    return open_db(db_path)


def test_list_shows_a_table_most_mentioned_first(logged: Path) -> None:
    result = run(logged, "unmatched", "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    doi_line = next(i for i, line in enumerate(lines) if "doi:10.1000/abc" in line)
    pmid_line = next(i for i, line in enumerate(lines) if "pmid:4242" in line)
    assert doi_line < pmid_line
    assert "Mentions" in result.output


@pytest.mark.parametrize(
    ("args", "shown", "hidden"),
    [
        (["--sort", "recent"], ["pmid:4242"], []),
        (["--platform", "reddit"], ["pmid:4242"], ["doi:10.1000/abc"]),
        (["--since", "2026-03-05"], ["pmid:4242"], ["doi:10.1000/abc"]),
        (["--limit", "1"], ["doi:10.1000/abc"], ["pmid:4242"]),
        (["--status", "all"], ["doi:10.1000/abc", "pmid:4242"], []),
    ],
)
def test_list_filters_and_sorts(
    logged: Path, args: list[str], shown: list[str], hidden: list[str]
) -> None:
    result = run(logged, "unmatched", "list", *args)
    assert result.exit_code == 0
    assert all(key in result.output for key in shown)
    assert not any(key in result.output for key in hidden)


@pytest.mark.usefixtures("db")
def test_list_with_nothing_to_show_says_so(db_path: Path) -> None:
    result = run(db_path, "unmatched", "list", "--status", "ignored")
    assert result.exit_code == 0
    assert "No unmatched papers match" in result.output


@pytest.mark.parametrize("since", ["yesterday-ish", "2026-13-45"])
def test_list_rejects_a_bad_since(logged: Path, since: str) -> None:
    result = run(logged, "unmatched", "list", "--since", since)
    assert result.exit_code == 2
    assert "is not a date" in result.output


def test_show_prints_metadata_and_every_sighting(logged: Path) -> None:
    result = run(logged, "unmatched", "show", "https://doi.org/10.1000/ABC")
    assert result.exit_code == 0
    for expected in ("doi:10.1000/abc", "Brain study", "Lee, Jin; Roe, R", "PMID 99",
                     "3 in 3 places by 3 people", "Sightings (3)", "ch0", "ch2"):  # fmt: skip
        assert expected in result.output


@pytest.mark.parametrize(
    "command",
    [
        ["show", "doi:10.9999/unknown"],
        ["resolve", "doi:10.9999/unknown", "--atlas-id", "lee-2024-brain-regional"],
        ["ignore", "doi:10.9999/unknown", "--reason", "nope"],
    ],
)
def test_an_unknown_key_is_a_clear_error_with_exit_1(logged: Path, command: list[str]) -> None:
    result = run(logged, "unmatched", *command)
    assert result.exit_code == 1
    assert "no unmatched paper with key 'doi:10.9999/unknown'" in result.output


def test_resolve_aliases_the_paper_to_the_entry(logged: Path) -> None:
    result = run(
        logged, "unmatched", "resolve", "pmid:4242", "--atlas-id", "lee-2024-brain-regional"
    )
    assert result.exit_code == 0
    assert "resolved pmid:4242 → lee-2024-brain-regional" in result.output
    db = reopen(logged)
    assert get_paper(db, "pmid:4242").paper.status == "resolved"
    alias = db.execute("SELECT entry_id, source FROM aliases WHERE kind='pmid' AND value='4242'")
    assert alias.fetchone() == ("lee-2024-brain-regional", "curator")
    db.close()


def test_resolve_to_an_unknown_entry_exits_1_and_changes_nothing(logged: Path) -> None:
    result = run(logged, "unmatched", "resolve", "pmid:4242", "--atlas-id", "missing-2020-x")
    assert result.exit_code == 1
    assert "the atlas has no entry 'missing-2020-x'" in result.output
    db = reopen(logged)
    assert get_paper(db, "pmid:4242").paper.status == "pending"
    db.close()


def test_ignore_records_the_reason(logged: Path) -> None:
    result = run(logged, "unmatched", "ignore", "pmid:4242", "--reason", "a blog post")
    assert result.exit_code == 0
    assert "ignored pmid:4242: a blog post" in result.output
    db = reopen(logged)
    paper = get_paper(db, "pmid:4242").paper
    assert (paper.status, paper.reason) == ("ignored", "a blog post")
    db.close()


@pytest.mark.parametrize("args", [[], ["--reason", "  "]])
def test_ignore_without_a_reason_is_a_usage_error(logged: Path, args: list[str]) -> None:
    result = run(logged, "unmatched", "ignore", "pmid:4242", *args)
    assert result.exit_code == 2
    assert "reason" in result.output.lower()


def read_csv(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "a BOM makes Excel read the file as UTF-8"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_export_opens_cleanly_in_a_spreadsheet(logged: Path, tmp_path: Path) -> None:
    out = tmp_path / "unmatched.csv"
    result = run(logged, "unmatched", "export", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0
    assert f"2 papers written to {out}" in result.output
    rows = read_csv(out.read_bytes())
    assert [row["key"] for row in rows] == ["doi:10.1000/abc", "pmid:4242"]
    assert list(rows[0]) == list(CSV_COLUMNS)
    doi = rows[0]
    assert doi["title"] == "Brain study, with “quotes” and ünïcode"
    assert doi["raw_text"] == "'=HYPERLINK(evil)"
    assert (doi["mentions"], doi["places"], doi["people"]) == ("3", "3", "3")
    assert (doi["first_seen_utc"], doi["last_seen_utc"]) == (
        "2026-03-01 09:05:00",
        "2026-03-03 09:05:00",
    )
    assert (doi["pmid"], doi["retracted"], doi["authors"]) == ("99", "yes", "Lee, Jin; Roe, R")
    assert doi["latest_permalink"] == "https://discord.com/channels/1/2"
    assert b"\r\n" in out.read_bytes()


def test_csv_export_to_stdout_is_the_same_file(logged: Path, tmp_path: Path) -> None:
    out = tmp_path / "unmatched.csv"
    run(logged, "unmatched", "export", "--format", "csv", "--output", str(out))
    result = CliRunner().invoke(
        cli, ["--db", str(logged), "unmatched", "export", "--format", "csv"]
    )
    assert result.exit_code == 0
    assert result.stdout_bytes == out.read_bytes()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1+2", "'-1+2"),
        ("@cmd", "'@cmd"),
        ("\t=x", "'\t=x"),
        ("plain", "plain"),
        ("", ""),
        (3, 3),
    ],
)
def test_safe_cell_defuses_formulas(value: object, expected: object) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize(
    ("iso", "expected"),
    [
        ("2026-03-01T09:05:00+00:00", "2026-03-01 09:05:00"),
        ("2026-03-01T10:05:00+01:00", "2026-03-01 09:05:00"),
        (None, ""),
    ],
)
def test_spreadsheet_dates_are_iso_in_utc(iso: str | None, expected: str) -> None:
    assert spreadsheet_date(iso) == expected


def test_json_export_holds_papers_with_their_sightings(logged: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(logged), "unmatched", "export", "--format", "json"]
    )
    assert result.exit_code == 0
    papers = json.loads(result.stdout)
    assert [p["key"] for p in papers] == ["doi:10.1000/abc", "pmid:4242"]
    assert len(papers[0]["sightings"]) == 3
    assert papers[0]["metadata"]["journal"] == "J Test"


def test_jsonl_export_has_one_paper_per_line_and_honours_filters(logged: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--db", str(logged), "unmatched", "export", "--format", "jsonl", "--platform", "reddit"],
    )
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert [json.loads(line)["key"] for line in lines] == ["pmid:4242"]


def test_export_needs_a_known_format(logged: Path) -> None:
    result = run(logged, "unmatched", "export", "--format", "xlsx")
    assert result.exit_code == 2
    assert "xlsx" in result.output
