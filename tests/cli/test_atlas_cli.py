"""`atlas import|export|stats` through the real command line."""

from __future__ import annotations

import csv
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.atlas_store import add_alias, find_entry_id, iter_entries
from records.db import Database, open_db
from records.models import Match, Post, Reference, RefKind
from records.unmatched import record_sightings
from tests.conftest import SAMPLE_ATLAS


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def entries_in(db_path: Path) -> list[dict[str, object]]:
    db = open_db(db_path)
    try:
        return [entry.to_json_dict() for entry in iter_entries(db)]
    finally:
        db.close()


def sample_records() -> list[dict[str, object]]:
    return [json.loads(line) for line in SAMPLE_ATLAS.read_text(encoding="utf-8").splitlines()]


def write_csv(path: Path, records: list[dict[str, object]], delimiter: str = ",") -> None:
    columns = sorted({key for record in records for key in record if key != "snapshot"})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*columns, "snapshot"], delimiter=delimiter)
        writer.writeheader()
        for record in records:
            row = {
                key: json.dumps(value, ensure_ascii=False) if isinstance(value, list) else value
                for key, value in record.items()
            }
            row["snapshot"] = json.dumps(record.get("snapshot")) if "snapshot" in record else ""
            writer.writerow(row)


def test_import_reports_counts_and_stores_every_sample_entry(db_path: Path) -> None:
    result = run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    assert result.exit_code == 0
    assert "12 added, 0 updated, 0 unchanged, 0 rejected" in result.output
    assert len(entries_in(db_path)) == 12


def test_jsonl_json_and_csv_inputs_give_the_same_entries(tmp_path: Path) -> None:
    records = sample_records()
    json_file = tmp_path / "atlas.json"
    json_file.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
    csv_file = tmp_path / "atlas.csv"
    write_csv(csv_file, records)
    results = []
    for name, source in (("jsonl", SAMPLE_ATLAS), ("json", json_file), ("csv", csv_file)):
        db_path = tmp_path / f"{name}.db"
        assert run(db_path, "atlas", "import", str(source)).exit_code == 0
        results.append(entries_in(db_path))
    assert results[0] == results[1] == results[2]
    assert len(results[0]) == 12


def test_import_export_import_round_trips_identically(tmp_path: Path) -> None:
    first_db, second_db = tmp_path / "a.db", tmp_path / "b.db"
    exported, re_exported = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    run(first_db, "atlas", "import", str(SAMPLE_ATLAS))
    assert run(first_db, "atlas", "export", str(exported)).exit_code == 0
    run(second_db, "atlas", "import", str(exported))
    run(second_db, "atlas", "export", str(re_exported))
    assert exported.read_text(encoding="utf-8") == re_exported.read_text(encoding="utf-8")
    assert entries_in(first_db) == entries_in(second_db)


def test_export_without_a_file_writes_json_lines_to_stdout(db_path: Path) -> None:
    run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    result = run(db_path, "atlas", "export")
    lines = result.stdout.splitlines()
    assert len(lines) == 12
    assert {json.loads(line)["id"] for line in lines} == {r["id"] for r in sample_records()}


def test_malformed_lines_are_named_and_every_good_line_imported(
    tmp_path: Path, db_path: Path
) -> None:
    good = SAMPLE_ATLAS.read_text(encoding="utf-8").splitlines()
    broken = [
        good[0],
        '{"id": "broken-json", "title": ',
        good[1],
        '{"id": "no-title-2020"}',
        '["not", "an", "object"]',
        '{"id": "bad-doi-2020", "title": "T", "doi": "12.3/nope"}',
        "",
        good[2],
    ]
    source = tmp_path / "broken.jsonl"
    source.write_text("\n".join(broken) + "\n", encoding="utf-8")
    result = run(db_path, "atlas", "import", str(source))
    assert result.exit_code == 0
    assert "3 added, 0 updated, 0 unchanged, 4 rejected" in result.stdout
    assert f"{source}:2: rejected: not valid JSON" in result.stderr
    assert f"{source}:4: rejected: title: Field required" in result.stderr
    assert f"{source}:5: rejected: expected a JSON object" in result.stderr
    assert f"{source}:6: rejected: doi: '12.3/nope' is not a valid DOI" in result.stderr
    assert len(entries_in(db_path)) == 3


