"""`evidence-bot report --out DIR` on a scanned archive: page, atlas queue, CSVs."""

from __future__ import annotations

import csv
import json
import re
import stat
from pathlib import Path

import pytest

from bot.report.build import every_month
from records.db import open_db
from records.models import AtlasEntry
from records.unmatched import save_enrichment
from tests.report.conftest import run

FILES = ("index.html", "atlas-queue.csv", "atlas-queue.jsonl", "top-studies.csv", "monthly.csv")


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_report_writes_every_file_owner_only(scanned_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "census"
    result = run(scanned_db, "report", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "index.html" in result.stdout
    for name in FILES:
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name


def test_the_page_is_self_contained_with_a_table_beside_every_chart(
    scanned_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out)).exit_code == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    assert "<script" not in html
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html.split("<body>")[0])
    assert "<link" not in html  # no style sheet fetched from elsewhere
    figures = re.findall(r'<figure class="chart".*?</figure>', html, re.S)
    assert len(figures) == 5
    for figure in figures:
        assert figure.count("<svg") == 1
        assert "<table>" in figure
    assert "Retracted or flagged studies still cited" in html


def test_monthly_and_top_studies_csvs_hold_the_numbers(scanned_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out)).exit_code == 0
    months = read_csv(out / "monthly.csv")
    assert [m["month"] for m in months] == ["2023-01", "2023-02", "2023-03"]
    assert months[1] == {"month": "2023-02", "atlas_citations": "0", "unmatched_mentions": "1"}
    assert months[2]["atlas_citations"] == "1"  # the late comment citing PMC3065633
    top = read_csv(out / "top-studies.csv")
    counts = [int(row["citations"]) for row in top]
    assert counts == sorted(counts, reverse=True)
    assert sum(counts) == sum(int(m["atlas_citations"]) for m in months)
    walitt = next(row for row in top if row["entry_id"] == "walitt-2024-deep-phenotyping")
    assert (walitt["pem"], walitt["evidence_level"]) == ("unclear", "E3")


def test_the_atlas_queue_is_ranked_by_people_and_reads_as_atlas_entries(
    scanned_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out)).exit_code == 0
    entries = [json.loads(line) for line in (out / "atlas-queue.jsonl").read_text().splitlines()]
    assert [e["census_rank"] for e in entries] == list(range(1, len(entries) + 1))
    people = [e["census_people"] for e in entries]
    assert people == sorted(people, reverse=True)
    by_key = {e["census_key"]: e for e in entries}
    assert by_key["pmid:99999993"]["pmid"] == "99999993"
    assert by_key["pmid:99999993"]["census_places"] == 1
    for entry in entries:
        AtlasEntry.model_validate(entry)  # the atlas format: `atlas import` takes it
    rows = read_csv(out / "atlas-queue.csv")
    assert [row["census_key"] for row in rows] == [e["census_key"] for e in entries]


def test_enrichment_fills_the_queue_entry(scanned_db: Path, tmp_path: Path) -> None:
    db = open_db(scanned_db)
    try:
        save_enrichment(
            db,
            "pmid:99999993",
            {
                "title": "Orthostatic intolerance in ME",
                "authors": ["Núñez, Ana", "Berg, K"],
                "year": 2022,
                "journal": "J Transl Med",
                "doi": "10.1000/oi.2022",
            },
        )
    finally:
        db.close()
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out)).exit_code == 0
    entries = [json.loads(line) for line in (out / "atlas-queue.jsonl").read_text().splitlines()]
    entry = next(e for e in entries if e["census_key"] == "pmid:99999993")
    assert entry["id"] == "nunez-2022-orthostatic-intolerance"
    assert (entry["title"], entry["year"], entry["journal"]) == (
        "Orthostatic intolerance in ME", 2022, "J Transl Med",
    )  # fmt: skip
    assert (entry["doi"], entry["pmid"]) == ("10.1000/oi.2022", "99999993")


@pytest.mark.parametrize(
    ("option", "value", "expected_months"),
    [
        pytest.param("--since", "2023-02-01", ["2023-02", "2023-03"], id="since"),
        pytest.param("--platform", "discord", ["2023-02"], id="platform"),
        pytest.param("--place", "mecfs", ["2023-01", "2023-02", "2023-03"], id="place"),
    ],
)
def test_filters_narrow_every_number(
    scanned_db: Path, tmp_path: Path, option: str, value: str, expected_months: list[str]
) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out), option, value).exit_code == 0
    assert [m["month"] for m in read_csv(out / "monthly.csv")] == expected_months


def test_a_flagged_study_still_cited_is_listed_with_where_and_when(
    scanned_db: Path, tmp_path: Path
) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out)).exit_code == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    flagged = html[html.index('id="flagged"') : html.index('id="missing"')]
    assert "expression_of_concern" in flagged
    assert "reddit: mecfs" in flagged
    assert "2023-03-01" in flagged  # last seen: the late comment


def test_an_empty_database_still_writes_a_page_that_says_so(db_path: Path, tmp_path: Path) -> None:
    open_db(db_path).close()  # a records file with nothing scanned into it yet
    out = tmp_path / "census"
    result = run(db_path, "report", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Nothing in this range" in (out / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("months", "expected"),
    [
        pytest.param([], [], id="none"),
        pytest.param(
            ["2023-11", "2024-02"],
            ["2023-11", "2023-12", "2024-01", "2024-02"],
            id="gap-over-new-year",
        ),
        pytest.param(["2024-05"], ["2024-05"], id="one"),
    ],
)
def test_quiet_months_are_counted_as_zeros(months: list[str], expected: list[str]) -> None:
    rows = [{"month": m, "atlas_citations": 1, "unmatched_mentions": 0} for m in months]
    filled = every_month(rows)
    assert [row["month"] for row in filled] == expected
    assert sum(row["atlas_citations"] for row in filled) == len(months)


def test_a_place_filter_leaves_other_places_out(scanned_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "census"
    assert run(scanned_db, "report", "--out", str(out), "--place", "mecfs").exit_code == 0
    html = (out / "index.html").read_text(encoding="utf-8")
    places = html[html.index('id="places"') :]
    assert "reddit: mecfs" in places
    assert "reddit: cfs<" not in places
    assert "#papers" not in places
    assert read_csv(out / "monthly.csv")[1]["unmatched_mentions"] == "0"  # Discord's, in Feb
