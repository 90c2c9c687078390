"""Discourse posts (API JSON) as our own Posts, and Discourse's error bodies.

A post's `raw` is Markdown. Quotes of other posts (`[quote="name, post:3, topic:12"]…
[/quote]`) are left out before the linker and the commands read it (`bot.forums.quotes`):
the quoted post was answered already, and a command in it is not the quoter's.
Errors are `{"errors": [...], "error_type": "...", "extras": {"wait_seconds": n}}`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin

from bot.errors import ApiError
from bot.forums.quotes import commands_also_rendered, own_bbcode_text, own_cooked_text
from records.models import Post

PLATFORM = "discourse"
MAX_RAW_CHARS = 100_000
REGULAR_POST = 1  # post_type: 1 regular, 2 moderator action, 3 small action, 4 whisper


def raw_text(raw: str) -> str:
    """The member's own words: quotes of other posts removed (parsed, nested ones too)."""
    return own_bbcode_text(raw[:MAX_RAW_CHARS], markdown=True)


def post_text(data: dict[str, Any]) -> str:
    """The author's own words from `raw`, or from `cooked` HTML when `raw` is not sent."""
    cooked = data.get("cooked")
    if data.get("raw") is None and isinstance(cooked, str):
        return own_cooked_text(cooked[:MAX_RAW_CHARS])
    text = raw_text(str(data.get("raw") or ""))
    if isinstance(cooked, str):  # a command counts only where Discourse shows it as the author's
        text = commands_also_rendered(text, own_cooked_text(cooked[: MAX_RAW_CHARS * 2]))
    return text


def as_id(value: Any) -> int | None:
    """A positive whole number from an API field (Discourse ids, numbers), else None.

    JSON gives ints; a string of digits is taken too (older and proxied answers), but never
    a bool, a float or anything negative.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value > 0 else None
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 19:
        return int(value) or None
    return None


def reply_number(data: dict[str, Any]) -> int | None:
    """`reply_to_post_number` (the documented schema has it as a string or null)."""
    value = data.get("reply_to_post_number")
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def permalink(data: dict[str, Any], base_url: str) -> str | None:
    """The post's absolute address: the forum's host and `post_url` (a path such as
    `/t/slug/11/4`, PostSerializer#post_url), or, from servers that do not send it, the
    forum's address and the same path built from `topic_slug`, `topic_id` and
    `post_number` (Post.url); None when neither can be made."""
    base = base_url.rstrip("/")
    path = data.get("post_url")
    if isinstance(path, str) and path.startswith("/") and not path.startswith("//"):
        # The path holds a subfolder install's prefix already (Discourse.base_path).
        return urljoin(base + "/", path) if base else None
    if isinstance(path, str) and path.startswith(("https://", "http://")):
        return path
    slug = data.get("topic_slug")
    slug = slug if isinstance(slug, str) and slug and "/" not in slug else "-"
    topic, number = as_id(data.get("topic_id")), as_id(data.get("post_number"))
    if not base or topic is None or number is None:
        return None
    return f"{base}/t/{quote(slug)}/{topic}/{number}"


def to_post(
    data: dict[str, Any], category: int | str, parent_id: str | None, *, base_url: str = ""
) -> Post:
    """One API post (with its topic's category and the id of the post it answers)."""
    return Post(
        platform=PLATFORM,
        place=str(category),
        thread=str(data["topic_id"]),
        message_id=str(data["id"]),
        author_id=str(data.get("username") or ""),
        author_name=str(data.get("username") or ""),
        text=post_text(data),
        permalink=permalink(data, base_url),
        created_at=_time(data.get("created_at")),
        is_edit=(as_id(data.get("version")) or 1) > 1,
        parent_id=parent_id,
    )


def seen_key(data: dict[str, Any]) -> str:
    """The handled-item key of a post as it stands now: a new version makes it new again."""
    return f"{data['id']}@{as_id(data.get('version')) or 1}"


def read_error(status: int, body: Any) -> ApiError:
    """The error type and first message of an error body."""
    body = body if isinstance(body, dict) else {}
    errors = body.get("errors") if isinstance(body.get("errors"), list) else []
    return ApiError(
        status,
        str(body.get("error_type") or f"http_{status}"),
        str(errors[0] if errors else "")[:200],
    )


def wait_seconds(status: int, body: bytes) -> float | None:
    """The wait a 429's body names (`extras.wait_seconds`), for when Retry-After is missing."""
    if status != 429:
        return None
    try:
        data = json.loads(body)
    except ValueError:
        return None
    extras = data.get("extras") if isinstance(data, dict) else None
    wait = extras.get("wait_seconds") if isinstance(extras, dict) else None
    return float(wait) if isinstance(wait, int | float) and wait >= 0 else None


def _time(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
