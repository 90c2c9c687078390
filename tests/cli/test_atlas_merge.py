"""`atlas import` merges field by field, reports what changed, and warns of shared identifiers
(issue 15)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.atlas_store import get_entry, upsert_entries
from records.db import open_db
from records.models import AtlasEntry
from tests.conftest import SAMPLE_ATLAS

WALITT = "walitt-2024-deep-phenotyping"


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


def stored(db_path: Path, slug: str) -> AtlasEntry:
    db = open_db(db_path)
    try:
        entry = get_entry(db, slug)
    finally:
        db.close()
    assert entry is not None
    return entry


def write_jsonl(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def imported(db_path: Path) -> Path:
    assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    return db_path


def test_a_sparser_record_keeps_what_it_does_not_mention(imported: Path, tmp_path: Path) -> None:
    before = stored(imported, WALITT)
    sparse = write_jsonl(tmp_path / "sparse.jsonl", {"id": WALITT, "title": "Deep phenotyping"})
    result = run(imported, "atlas", "import", str(sparse))
    assert result.exit_code == 0, result.output
    after = stored(imported, WALITT)
    assert after.title == "Deep phenotyping"
    assert (after.summary, after.does_not_prove, after.pem, after.doi, after.pmid, after.pmcid) == (
        before.summary, before.does_not_prove, before.pem, before.doi, before.pmid, before.pmcid
    )  # fmt: skip
    assert after.summary
    assert after.pem == "unclear"
    assert after.pmcid == "PMC10881493"
    assert f"  updated {WALITT}: title\n" in result.output
    assert "0 added, 1 updated, 0 unchanged, 0 rejected" in result.output


def test_each_updated_entry_names_its_changed_fields(imported: Path, tmp_path: Path) -> None:
    change = write_jsonl(
        tmp_path / "change.jsonl",
        {"id": WALITT, "title": stored(imported, WALITT).title, "pem": "required", "year": 2023},
        {
            "id": "fluge-2019-lymphocyte-depletion",
            "title": stored(imported, "fluge-2019-lymphocyte-depletion").title,
        },
    )
    result = run(imported, "atlas", "import", str(change))
    assert f"  updated {WALITT}: pem, year\n" in result.output
    assert "fluge-2019-lymphocyte-depletion" not in result.output
    assert "0 added, 1 updated, 1 unchanged" in result.output


def test_replace_overwrites_the_whole_entry(imported: Path, tmp_path: Path) -> None:
    sparse = write_jsonl(tmp_path / "sparse.jsonl", {"id": WALITT, "title": "Deep phenotyping"})
    result = run(imported, "atlas", "import", "--replace", str(sparse))
    assert result.exit_code == 0
    after = stored(imported, WALITT)
    assert (after.summary, after.pem, after.doi) == (None, None, None)
    assert "summary" in result.output
    assert "doi" in result.output


def test_an_explicit_false_retraction_wins(db_path: Path) -> None:
    db = open_db(db_path)
    try:
        upsert_entries(db, [AtlasEntry(id="x-2020-a", title="A", retracted=True)])
        upsert_entries(db, [AtlasEntry.model_validate({"id": "x-2020-a", "title": "A",
                                                        "retracted": False})])  # fmt: skip
        kept = get_entry(db, "x-2020-a")
        upsert_entries(db, [AtlasEntry.model_validate({"id": "x-2020-a", "title": "A",
                                                        "retracted": True})])  # fmt: skip
        upsert_entries(db, [AtlasEntry.model_validate({"id": "x-2020-a", "title": "B"})])
        still = get_entry(db, "x-2020-a")
    finally:
        db.close()
    assert kept is not None
    assert kept.retracted is False
    assert still is not None
    assert still.retracted is True
    assert still.title == "B"


def test_a_shared_doi_is_imported_with_a_warning_naming_both(
    imported: Path, tmp_path: Path
) -> None:
    twin = write_jsonl(tmp_path / "twin.jsonl",
                       {"id": "walitt-2024-copy", "title": "Copy", "doi": "10.1038/s41467-024-45107-3"})  # fmt: skip
    result = run(imported, "atlas", "import", str(twin))
    assert result.exit_code == 0
    assert (
        f"twin.jsonl:1: warning: walitt-2024-copy: DOI 10.1038/s41467-024-45107-3 is also entry "
        f"{WALITT}"
    ) in result.output
    assert "1 added" in result.output


def test_strict_rejects_a_record_sharing_an_identifier(imported: Path, tmp_path: Path) -> None:
    twins = write_jsonl(
        tmp_path / "twins.jsonl",
        {"id": "new-2026-one", "title": "One", "pmid": "99999901"},
        {"id": "new-2026-two", "title": "Two", "pmid": "99999901"},
        {"id": "new-2026-three", "title": "Three", "pmcid": "PMC10881493"},
    )
    result = run(imported, "atlas", "import", "--strict", str(twins))
    assert result.exit_code == 1
    assert "twins.jsonl:2: rejected: new-2026-two: PMID 99999901 is also entry new-2026-one" in (
        result.output
    )
    assert f"twins.jsonl:3: rejected: new-2026-three: PMCID PMC10881493 is also entry {WALITT}" in (
        result.output
    )
    assert "1 added, 0 updated, 0 unchanged, 2 rejected" in result.output


def test_stats_warns_of_identifiers_several_entries_carry(imported: Path, tmp_path: Path) -> None:
    twin = write_jsonl(tmp_path / "twin.jsonl",
                       {"id": "walitt-2024-copy", "title": "Copy", "pmid": "38383456"})  # fmt: skip
    run(imported, "atlas", "import", str(twin))
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--db", str(imported), "atlas", "stats"]
    )
    assert "Warning: 1 identifier carried by several entries" in result.output
    assert f"PMID 38383456: walitt-2024-copy, {WALITT}" in result.output
