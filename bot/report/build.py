"""Writing the census report into a folder: the page, the atlas queue and the CSVs.

`index.html` (charts and tables), `atlas-queue.csv` and `atlas-queue.jsonl` (the missing
papers, ranked, in atlas format), `top-studies.csv` and `monthly.csv` (the numbers behind
the charts). Every file is written owner-only and replaced whole, like other exports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.files import safe_cell, write_private_text
from bot.report.charts import PEM_COLOURS, bar_chart, monthly_chart, pem_chart
from bot.report.page import Column, Section, link, page, pem_badge
from bot.report.queue import queue_csv, queue_entries, queue_jsonl
from records import census
from records.census import CensusFilter
from records.db import Database

TOP = 25  # studies and papers drawn in a chart (the CSVs and tables hold more)
_DRAWN = 15
# The two counts the monthly and per-place tables show side by side.
_CITATION_COLUMNS = (
    Column("Atlas studies", "atlas_citations", numeric=True),
    Column("Papers the atlas lacks", "unmatched_mentions", numeric=True),
)


@dataclass(frozen=True)
class Written:
    """What a report holds, for the command's closing line."""

    folder: Path
    citations: int
    studies: int
    missing_papers: int
    months: int


def write_report(db: Database, folder: Path, where: CensusFilter) -> Written:
    """Query the census and write every file of the report into `folder` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    months = every_month(census.monthly(db, where))
    top = census.top_studies(db, where, limit=100)
    mix = census.pem_mix(db, where)
    flagged = census.flagged_still_cited(db, where)
    missing = census.unmatched_ranked(db, where)
    places = census.by_place(db, where)
    queue = queue_entries(missing)
    html = page(
        "Citation census",
        _lede(where, months),
        [
            _monthly_section(months),
            _top_section(top),
            _pem_section(mix),
            _flagged_section(flagged),
            _missing_section(queue),
            _places_section(places),
        ],
    )
    write_private_text(folder / "index.html", html)
    write_private_text(folder / "atlas-queue.jsonl", queue_jsonl(queue))
    write_private_text(folder / "atlas-queue.csv", queue_csv(queue))
    write_private_text(folder / "top-studies.csv", _csv(top, _TOP_CSV))
    write_private_text(folder / "monthly.csv", _csv(months, _MONTHLY_CSV))
    census.record_report(
        db, str(folder.resolve()), _scope(where), datetime.now(UTC).isoformat(timespec="seconds")
    )
    return Written(
        folder,
        citations=sum(int(m["atlas_citations"]) for m in months),
        studies=len(top),
        missing_papers=len(queue),
        months=len(months),
    )


_TOP_CSV = ("entry_id", "title", "year", "pem", "evidence_level", "retracted", "citations",
            "people", "places", "last_cited")  # fmt: skip
_MONTHLY_CSV = ("month", "atlas_citations", "unmatched_mentions")


def every_month(months: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The months from the first to the last, a month without citations included as zeros
    (a quiet month is a number too, and the chart's time axis stays even)."""
    if not months:
        return []
    known = {row["month"]: row for row in months}
    year, month = map(int, months[0]["month"].split("-"))
    filled: list[dict[str, Any]] = []
    while (label := f"{year:04d}-{month:02d}") <= months[-1]["month"]:
        filled.append(
            known.get(label, {"month": label, "atlas_citations": 0, "unmatched_mentions": 0})
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return filled


def _csv(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


def _scope(where: CensusFilter) -> str:
    scope = [f"since {where.since}" if where.since else "all time"]
    if where.platform:
        scope.append(f"platform {where.platform}")
    if where.place:
        scope.append(f"place {where.place}")
    return ", ".join(scope)


def _lede(where: CensusFilter, months: Sequence[dict[str, Any]]) -> str:
    span = f"{months[0]['month']} to {months[-1]['month']}" if months else "no citations"
    made = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"What the community cites ({_scope(where)}; {span}). Made {made}."


def _monthly_section(months: list[dict[str, Any]]) -> Section:
    return Section(
        "monthly",
        "Citations per month",
        "Posts citing atlas studies, and papers the atlas lacks, per calendar month (UTC).",
        [
            Column("Month", "month"),
            *_CITATION_COLUMNS,
        ],
        months,
        monthly_chart(
            [m["month"] for m in months],
            [int(m["atlas_citations"]) for m in months],
            [int(m["unmatched_mentions"]) for m in months],
        ),
    )


def _top_section(top: list[dict[str, Any]]) -> Section:
    rows = [
        {
            **row,
            "study": row["title"],
            "badge": pem_badge(row["pem"]),
            "level": row["evidence_level"] or "—",
            "flag": '<span class="badge retracted">retracted</span>' if row["retracted"] else "",
        }
        for row in top[:TOP]
    ]
    drawn = top[:_DRAWN]
    return Section(
        "top-studies",
        "Most-cited atlas studies",
        "Bars are coloured by the study's PEM badge (green required, red not required, "
        "amber unclear, grey not recorded).",
        [
            Column("Study", "study"),
            Column("PEM", "badge", html=True),
            Column("Evidence", "level"),
            Column("Citations", "citations", numeric=True),
            Column("People", "people", numeric=True),
            Column("Places", "places", numeric=True),
            Column("", "flag", html=True),
        ],
        rows,
        bar_chart(
            "top",
            "citations",
            [f"{row['title']}" for row in drawn],
            [int(row["citations"]) for row in drawn],
            [PEM_COLOURS.get(row["pem"] or "", PEM_COLOURS["not recorded"]) for row in drawn],
        ),
    )


def _pem_section(mix: list[dict[str, Any]]) -> Section:
    rows = [{**row, "badge": pem_badge(row["pem"])} for row in mix]
    return Section(
        "pem-mix",
        "The PEM mix of what is cited",
        "Whether post-exertional malaise was a required inclusion criterion of the studies "
        "people cite (each citation counted).",
        [
            Column("PEM badge", "badge", html=True),
            Column("Citations", "citations", numeric=True),
            Column("Studies", "studies", numeric=True),
        ],
        rows,
        pem_chart([row["pem"] for row in mix], [int(row["citations"]) for row in mix]),
    )


def _flagged_section(flagged: list[dict[str, Any]]) -> Section:
    rows = [
        {**row, "where": link(row["latest_link"], f"{row['platform']}: {row['place']}")}
        for row in flagged
    ]
    return Section(
        "flagged",
        "Retracted or flagged studies still cited",
        "Studies the atlas marks retracted, or with a retraction, withdrawal or expression of "
        "concern the enricher found, and where they are still cited.",
        [
            Column("Study", "title"),
            Column("Flag", "flag"),
            Column("Where", "where", html=True),
            Column("Citations", "citations", numeric=True),
            Column("Last seen", "last_seen"),
        ],
        rows,
    )


def _missing_section(queue: list[dict[str, Any]]) -> Section:
    drawn = queue[:_DRAWN]
    return Section(
        "missing",
        "Papers the atlas lacks, by people and places citing them",
        "The atlas queue (atlas-queue.csv / .jsonl beside this page) in the same order.",
        [
            Column("#", "census_rank", numeric=True),
            Column("Paper", "title"),
            Column("Year", "year"),
            Column("DOI", "doi"),
            Column("PMID", "pmid"),
            Column("People", "census_people", numeric=True),
            Column("Places", "census_places", numeric=True),
            Column("Mentions", "census_mentions", numeric=True),
        ],
        queue[:100],
        bar_chart(
            "missing",
            "people citing",
            [str(entry["title"]) for entry in drawn],
            [int(entry["census_people"]) for entry in drawn],
        ),
    )


def _places_section(places: list[dict[str, Any]]) -> Section:
    rows = [{**row, "where": f"{row['platform']}: {row['place']}"} for row in places]
    drawn = rows[:_DRAWN]
    return Section(
        "places",
        "Per platform and place",
        "Citations of atlas studies and of papers the atlas lacks, per platform and place.",
        [
            Column("Where", "where"),
            *_CITATION_COLUMNS,
            Column("People", "people", numeric=True),
        ],
        rows,
        bar_chart(
            "places",
            "citations",
            [row["where"] for row in drawn],
            [int(row["atlas_citations"]) + int(row["unmatched_mentions"]) for row in drawn],
        ),
    )
