"""The Datasette metadata: canned queries that run and answer what curators ask."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import curate_cmd
from bot.cli.curate_server import (
    allowed_host_names,
    fenced_metadata,
    host_name,
    readable_time,
    table_names,
)
from bot.cli.main import cli
from records.db import open_db
from records.posted_cards import Layout, Shown, record_posted

EXPECTED_QUERIES = {
    "most_requested_unmatched",
    "recent_sightings",
    "wrong_match_reports",
    "retractions",
    "posted_cards_per_entry",
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
    assert [
        (r["study"], r["study_title"], r["answered_message"], r["note"], r["link"]) for r in rows
    ] == [
        ("lee-2024-brain-regional", "Study lee-2024-brain-regional", "m9", "not this study",
         "https://discord.com/channels/1/2/99"),
    ]  # fmt: skip


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


def test_only_curator_tables_are_served_and_no_arbitrary_sql(
    curated_db: Path, metadata: dict[str, Any]
) -> None:
    fenced = fenced_metadata(metadata, table_names(curated_db))
    database = fenced["databases"]["evidence"]
    assert (fenced["allow_sql"], database["allow_sql"]) == (False, False)
    tables = database["tables"]
    for private in ("opt_outs", "seen_items", "replies", "http_cache", "_migrations"):
        assert tables[private]["allow"] is False
        assert tables[private]["hidden"] is True
    for curator in ("unmatched_papers", "sightings", "wrong_match_reports", "atlas_entries"):
        assert "allow" not in tables.get(curator, {})


def test_the_home_page_links_every_canned_query(
    metadata: dict[str, Any],
) -> None:
    fenced = fenced_metadata(metadata, [])
    for name in EXPECTED_QUERIES:
        assert f'href="/evidence/{name}"' in fenced["description_html"]


@pytest.mark.parametrize(
    ("header", "name"),
    [("127.0.0.1:8001", "127.0.0.1"), ("[::1]:8001", "::1"), ("LocalHost", "localhost"),
     ("evil.example:8001", "evil.example"), ("", "")],
)  # fmt: skip
def test_host_names_are_read_from_the_host_header(header: str, name: str) -> None:
    assert host_name(header) == name


def test_a_loopback_bind_allows_loopback_names_only() -> None:
    assert allowed_host_names("127.0.0.1", []) == {"127.0.0.1", "localhost", "::1"}
    assert allowed_host_names("0.0.0.0", ["curate.example"]) == {"0.0.0.0", "curate.example"}  # noqa: S104


@pytest.mark.parametrize(
    ("value", "shown"),
    [("2026-03-21T10:00:00+00:00", "2026-03-21 10:00 UTC"),
     ("2026-03-21T12:30:00+02:00", "2026-03-21 10:30 UTC"),
     ("2026-03-21 10:00:00", "2026-03-21 10:00 UTC")],
)  # fmt: skip
def test_times_read_as_dates(value: str, shown: str) -> None:
    assert readable_time(value) == shown


def test_posted_cards_per_entry_lists_each_card_with_the_version_it_shows(
    curated_db: Path, metadata: dict[str, Any]
) -> None:
    db = open_db(curated_db)
    try:
        record_posted(db, platform="discord", reply_id="555", place="general", thread="general",
                      message_id="m1", layout=Layout(cards=("lee-2024-brain-regional",)),
                      shown={"lee-2024-brain-regional": Shown("abc123", {"retracted": False})},
                      at=datetime(2026, 3, 2, tzinfo=UTC))  # fmt: skip
    finally:
        db.close()
    [row] = run_query(curated_db, metadata, "posted_cards_per_entry")
    assert (row["study"], row["version"], row["card"], row["state"]) == (
        "lee-2024-brain-regional",
        "abc123",
        "555",
        "live",
    )
