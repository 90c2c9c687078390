"""One record of a scanned file as a post: its text, id, place, date, link and author.

A JSON line is `{"id": ..., "text": ..., ...}` (the scanning contract, README "Scanning a
file of posts"), or a Reddit dump's comment or submission (bot/archive/reddit_dump.py); a
Discord export's messages arrive already as posts. A record that is not a post carries the
reason instead.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from bot.archive.reddit_dump import is_reddit_item, reddit_post
from bot.archive.streams import Record
from records.models import Match, strip_lone_surrogates

PLACE_FIELDS = ("place", "subreddit", "channel", "forum")
THREAD_FIELDS = ("thread", "thread_id", "submission", "link_id", "topic")
_DATE_FIELDS = ("created_at", "created_utc", "timestamp", "date")
Platform = Literal["scan", "reddit", "discord"]
_ID_CHARS = 200  # a longer id is stored as its hash


@dataclass(frozen=True)
class Line:
    """A record read: the post, or why it is not one (neither for a blank line)."""

    number: int
    post: dict[str, Any] | None
    problem: str = ""
    created_at: datetime | None = None
    cut: int = 0  # characters of text left unread (over `linker.max_post_chars`)
    platform: Platform = "scan"


def read_record(record: Record, max_chars: int) -> Line:  # noqa: PLR0911 - one return a reason
    """The post a record holds (parsing a JSON line), or the reason it holds none."""
    if isinstance(record.raw, dict):
        platform: Platform = "discord" if record.platform == "discord" else "scan"
        return _as_post(record.number, record.raw, max_chars, platform)
    try:
        # A file saved by Windows tools may start with a byte-order mark.
        text = record.raw.decode("utf-8-sig" if record.number == 1 else "utf-8")
    except UnicodeDecodeError as exc:
        return Line(record.number, None, f"not UTF-8 ({exc.reason} at byte {exc.start})")
    if not text.strip():
        return Line(record.number, None)
    try:
        post = json.loads(text)
    except json.JSONDecodeError as exc:
        return Line(record.number, None, f"not JSON ({exc.msg} at column {exc.colno})")
    del text  # a long line is held once, not twice, while it is read
    if not isinstance(post, dict):
        return Line(record.number, None, "not a JSON object")
    if is_reddit_item(post):
        return _as_post(record.number, reddit_post(post), max_chars, "reddit")
    return _as_post(record.number, post, max_chars, "scan")


def _as_post(number: int, post: dict[str, Any], max_chars: int, platform: Platform) -> Line:
    # Reddit's own exports and the Pushshift dumps hold a comment's text under "body".
    text = post.get("text", post.get("body"))
    if not isinstance(text, str):
        return Line(number, None, 'no "text" (or Reddit "body") string')
    # Only what is read is kept: the rest of a huge text is dropped before any copy is made.
    cut = max(0, len(text) - max_chars)
    post["text"] = text[:max_chars]
    del text
    post = {k: strip_lone_surrogates(v) if isinstance(v, str) else v for k, v in post.items()}
    created_at, out_of_range = _created_at(post)
    if out_of_range:
        return Line(number, None, out_of_range)
    return Line(number, post, created_at=created_at, cut=cut, platform=platform)


def _created_at(post: dict[str, Any]) -> tuple[datetime | None, str]:
    """The post's own time when it gives a readable one (so sightings date correctly), and
    the problem ("" when none): a date that reads but cannot be placed in UTC (such as
    `9999-12-31T23:59:59-23:59`) or a timestamp beyond any calendar is out of range."""
    for name in _DATE_FIELDS:
        value = post.get(name)
        if value in (None, "") or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            try:
                return datetime.fromtimestamp(value, UTC), ""
            except (ValueError, OverflowError, OSError):
                return None, f'"{name}" {value!r} is out of range'
        try:
            parsed = datetime.fromisoformat(str(value))
        except ValueError:
            continue  # not a date we can read: the sighting is dated when it is logged
        parsed = parsed if parsed.tzinfo else parsed.astimezone()
        try:
            return parsed.astimezone(UTC), ""
        except (ValueError, OverflowError):
            return None, f'"{name}" {str(value)[:40]!r} is out of range'
    return None, ""


def first_field(post: dict[str, Any], names: tuple[str, ...]) -> str | None:
    """The first of these fields the post fills in, as text."""
    for name in names:
        value = post.get(name)
        if value not in (None, ""):
            return str(value)
    return None


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
    place = first_field(post, PLACE_FIELDS)
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
