"""The atlas queue: papers the community cites that the atlas lacks, ranked, in atlas format.

Each record is an atlas entry (docs/atlas-format.md) pre-filled from what enrichment found
(title, authors, year, journal, DOI, PMID, PMCID) with a suggested slug in the atlas's
pattern (first author's surname, year, two title words), plus the census's own fields
(unknown to the format, so kept by `atlas import`): `census_rank`, `census_people`,
`census_places`, `census_mentions`, `census_last_seen` and `census_key`.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from typing import Any

from bot.files import safe_cell
from records.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

CSV_COLUMNS = (
    "census_rank", "id", "title", "authors", "year", "journal", "doi", "pmid", "pmcid",
    "census_people", "census_places", "census_mentions", "census_last_seen", "census_key",
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")
_SHORT_WORDS = frozenset({"the", "and", "for", "with", "from", "into", "of", "in", "on", "a"})


def queue_entries(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The ranked unmatched papers (records.census.unmatched_ranked) as atlas entries."""
    return [_entry(rank, row) for rank, row in enumerate(rows, start=1)]


def _entry(rank: int, row: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = json.loads(row["metadata"]) if row.get("metadata") else {}
    known: dict[str, Any] = dict(meta.get("identifiers") or {})
    kind, value = row["kind"], row["value"]
    title = str(meta.get("title") or row["raw_text"] or row["key"])
    authors = [str(a) for a in meta.get("authors") or []]
    year = meta.get("year")
    entry: dict[str, Any] = {
        "id": suggested_slug(authors, year, title, fallback=row["key"]),
        "title": title,
        "authors": authors,
        "year": year,
        "journal": meta.get("journal"),
        "doi": normalize_doi(_found(meta, known, "doi")) or _own(kind, value, "doi"),
        "pmid": normalize_pmid(_found(meta, known, "pmid")) or _own(kind, value, "pmid"),
        "pmcid": normalize_pmcid(_found(meta, known, "pmcid")) or _own(kind, value, "pmcid"),
        "census_rank": rank,
        "census_people": row["people"],
        "census_places": row["places"],
        "census_mentions": row["mentions"],
        "census_last_seen": row["last_seen"],
        "census_key": row["key"],
    }
    return {k: v for k, v in entry.items() if v not in (None, "", [])}


def _found(meta: dict[str, Any], known: dict[str, Any], name: str) -> str:
    return str(meta.get(name) or known.get(name) or "")


def _own(kind: str, value: str, wanted: str) -> str | None:
    return value if kind == wanted else None


def suggested_slug(authors: list[str], year: Any, title: str, *, fallback: str) -> str:
    """An atlas-style slug: `lee-2024-brain-regional` (surname, year, two title words)."""
    surname = _ascii(authors[0].split(",")[0]) if authors else ""
    words = [w for w in _WORD.findall(_ascii(title)) if w not in _SHORT_WORDS and not w.isdigit()]
    parts = [p for p in (surname.replace(" ", "-"), str(year or ""), *words[:2]) if p]
    if len(parts) < 3 or not surname:
        # Too little is known for the atlas pattern: a slug from the log key, still valid.
        return "-".join(_WORD.findall(_ascii(fallback)))[:80] or "unknown"
    return "-".join(parts)[:80]


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return folded.lower().strip()


def queue_jsonl(entries: list[dict[str, Any]]) -> str:
    """One atlas entry a line, as `atlas import` reads."""
    return "".join(json.dumps(entry, ensure_ascii=False) + "\n" for entry in entries)


def queue_csv(entries: list[dict[str, Any]]) -> str:
    """The queue as CSV (authors joined by "; "), cells safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for entry in entries:
        writer.writerow(
            [
                safe_cell("; ".join(entry.get(c) or []) if c == "authors" else entry.get(c, ""))
                for c in CSV_COLUMNS
            ]
        )
    return buffer.getvalue()
