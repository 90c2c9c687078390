"""`evidence-bot scan FILE [--no-log] [--jobs N]`: the references in each post, as JSON Lines.

The scanning contract (README, "Scanning a file of posts"): each input line is `{"id": ...,
"text": ..., ...}`; each output line is `{"id": ..., "matches": [{"atlas_id", "doi", "pmid",
"pmcid", "kind", "text"}]}`, one match per distinct study, in order of appearance. FILE may
also be a Reddit dump (zstd, gzip or plain NDJSON comments and submissions) or a
DiscordChatExporter JSON export (bot/archive). A line that is not such a post (or gives a
date no calendar can hold) is reported on stderr with its line number and skipped; the scan
goes on. A post's line is printed only once its sightings are saved, and only its first
`linker.max_post_chars` characters are read (a longer text is reported).

Sightings are keyed by the file, the post's place (when it names one) and its id, because
post ids are only unique within one export: two files that both number their posts 1, 2, …
must not merge into one sighting, nor ids `1` and `"1"`, nor posts without an id. Citations
of atlas studies are recorded the same way (records/census.py) for `evidence-bot report`.
"""

from __future__ import annotations

import gc
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, cast

import click

from bot.archive.examine import Examined, Examiner, examine_all
from bot.archive.posts import (
    PLACE_FIELDS,
    THREAD_FIELDS,
    first_field,
    json_line,
    output_record,
    sighting_id,
)
from bot.archive.streams import read_records
from bot.cli.context import AppContext, pass_app, warn_if_atlas_empty
from bot.cli.progress import progress_bar
from linker import AtlasIndex
from records.atlas_store import iter_aliases
from records.census import record_cited
from records.db import Database, write_transaction
from records.entry_metadata import iter_enriched_entries
from records.models import Post
from records.salt import author_hash_salt
from records.unmatched import record_sightings
from records.wording import counted

__all__ = ["json_line", "output_record", "scan", "sighting_id"]

_PROGRESS_STEP = 100  # posts per progress-bar update (updating per post costs as much as one)


@click.command("scan")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--no-log", is_flag=True, help="Do not record unmatched references in the unmatched log."
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Match posts in this many processes (same output, same order).",
)
@pass_app
def scan(app: AppContext, file: str, no_log: bool, jobs: int) -> None:
    """Print the study references of each post in FILE as one JSON line each.

    FILE is JSON Lines, a Reddit dump (Pushshift / Arctic Shift: .zst, .gz or plain) or a
    DiscordChatExporter JSON export; `-` reads stdin."""
    warn_if_atlas_empty(app)
    index = AtlasIndex.build(
        iter_enriched_entries(app.db), iter_aliases(app.db), app.settings.linker
    )
    # The index lives as long as the command: keep the garbage collector from re-scanning
    # its millions of objects on every full collection (https://docs.python.org/3/library/gc.html#gc.freeze).
    # Frozen objects are also left untouched in forked workers, so their pages stay shared.
    gc.freeze()
    try:
        examiner = Examiner(index, app.settings.linker.max_post_chars, log=not no_log)
        tally = _scan_file(app, examiner, _Input.open(file), jobs=jobs)
    finally:
        gc.unfreeze()
    if tally.skipped:
        click.echo(f"scan: {counted(tally.skipped, 'line')} skipped", err=True)
    if tally.skipped and not tally.posts:
        # Nothing was read at all: a CSV, a JSON array, posts under another field name.
        raise click.ClickException(
            f"no line of {tally.name} is a post: scan reads JSON Lines, one object a line "
            'with the post under "text" (or Reddit\'s "body"), Reddit dumps and '
            "DiscordChatExporter JSON exports"
        )


@dataclass(frozen=True)
class _Input:
    """The file to scan: a path, or a pipe (`-`, `/dev/stdin`, `<(...)`) read once."""

    name: str  # as the user wrote it, for messages
    source: str  # what sightings are keyed by
    regular: bool  # a file whose size is known (progress is measured in its bytes)

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

    def size(self) -> int | None:
        """The file's size in bytes, or None for a pipe."""
        return os.path.getsize(self.name) if self.regular else None


@dataclass
class _Tally:
    name: str
    posts: int = 0
    skipped: int = 0


def _scan_file(app: AppContext, examiner: Examiner, given: _Input, *, jobs: int) -> _Tally:
    """Print each post's matches; count the posts read and the lines skipped."""
    salt = author_hash_salt(app.db, app.settings.database.author_hash_salt)
    tally = _Tally(given.name)
    name = given.name.rsplit("/", 1)[-1]
    with given.handle() as handle:
        _format, records = read_records(handle)
        results = examine_all(examiner, records, jobs)
        with progress_bar(
            f"Scanning {name}", given.size(), min_total=1 << 15, in_bytes=True
        ) as progress:
            started = time.monotonic()
            for count, examined in enumerate(results, start=1):
                if count % _PROGRESS_STEP == 0:
                    rate = count / max(time.monotonic() - started, 1e-6)
                    progress.update(_position(handle), note=f"{rate:,.0f} posts/s")
                _one_post(app, given, name, examined, tally, salt=salt)
            progress.update(given.size() or 0, note="")
    return tally


def _position(handle: BinaryIO) -> int:
    """How far into the (compressed) file reading has come."""
    try:
        return handle.tell()
    except (OSError, ValueError):
        return 0


def _one_post(
    app: AppContext, given: _Input, name: str, examined: Examined, tally: _Tally, *, salt: str
) -> None:
    line = examined.line
    max_chars = app.settings.linker.max_post_chars
    if line.post is None:
        if line.problem:
            tally.skipped += 1
            click.echo(f"{given.name}:{line.number}: skipped: {line.problem}", err=True)
        return
    tally.posts += 1
    if line.cut:
        click.echo(
            f"{given.name}:{line.number}: only the first {max_chars:,} characters of the "
            f"text read ({line.cut:,} more left unread)",
            err=True,
        )
    if examined.unmatched or examined.cited:
        # Saved before the line is printed: whoever reads the output may rely on it.
        _record(app.db, examined, name, source=given.source, salt=salt)
    click.echo(examined.output)


def _record(db: Database, examined: Examined, file_name: str, *, source: str, salt: str) -> None:
    line = examined.line
    assert line.post is not None
    post = line.post
    place = first_field(post, PLACE_FIELDS) or file_name
    sighting = Post(
        platform=line.platform,
        place=place,
        thread=first_field(post, THREAD_FIELDS) or place,
        message_id=sighting_id(source, post, line.number),
        author_id=str(post.get("author") or ""),
        text=post["text"],
        permalink=first_field(post, ("permalink", "url")),
        **({"created_at": line.created_at} if line.created_at else {}),
    )
    # One transaction a post: Ctrl-C keeps a post's records whole or leaves them all out.
    with write_transaction(db):
        if examined.unmatched:
            record_sightings(db, sighting, examined.unmatched, salt=salt)
        if examined.cited:
            record_cited(db, sighting, examined.cited, salt=salt)
