"""`evidence-bot scan POSTS.jsonl [--no-log]`: the references in each post, as JSON Lines.

The scanning contract of DESIGN.md: each input line is `{"id": ..., "text": ..., ...}`; each
output line is `{"id": ..., "matches": [{"atlas_id", "doi", "pmid", "pmcid", "kind",
"text"}]}`, one match per distinct study, in order of appearance. A line that is not such a
post (or gives a date no calendar can hold) is reported on stderr with its line number and
skipped; the scan goes on. A post's line is printed only once its sightings are saved, and
only its first `linker.max_post_chars` characters are read (a longer text is reported).

Sightings are keyed by the file, the post's place (when it names one) and its id, because
post ids are only unique within one export: two files that both number their posts 1, 2, …
must not merge into one sighting, nor ids `1` and `"1"`, nor posts without an id.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

import click
import sqlite_utils

from bot.cli.context import AppContext, pass_app, warn_if_atlas_empty
from bot.cli.progress import progress_bar
from linker import AtlasIndex
from linker.unmatched import papers_to_log
from records.atlas_store import iter_aliases, iter_entries
from records.models import Match, Post, strip_lone_surrogates
from records.salt import author_hash_salt
from records.unmatched import record_sightings
from records.wording import counted

_PROGRESS_STEP = 100  # lines per progress-bar update (updating per line costs as much as a post)
_PLACE_FIELDS = ("place", "subreddit", "channel", "forum")
_THREAD_FIELDS = ("thread", "thread_id", "submission", "link_id", "topic")
_DATE_FIELDS = ("created_at", "created_utc", "timestamp", "date")
_ID_CHARS = 200  # a longer id is stored as its hash


class _OutOfRange(ValueError):
    """A post's date that no calendar can hold (year 10000 once in UTC)."""


@dataclass(frozen=True)
class _Line:
    number: int
    post: dict[str, Any] | None
    problem: str = ""
    created_at: datetime | None = None
    cut: int = 0  # characters of text left unread (over `linker.max_post_chars`)


@click.command("scan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--no-log", is_flag=True, help="Do not record unmatched references in the unmatched log."
)
@pass_app
def scan(app: AppContext, file: str, no_log: bool) -> None:
    """Print the study references of each post in FILE (JSON Lines; `-` reads stdin) as one
    JSON line each."""
    warn_if_atlas_empty(app)
    index = AtlasIndex.build(iter_entries(app.db), iter_aliases(app.db), app.settings.linker)
    # The index lives as long as the command: keep the garbage collector from re-scanning
    # its millions of objects on every full collection (https://docs.python.org/3/library/gc.html#gc.freeze).
    gc.freeze()
    try:
        tally = _scan_file(app, index, _Input.open(file), log=not no_log)
    finally:
        gc.unfreeze()
    if tally.skipped:
        click.echo(f"scan: {counted(tally.skipped, 'line')} skipped", err=True)
    if tally.skipped and not tally.posts:
        # Nothing was read at all: a CSV, a JSON array, posts under another field name.
        raise click.ClickException(
            f"no line of {tally.name} is a post: scan reads JSON Lines, one object a line "
            'with the post under "text" (or Reddit\'s "body")'
        )


@dataclass(frozen=True)
class _Input:
    """The file to scan: a path, or a pipe (`-`, `/dev/stdin`, `<(...)`) read once."""

    name: str  # as the user wrote it, for messages
    source: str  # what sightings are keyed by
    regular: bool  # a file that can be read twice (once to count its lines for progress)

    @classmethod
    def open(cls, given: str) -> _Input:
        if given == "-":
            return cls("<stdin>", "stdin", regular=False)
        path = Path(given)
        if path.is_file():
            return cls(given, str(path.resolve()), regular=True)
        # A pipe has no lasting name: `/dev/fd/63` is another stream every time.
        return cls(given, f"pipe:{given}", regular=False)

    def handle(self) -> BinaryIO:
        # click.open_file reads `-` as stdin and does not close it when done.
        handle = click.open_file("-" if self.source == "stdin" else self.name, "rb")
        return cast(BinaryIO, handle)

    def line_count(self) -> int | None:
        """The number of lines, or None for a pipe (counting would consume it)."""
        if not self.regular:
            return None
        with Path(self.name).open("rb") as handle:
            return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@dataclass
class _Tally:
    name: str
    posts: int = 0
    skipped: int = 0


