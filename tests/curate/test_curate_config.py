"""The Datasette metadata: canned queries that run and answer what curators ask."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import curate_cmd
from bot.cli.main import cli
from records.db import open_db

EXPECTED_QUERIES = {
    "most_requested_unmatched",
    "recent_sightings",
    "wrong_match_reports",
    "retractions",
}


@pytest.fixture
def metadata() -> dict[str, Any]:
    return curate_cmd.datasette_metadata(curate_cmd.METADATA_FILE, "evidence")


def test_the_records_section_is_applied_to_the_real_database_name(
    metadata: dict[str, Any],
) -> None:
    assert list(metadata["databases"]) == ["evidence"]


def test_every_canned_query_is_named_and_described(metadata: dict[str, Any]) -> None:
    queries = metadata["databases"]["evidence"]["queries"]
    assert set(queries) == EXPECTED_QUERIES
    for query in queries.values():
        assert query["title"]
        assert len(query["description"]) > 20
        assert "write" not in query


def test_tables_have_facets(metadata: dict[str, Any]) -> None:
    tables = metadata["databases"]["evidence"]["tables"]
    assert tables["unmatched_papers"]["facets"] == ["status", "kind", "enrich_status"]
    assert tables["sightings"]["facets"] == ["platform", "place"]


def run_query(db_path: Path, metadata: dict[str, Any], name: str) -> list[dict[str, Any]]:
    db = open_db(db_path)
    try:
        return list(db.query(metadata["databases"]["evidence"]["queries"][name]["sql"]))
    finally:
        db.close()


def test_most_requested_lists_pending_papers_by_mentions(
    curated_db: Path, metadata: dict[str, Any]
) -> None:
    rows = run_query(curated_db, metadata, "most_requested_unmatched")
    assert [(r["key"], r["title"], r["mentions"], r["places"]) for r in rows] == [
        ("doi:10.1000/most.wanted", "Cerebral blood flow on tilt", 3, 3),
        ("pmid:4242", "4242", 1, 1),
    ]


def test_recent_sightings_are_newest_first(curated_db: Path, metadata: dict[str, Any]) -> None:
    rows = run_query(curated_db, metadata, "recent_sightings")
    assert [r["paper_key"] for r in rows][:2] == ["pmid:4242", "doi:10.1000/most.wanted"]


def test_wrong_match_reports_show_the_chosen_entry(
    curated_db: Path, metadata: dict[str, Any]
) -> None:
    rows = run_query(curated_db, metadata, "wrong_match_reports")
    assert [(r["entry_id"], r["entry_title"], r["note"]) for r in rows] == [
        ("lee-2024-brain-regional", "Study lee-2024-brain-regional", "not this study")
    ]


def test_retractions_put_those_the_atlas_misses_first(
    curated_db: Path, metadata: dict[str, Any]
) -> None:
    db = open_db(curated_db)
    db.execute("UPDATE atlas_entries SET retracted = 1 WHERE id = 'lee-2024-brain-regional'")
    db.conn.commit()
    db.close()
    rows = run_query(curated_db, metadata, "retractions")
    assert [(r["entry_id"], r["atlas_shows_retraction"]) for r in rows] == [
        ("old-2019-trial", 0),
        ("lee-2024-brain-regional", 1),
    ]


def test_curate_without_a_database_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nothing-here.db"
    result = CliRunner().invoke(cli, ["--db", str(missing), "curate"])
    assert result.exit_code == 1
    assert f"no records database at {missing}" in result.output
    assert not missing.exists()


def test_curate_without_datasette_says_how_to_install_it(
    curated_db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "datasette" else real(name)
    )
    result = CliRunner().invoke(cli, ["--db", str(curated_db), "curate"])
    assert result.exit_code == 1
    assert "pip install 'evidence-bot[curate]'" in result.output


def test_the_server_command_is_read_only_and_offers_no_download(tmp_path: Path) -> None:
    command = curate_cmd.datasette_command(
        tmp_path / "r.db", tmp_path / "m.json", host="127.0.0.1", port=9
    )
    assert command[1:4] == ["-m", "datasette", "serve"]
    assert "--setting" in command
    assert command[-2:] == ["allow_download", "off"]
    assert "--create" not in command
