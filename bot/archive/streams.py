"""Opening an archive: undo its compression and tell its format from its content.

Compression is told by the first bytes (zstd and gzip magic numbers), so a dump renamed or
piped in reads the same as `RC_2024-01.zst`. The format is told by the first line: a JSON
object per line is JSON Lines (our posts, or a Reddit dump's comments and submissions); a
document whose first line is not a whole JSON value, or a one-line object holding
`messages`, is read whole as a DiscordChatExporter export.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import chain
from typing import Any, BinaryIO, Literal, cast

import zstandard

from bot.archive.discord_export import export_posts, is_export

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"  # RFC 8878, section 3.1.1
GZIP_MAGIC = b"\x1f\x8b"  # RFC 1952, section 2.3.1
# The Pushshift and Arctic Shift dumps are compressed with --long=31: a reader must allow a
# window of 2 GiB or it stops with "Frame requires too much memory for decoding".
MAX_WINDOW = 2**31
_BOM = b"\xef\xbb\xbf"

Format = Literal["jsonl", "discord"]


@dataclass(frozen=True)
class Record:
    """One post still to be read: a JSON line as bytes, or an export's message as a post."""

    number: int  # line number in the (decompressed) file, or the message's place in an export
    raw: bytes | dict[str, Any]
    platform: str = ""  # set by formats that know it (a Discord export)


def decompressed(handle: BinaryIO) -> BinaryIO:
    """The bytes of `handle` with zstd or gzip compression undone (plain text as it is)."""
    buffered = cast(
        Any, handle if hasattr(handle, "peek") else io.BufferedReader(cast(Any, handle))
    )
    head = buffered.peek(4)[:4]
    if head.startswith(ZSTD_MAGIC):
        reader = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW).stream_reader(
            buffered, read_across_frames=True
        )
        return cast(BinaryIO, io.BufferedReader(reader, buffer_size=1 << 20))
    if head.startswith(GZIP_MAGIC):
        return cast(BinaryIO, io.BufferedReader(gzip.GzipFile(fileobj=buffered), 1 << 20))
    return cast(BinaryIO, buffered)


def read_records(handle: BinaryIO) -> tuple[Format, Iterator[Record]]:
    """The archive's format and its posts, read lazily (an export is read whole)."""
    stream = decompressed(handle)
    first = stream.readline()
    if first.lstrip(_BOM + b" \t\r\n").startswith(b"{"):
        document = _json_or_none(first)
        # Only a line holding nothing but `{` opens a pretty-printed export; a broken first
        # line of a JSON Lines dump must not make us read the whole dump into memory.
        if document is None and first.strip().removeprefix(_BOM) == b"{":
            rest = stream.read()
            whole = _json_or_none(first + rest)
            if is_export(whole):
                return "discord", _export_records(whole)
            return "jsonl", _lines(chain([first], io.BytesIO(rest)))
        if is_export(document):
            return "discord", _export_records(document)
    return "jsonl", _lines(chain([first], stream))


def _json_or_none(raw: bytes) -> Any:
    try:
        return json.loads(raw.decode("utf-8-sig"))
    except ValueError:  # not UTF-8, or not JSON
        return None


def _lines(lines: Iterable[bytes]) -> Iterator[Record]:
    for number, raw in enumerate(lines, start=1):
        if raw:
            yield Record(number, raw)


def _export_records(document: Any) -> Iterator[Record]:
    for number, post in export_posts(document):
        yield Record(number, post, platform="discord")