def test_strict_import_exits_one_when_anything_is_rejected(tmp_path: Path, db_path: Path) -> None:
    source = tmp_path / "one-bad.jsonl"
    source.write_text(SAMPLE_ATLAS.read_text(encoding="utf-8") + "{oops\n", encoding="utf-8")
    assert run(db_path, "atlas", "import", str(source)).exit_code == 0
    assert run(db_path, "atlas", "import", "--strict", str(source)).exit_code == 1


def test_a_file_with_nothing_valid_exits_one(tmp_path: Path, db_path: Path) -> None:
    source = tmp_path / "junk.jsonl"
    source.write_text("not json\n", encoding="utf-8")
    assert run(db_path, "atlas", "import", str(source)).exit_code == 1


def test_reimport_counts_unchanged_and_updated_entries(tmp_path: Path, db_path: Path) -> None:
    run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    records = sample_records()
    records[0]["summary"] = "A corrected summary."
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = run(db_path, "atlas", "import", str(changed))
    assert "0 added, 1 updated, 11 unchanged, 0 rejected" in result.stdout
    by_id = {e["id"]: e for e in entries_in(db_path)}
    assert by_id[str(records[0]["id"])]["summary"] == "A corrected summary."


def test_importing_an_entry_resolves_a_logged_unmatched_paper(db: Database, db_path: Path) -> None:
    doi = "10.1038/s41467-024-45107-3"
    post = Post(platform="console", place="c", thread="t", message_id="1", author_id="u", text=doi)
    reference = Reference(kind=RefKind.DOI, value=doi, start=0, end=len(doi), text=doi)
    record_sightings(db, post, [Match(reference=reference, doi=doi)], salt="s")
    run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    row = db.execute(
        "SELECT status, atlas_id FROM unmatched_papers WHERE key = ?", [f"doi:{doi}"]
    ).fetchone()
    assert tuple(row) == ("resolved", "walitt-2024-deep-phenotyping")


def test_stats_counts_by_pem_badge_level_and_year(db_path: Path) -> None:
    run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    result = run(db_path, "atlas", "stats")
    assert "12 atlas entries" in result.stdout
    for label in ("PEM badge", "Evidence level", "Year", "required", "E3", "2024"):
        assert label in result.stdout


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_a_csv_saved_with_another_delimiter_imports(
    tmp_path: Path, db_path: Path, delimiter: str
) -> None:
    # Spreadsheets set to a European locale save "CSV" with semicolons.
    source = tmp_path / "atlas.csv"
    write_csv(source, sample_records(), delimiter=delimiter)
    result = run(db_path, "atlas", "import", str(source))
    assert result.exit_code == 0, result.stderr
    assert "12 added, 0 updated, 0 unchanged, 0 rejected" in result.output
    assert entries_in(db_path) == entries_in_after_importing(tmp_path, SAMPLE_ATLAS)


def entries_in_after_importing(tmp_path: Path, source: Path) -> list[dict[str, object]]:
    other = tmp_path / "reference.db"
    run(other, "atlas", "import", str(source))
    return entries_in(other)


def test_a_csv_whose_header_no_delimiter_splits_is_rejected_once(
    tmp_path: Path, db_path: Path
) -> None:
    source = tmp_path / "atlas.csv"
    source.write_text("id|title\nlee-2024-x|A title\nlee-2024-y|Another\n", encoding="utf-8")
    result = run(db_path, "atlas", "import", str(source))
    assert result.exit_code == 1
    assert result.stderr.count("rejected") == 1
    assert "names no `id` and `title` columns with any delimiter tried" in result.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "json", "csv"])
