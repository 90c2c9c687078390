"""Reading and writing atlas files: JSON Lines, a JSON array, or CSV.

Reading yields each record with its line (or array position) so that a bad record can be
reported precisely while every good one is still imported.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from records.models import AtlasEntry

FORMATS = ("jsonl", "json", "csv")


@dataclass(frozen=True)
class BadRecord:
    """A record that could not become an entry, and why."""

    line: int
    reason: str


@dataclass(frozen=True)
class GoodRecord:
    """A valid entry and the line it came from."""

    line: int
    entry: AtlasEntry


def detect_format(path: Path) -> str:
    """`jsonl`, `json` or `csv`, from the extension or else from the first character."""
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("jsonl", "ndjson"):
        return "jsonl"
    if suffix in FORMATS:
        return suffix
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        head = handle.read(1024).lstrip()
    if head.startswith("["):
        return "json"
    return "jsonl" if head.startswith("{") else "csv"


def read_records(path: Path, fmt: str | None = None) -> Iterator[GoodRecord | BadRecord]:
    """Every record of the file, validated, in file order."""
    fmt = fmt or detect_format(path)
    if fmt not in FORMATS:
        raise ValueError(f"unknown atlas format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "jsonl":
        # Line by line from bytes, so a line in another encoding is rejected on its own.
        with path.open("rb") as binary:
            yield from _read_jsonl(binary)
        return
    with path.open(encoding="utf-8-sig", newline="") as handle:
        try:
            yield from _read_json_array(handle) if fmt == "json" else _read_csv(handle)
        except UnicodeDecodeError as exc:
            yield BadRecord(
                1, f"the file is not UTF-8 text ({_undecodable(exc)}); save it as UTF-8"
            )


def _undecodable(exc: UnicodeDecodeError) -> str:
    return f"{exc.reason} at byte {exc.start}"


def _validate(line: int, raw: Any) -> GoodRecord | BadRecord:
    if not isinstance(raw, dict):
        return BadRecord(line, f"expected a JSON object, got {type(raw).__name__}")
    try:
        return GoodRecord(line, AtlasEntry.model_validate(raw))
    except ValidationError as exc:
        return BadRecord(line, _explain(exc))
    except ValueError as exc:  # e.g. a malformed JSON list inside a CSV cell
        return BadRecord(line, str(exc))


def _explain(exc: ValidationError) -> str:
    """`doi: 'x' is not a valid DOI; title: Field required` — one clause per problem."""
    parts = []
    for error in exc.errors():
        where = ".".join(str(p) for p in error["loc"]) or "record"
        message = error["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}")
    return "; ".join(parts)


def _read_jsonl(handle: IO[bytes]) -> Iterator[GoodRecord | BadRecord]:
    for number, line in enumerate(handle, start=1):
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield BadRecord(number, f"not UTF-8 text ({_undecodable(exc)})")
            continue
        if not text.strip():
            continue
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            yield BadRecord(number, f"not valid JSON: {exc.msg} at column {exc.colno}")
            continue
        yield _validate(number, raw)


def _read_json_array(handle: IO[str]) -> Iterator[GoodRecord | BadRecord]:
    try:
        data = json.load(handle)
    except json.JSONDecodeError as exc:
        yield BadRecord(exc.lineno, f"not valid JSON: {exc.msg} at column {exc.colno}")
        return
    if not isinstance(data, list):
        yield BadRecord(1, "a JSON atlas file must hold an array of entries")
        return
    # A JSON array has no per-record lines; report the 1-based position instead.
    for position, raw in enumerate(data, start=1):
        yield _validate(position, raw)


def _read_csv(handle: IO[str]) -> Iterator[GoodRecord | BadRecord]:
    header = handle.readline()
    if not header.strip():
        return  # an empty file holds no records
    handle.seek(0)
    delimiter = _delimiter(header)
    if delimiter is None:
        yield BadRecord(
            1,
            "the header names no `id` and `title` columns with any delimiter tried "
            f"({', '.join(repr(d) for d in _DELIMITERS)}): is this an atlas CSV?",
        )
        return
    reader = csv.DictReader(handle, delimiter=delimiter)
    for row in reader:
        line = reader.line_num
        if None in row:
            yield BadRecord(line, "more cells than the header has columns")
            continue
        try:
            raw = _csv_row_to_raw(row)
        except ValueError as exc:
            yield BadRecord(line, f"bad cell: {exc}")
            continue
        yield _validate(line, raw)


# Spreadsheets in much of Europe save CSV with semicolons (the comma is their decimal mark);
# some tools write tabs.
_DELIMITERS = (",", ";", "\t")


def _delimiter(header: str) -> str | None:
    """The delimiter under which the header line names the required `id` and `title`."""
    for delimiter in _DELIMITERS:
        columns = {name.strip() for name in next(csv.reader([header], delimiter=delimiter), [])}
        if {"id", "title"} <= columns:
            return delimiter
    return None


def _csv_row_to_raw(row: dict[str, str]) -> dict[str, Any]:
    """Blank cells are absent; `snapshot.x` columns or a JSON `snapshot` cell form the snapshot."""
    raw: dict[str, Any] = {}
    snapshot: dict[str, str] = {}
    for column, cell in row.items():
        if cell is None or cell == "":
            continue
        if column.startswith("snapshot."):
            snapshot[column.removeprefix("snapshot.")] = cell
        elif column == "snapshot":
            raw["snapshot"] = json.loads(cell)
        elif column == "retracted":
            raw["retracted"] = cell.strip().lower() in ("1", "true", "yes", "y")
        else:
            raw[column] = cell
    if snapshot:
        raw["snapshot"] = snapshot
    return raw


def write_jsonl(entries: Iterable[AtlasEntry], handle: IO[str]) -> int:
    """Write entries one JSON object a line; return how many."""
    count = 0
    for entry in entries:
        handle.write(json.dumps(entry.to_json_dict(), ensure_ascii=False, sort_keys=True))
        handle.write("\n")
        count += 1
    return count
