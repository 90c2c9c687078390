"""XenForo posts (API JSON) as our own Posts.

A post's `message` is BBCode. The linker and the commands read it as text: quotes of other
posts are left out (`bot.forums.quotes`: the quoted member's post was answered already, and
a command in it is that member's, not the quoter's), link targets are kept next to
their text (`[URL='https://doi.org/…']the study[/URL]` cites the DOI), and other tags are
dropped. The first quote of a post names the post it answers (`post: 123`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.errors import BadAnswer
from bot.forums.quotes import (
    commands_also_rendered,
    own_bbcode_text,
    own_parsed_text,
    split_bbcode,
)
from records.models import Post

PLATFORM = "xenforo"
MAX_MESSAGE_CHARS = 100_000
MAX_DATE = 2**33  # Unix seconds in the year 2242: a later post date is not a real one

# [URL='target']text[/URL], [URL=target]text[/URL], [URL]target[/URL] (and [IMG] kept out)
_LINK = re.compile(r"\[url=['\"]?([^'\"\]]{1,2000})['\"]?\]([\s\S]{0,2000}?)\[/url\]", re.I)
_TAG = re.compile(r"\[/?[a-z*]{1,12}(?:=[^\]]{0,300})?\]", re.I)


def message_text(bbcode: str, parsed: str | None = None) -> str:
    """The words a member wrote: no quotes of others, links with their targets.

    `parsed` is XenForo's own rendering (`message_parsed`): a command line counts only where
    it shows the line as the author's too.
    """
    text = own_bbcode_text(bbcode[:MAX_MESSAGE_CHARS])
    if parsed is not None:
        text = commands_also_rendered(text, own_parsed_text(parsed[: MAX_MESSAGE_CHARS * 2]))
    text = _LINK.sub(lambda m: f"{m.group(2)} {m.group(1)}", text)
    return _TAG.sub("", text)


def quoted_post_id(bbcode: str) -> str | None:
    """The id of the first post this message quotes, or None."""
    return split_bbcode(bbcode[:MAX_MESSAGE_CHARS]).first_post_id()


def int_id(value: Any) -> int | None:
    """An id as XenForo means it (`4`, `"4"`, `4.0`, `"4.0"`), or None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.isascii() and text.isdigit():
            value = int(text)
            return value if value < 2**63 else None
        try:
            value = float(text) if text[:1].isdigit() else None
        except ValueError:
            return None
    if isinstance(value, int):
        return value if 0 <= value < 2**63 else None
    if isinstance(value, float) and value.is_integer() and 0 <= value < 2**63:
        return int(value)
    return None


def listed(answer: dict[str, Any], key: str, *, required: bool = True) -> list[Any]:
    """The list under `key` of an answer; a missing or non-list value is a bad answer."""
    value = answer.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list):
        raise BadAnswer(f"{key!r} is not a list", answer)
    return value


def unix_date(value: Any) -> int | None:
    """A Unix time XenForo could have sent (ints up to the year 2242), else None."""
    number = int_id(value)
    return number if number is not None and number < MAX_DATE else None


@dataclass(frozen=True)
class ThreadRef:
    """What a thread listing says about one thread, checked."""

    thread_id: int
    last_post_id: int
    last_post_date: int
    reply_count: int


def thread_ref(item: Any) -> ThreadRef | None:
    """A listed thread, or None when it lacks a readable id, last post or date."""
    if not isinstance(item, dict):
        return None
    thread_id = int_id(item.get("thread_id"))
    last_post = int_id(item.get("last_post_id"))
    last_date = unix_date(item.get("last_post_date"))
    if thread_id is None or last_post is None or last_date is None:
        return None
    return ThreadRef(thread_id, last_post, last_date, int_id(item.get("reply_count")) or 0)


def clean_post(item: Any) -> dict[str, Any] | None:
    """A post with its ids and dates as integers, or None when they cannot be read."""
    if not isinstance(item, dict):
        return None
    post_id = int_id(item.get("post_id"))
    thread_id = int_id(item.get("thread_id"))
    posted = unix_date(item.get("post_date"))
    edited = unix_date(item.get("last_edit_date") or 0)
    if None in (post_id, thread_id, posted, edited):
        return None
    user = int_id(item.get("user_id"))
    return {**item, "post_id": post_id, "thread_id": thread_id, "post_date": posted,
            "last_edit_date": edited, "user_id": user if user is not None else 0}  # fmt: skip


def to_post(data: dict[str, Any], node_id: int | str) -> Post:
    """One API `Post` object (with its thread's node id) as our Post."""
    edited = int(data.get("last_edit_date") or 0)
    return Post(
        platform=PLATFORM,
        place=str(node_id),
        thread=str(data["thread_id"]),
        message_id=str(data["post_id"]),
        author_id=str(data.get("user_id") or 0),
        author_name=str(data.get("username") or ""),
        text=message_text(str(data.get("message") or ""), _parsed(data)),
        permalink=str(data["view_url"]) if data.get("view_url") else None,
        created_at=datetime.fromtimestamp(int(data.get("post_date") or 0), UTC),
        is_edit=edited > 0,
        parent_id=quoted_post_id(str(data.get("message") or "")),
    )


def _parsed(data: dict[str, Any]) -> str | None:
    parsed = data.get("message_parsed")
    return parsed if isinstance(parsed, str) else None


def seen_key(data: dict[str, Any]) -> str:
    """The handled-item key of a post as it stands now: an edit makes it new again."""
    return f"{data['post_id']}@{int(data.get('last_edit_date') or 0)}"