def test_explicit_format_overrides_the_extension(tmp_path: Path, db_path: Path, fmt: str) -> None:
    records = sample_records()[:2]
    source = tmp_path / "atlas.data"
    if fmt == "jsonl":
        source.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    elif fmt == "json":
        source.write_text(json.dumps(records), encoding="utf-8")
    else:
        write_csv(source, records)
    result = run(db_path, "atlas", "import", "--format", fmt, str(source))
    assert "2 added" in result.stdout


def test_reimporting_a_changed_entry_keeps_its_aliases(tmp_path: Path, db_path: Path) -> None:
    """Regression: INSERT OR REPLACE deleted the row and cascaded to the entry's aliases."""
    run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    db = open_db(db_path)
    add_alias(db, "doi", "10.1101/2023.04.01.535184", "walitt-2024-deep-phenotyping", "preprint")
    records = sample_records()
    walitt = next(r for r in records if r["id"] == "walitt-2024-deep-phenotyping")
    walitt["summary"] = "Changed summary."
    changed = tmp_path / "changed.jsonl"
    changed.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    assert "1 updated" in run(db_path, "atlas", "import", str(changed)).stdout
    assert find_entry_id(db, "doi", "10.1101/2023.04.01.535184") == "walitt-2024-deep-phenotyping"
    db.close()


def test_a_failed_export_leaves_the_previous_export_untouched(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    target = tmp_path / "atlas-out.jsonl"
    target.write_text("the good export\n", encoding="utf-8")

    def disk_full(entries: object, handle: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("bot.cli.atlas_cmd.write_jsonl", disk_full)
    result = CliRunner().invoke(cli, ["--db", str(db_path), "atlas", "export", str(target)])
    assert result.exit_code != 0
    assert target.read_text(encoding="utf-8") == "the good export\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_stats_shows_labels_not_stored_values(db_path: Path, tmp_path: Path) -> None:
    run(db_path, "atlas", "import", str(SAMPLE_ATLAS))
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        json.dumps({"id": "doe-2020-extra", "title": "Extra", "pem": "not_required"}) + "\n",
        encoding="utf-8",
    )
    run(db_path, "atlas", "import", str(extra))
    output = CliRunner(env={"COLUMNS": "120"}).invoke(cli, ["--db", str(db_path), "atlas", "stats"])
    for label in ("PEM required", "PEM not required", "PEM unclear", "E3 Preliminary"):
        assert label in output.stdout
    assert "not_required" not in output.stdout


@pytest.mark.usefixtures("db")
def test_stats_of_an_empty_atlas_is_one_line(db_path: Path) -> None:
    result = run(db_path, "atlas", "stats")
    assert result.exit_code == 0
    assert result.stdout == (
        "The atlas is empty: import one with `evidence-bot atlas import FILE`.\n"
    )


@pytest.mark.sqlite_only
def test_import_waits_while_another_process_writes(db_path: Path, tmp_path: Path) -> None:
    """Like every writer, `atlas import` queues behind another writer (issue 17)."""
    assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    changed = tmp_path / "changed.jsonl"
    changed.write_text(
        SAMPLE_ATLAS.read_text(encoding="utf-8").replace('"summary": "', '"summary": "Now: '),
        encoding="utf-8",
    )
    other = sqlite3.connect(db_path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute(
        "UPDATE atlas_entries SET title = title || ' (edited elsewhere)' "
        "WHERE id = 'lee-2024-brain-regional'"
    )
    # The other process commits while the import is waiting for the write lock.
    committer = threading.Timer(1.0, other.execute, ["COMMIT"])
    committer.start()
    try:
        result = run(db_path, "atlas", "import", str(changed))
    finally:
        committer.join()
        other.close()
    assert result.exit_code == 0, result.output
    assert "0 added, 12 updated" in result.output
    assert all(str(e["summary"]).startswith("Now: ") for e in entries_in(db_path))
