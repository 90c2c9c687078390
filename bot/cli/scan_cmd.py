"""`evidence-bot scan POSTS.jsonl [--no-log]`: the references in each post, as JSON Lines.

The scanning contract of DESIGN.md: each input line is `{"id": ..., "text": ..., ...}`; each
output line is `{"id": ..., "matches": [{"atlas_id", "doi", "pmid", "pmcid", "kind",
"text"}]}`, one match per distinct study, in order of appearance. A line that is not such a
post is reported on stderr with its line number and skipped; the scan goes on.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import click
import sqlite_utils

from bot.cli.context import AppContext, pass_app
from bot.cli.progress import progress_bar
from linker import AtlasIndex
from linker.unmatched import papers_to_log
from records.atlas_store import iter_aliases, iter_entries
from records.models import Match, Post, strip_lone_surrogates
from records.unmatched import record_sightings

_PROGRESS_STEP = 100  # lines per progress-bar update (updating per line costs as much as a post)
_PLACE_FIELDS = ("place", "subreddit", "channel", "forum")
_THREAD_FIELDS = ("thread", "thread_id", "submission", "link_id", "topic")


@dataclass(frozen=True)
class _Line:
    number: int
    post: dict[str, Any] | None
    problem: str = ""


@click.command("scan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--no-log", is_flag=True, help="Do not record unmatched references in the unmatched log."
)
@pass_app
def scan(app: AppContext, file: Path, no_log: bool) -> None:
    """Print the study references of each post in FILE (JSON Lines) as one JSON line each."""
    index = AtlasIndex.build(iter_entries(app.db), iter_aliases(app.db), app.settings.linker)
    # The index lives as long as the command: keep the garbage collector from re-scanning
    # its millions of objects on every full collection (https://docs.python.org/3/library/gc.html#gc.freeze).
    gc.freeze()
    try:
        skipped = _scan_file(app, index, file, log=not no_log)
    finally:
        gc.unfreeze()
    if skipped:
        click.echo(f"scan: {skipped} line(s) skipped", err=True)


def _scan_file(app: AppContext, index: AtlasIndex, file: Path, *, log: bool) -> int:
    """Print each post's matches; return how many lines were skipped."""
    salt = app.settings.database.author_hash_salt.get_secret_value()
    skipped = 0
    last = 0
    with progress_bar(f"Scanning {file.name}", _count_lines(file)) as progress:
        for line in _read_posts(file):
            if line.number % _PROGRESS_STEP == 0:
                progress.advance(_PROGRESS_STEP)
            last = line.number
            if line.post is None:
                if line.problem:
                    skipped += 1
                    click.echo(f"{file}:{line.number}: skipped: {line.problem}", err=True)
                continue
            matches = index.match(line.post["text"])
            click.echo(json_line(output_record(line.post, matches)))
            if log:
                _log_unmatched(app.db, index, file, line.post, matches, salt=salt)
        progress.advance(last % _PROGRESS_STEP)
    return skipped


def output_record(post: dict[str, Any], matches: list[Match]) -> dict[str, Any]:
    """The contract's output object for one post.

    Unmatched references without an identifier (an atlas slug our copy lacks) are left out:
    the contract reports studies by atlas id or by DOI/PMID/PMCID.
    """
    return {
        "id": post.get("id"),
        "matches": [
            {
                "atlas_id": match.atlas_id,
                "doi": match.doi,
                "pmid": match.pmid,
                "pmcid": match.pmcid,
                "kind": match.reference.kind.value,
                "text": match.reference.text,
            }
            for match in matches
            if match.entry is not None or match.doi or match.pmid or match.pmcid
        ],
    }


def json_line(record: dict[str, Any]) -> str:
    """One JSON line, readable UTF-8 when it can be, ASCII escapes when a value holds
    something UTF-8 cannot encode (a lone surrogate deep inside an "id" object)."""
    line = json.dumps(record, ensure_ascii=False)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(record)
    return line


def _log_unmatched(
    db: sqlite_utils.Database,
    index: AtlasIndex,
    file: Path,
    post: dict[str, Any],
    matches: list[Match],
    *,
    salt: str,
) -> None:
    text: str = post["text"]
    unmatched = papers_to_log(index, text, matches)
    if not unmatched:
        return
    place = _first_field(post, _PLACE_FIELDS) or file.name
    sighting = Post(
        platform="scan",
        place=place,
        thread=_first_field(post, _THREAD_FIELDS) or place,
        message_id=str(post.get("id")),
        author_id=str(post.get("author") or ""),
        text=text,
        permalink=_first_field(post, ("permalink", "url")),
        **_created_at(post),
    )
    record_sightings(db, sighting, unmatched, salt=salt)


def _first_field(post: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = post.get(name)
        if value not in (None, ""):
            return str(value)
    return None


def _created_at(post: dict[str, Any]) -> dict[str, datetime]:
    """The post's own time when it gives a readable one (so sightings date correctly)."""
    for name in ("created_at", "created_utc", "timestamp", "date"):
        value = post.get(name)
        if value in (None, ""):
            continue
        try:
            if isinstance(value, int | float):
                return {"created_at": datetime.fromtimestamp(value).astimezone()}
            parsed = datetime.fromisoformat(str(value))
        except (ValueError, OverflowError, OSError):
            continue
        return {"created_at": parsed if parsed.tzinfo else parsed.astimezone()}
    return {}


def _read_posts(file: Path) -> Iterator[_Line]:
    """Each line as a post, or with the reason it is not one (blank lines: neither)."""
    with file.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                # A file saved by Windows tools may start with a byte-order mark.
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield _Line(number, None, f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            if not line.strip():
                yield _Line(number, None)
                continue
            yield _parse(number, line)


def _parse(number: int, line: str) -> _Line:
    try:
        post = json.loads(line)
    except json.JSONDecodeError as exc:
        return _Line(number, None, f"not JSON ({exc.msg} at column {exc.colno})")
    if not isinstance(post, dict):
        return _Line(number, None, "not a JSON object")
    post = {k: strip_lone_surrogates(v) if isinstance(v, str) else v for k, v in post.items()}
    if not isinstance(post.get("text"), str):
        return _Line(number, None, 'no "text" string')
    return _Line(number, post)


def _count_lines(file: Path) -> int:
    with file.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