def _scan_file(app: AppContext, index: AtlasIndex, given: _Input, *, log: bool) -> _Tally:
    """Print each post's matches; count the posts read and the lines skipped."""
    salt = author_hash_salt(app.db, app.settings.database.author_hash_salt)
    max_chars = app.settings.linker.max_post_chars
    tally = _Tally(given.name)
    last = 0
    name = given.name.rsplit("/", 1)[-1]
    with progress_bar(f"Scanning {name}", given.line_count()) as progress:
        for line in _read_posts(given.handle(), max_chars):
            if line.number % _PROGRESS_STEP == 0:
                progress.advance(_PROGRESS_STEP)
            last = line.number
            if line.post is None:
                if line.problem:
                    tally.skipped += 1
                    click.echo(f"{given.name}:{line.number}: skipped: {line.problem}", err=True)
                continue
            tally.posts += 1
            if line.cut:
                click.echo(
                    f"{given.name}:{line.number}: only the first {max_chars:,} characters of the "
                    f"text read ({line.cut:,} more left unread)",
                    err=True,
                )
            matches = index.match(line.post["text"])
            if log:
                # Saved before the line is printed: whoever reads the output may rely on it.
                _log_unmatched(app.db, index, name, line, matches, source=given.source, salt=salt)
            click.echo(json_line(output_record(line.post, matches)))
        progress.advance(last % _PROGRESS_STEP)
    return tally


def sighting_id(source: str, post: dict[str, Any], line_number: int) -> str:
    """The message id a post's sightings are stored under: file, place and id.

    `source#7`, `source#"7"` (a string id), `source#cfs/7` (a post naming its place),
    `source#line 12` (no id). A very long id is replaced by its hash.
    """
    ident = post.get("id")
    if ident is None:
        token = f"line {line_number}"
    else:
        token = json.dumps(ident, ensure_ascii=False, sort_keys=True)
        if len(token) > _ID_CHARS:
            token = "sha256:" + hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()
    place = _first_field(post, _PLACE_FIELDS)
    return f"{source}#{place}/{token}" if place else f"{source}#{token}"


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
    file_name: str,
    line: _Line,
    matches: list[Match],
    *,
    source: str,
    salt: str,
) -> None:
    assert line.post is not None
    post = line.post
    text: str = post["text"]
    unmatched = papers_to_log(index, text, matches)
    if not unmatched:
        return
    place = _first_field(post, _PLACE_FIELDS) or file_name
    sighting = Post(
        platform="scan",
        place=place,
        thread=_first_field(post, _THREAD_FIELDS) or place,
        message_id=sighting_id(source, post, line.number),
        author_id=str(post.get("author") or ""),
        text=text,
        permalink=_first_field(post, ("permalink", "url")),
        **({"created_at": line.created_at} if line.created_at else {}),
    )
    record_sightings(db, sighting, unmatched, salt=salt)


def _first_field(post: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = post.get(name)
        if value not in (None, ""):
            return str(value)
    return None


def _created_at(post: dict[str, Any]) -> datetime | None:
    """The post's own time when it gives a readable one (so sightings date correctly).

    Raises _OutOfRange for a date that reads but cannot be placed in UTC (such as
    `9999-12-31T23:59:59-23:59`) or a timestamp beyond any calendar.
    """
    for name in _DATE_FIELDS:
        value = post.get(name)
        if value in (None, "") or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            try:
                return datetime.fromtimestamp(value, UTC)
            except (ValueError, OverflowError, OSError) as exc:
                raise _OutOfRange(f'"{name}" {value!r} is out of range') from exc
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            continue  # not a date we can read: the sighting is dated when it is logged
        parsed = parsed if parsed.tzinfo else parsed.astimezone()
        try:
            return parsed.astimezone(UTC)
        except (ValueError, OverflowError) as exc:
            raise _OutOfRange(f'"{name}" {str(value)[:40]!r} is out of range') from exc
    return None


def _read_posts(handle: BinaryIO, max_chars: int) -> Iterator[_Line]:
    """Each line as a post, or with the reason it is not one (blank lines: neither)."""
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                # A file saved by Windows tools may start with a byte-order mark.
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                yield _Line(number, None, f"not UTF-8 ({exc.reason} at byte {exc.start})")
                continue
            del raw  # a long line is held once, not twice, while it is parsed
            if not line.strip():
                yield _Line(number, None)
                continue
            yield _parse(number, line, max_chars)


def _parse(number: int, line: str, max_chars: int) -> _Line:
    try:
        post = json.loads(line)
    except json.JSONDecodeError as exc:
        return _Line(number, None, f"not JSON ({exc.msg} at column {exc.colno})")
    del line
    if not isinstance(post, dict):
        return _Line(number, None, "not a JSON object")
    # Reddit's own exports and the Pushshift dumps hold a comment's text under "body".
    text = post.get("text", post.get("body"))
    if not isinstance(text, str):
        return _Line(number, None, 'no "text" (or Reddit "body") string')
    # Only what is read is kept: the rest of a huge text is dropped before any copy is made.
    cut = max(0, len(text) - max_chars)
    post["text"] = text[:max_chars]
    del text
    post = {k: strip_lone_surrogates(v) if isinstance(v, str) else v for k, v in post.items()}
    try:
        created_at = _created_at(post)
    except _OutOfRange as exc:
        return _Line(number, None, str(exc))
    return _Line(number, post, created_at=created_at, cut=cut)
