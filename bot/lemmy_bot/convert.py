"""Lemmy's API views (`PostView`, `CommentView` of lemmy-js-client 0.19) as our own Posts.

A post and a comment are told apart in our message ids by Lemmy's own address words:
`post/12` and `comment/34`. A comment's `path` is `0.<ancestor ids>.<its id>`, so the
comment it answers is the second last id, and a top-level comment (`0.34`) answers the post.
Errors are `{"error": "<snake_case code>"}` (LemmyErrorType).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from bot.errors import ApiError
from records.models import Post

PLATFORM = "lemmy"
MAX_TEXT_CHARS = 100_000
# A Markdown block quote: the quoted member's words, never the quoter's citation or command.
_QUOTE_LINE = re.compile(r"^ {0,3}>.*$\n?", re.M)

Json = dict[str, Any]


def own_words(markdown: str) -> str:
    """The author's own Markdown: block-quoted lines left out."""
    return _QUOTE_LINE.sub("", markdown[:MAX_TEXT_CHARS])


def place_of(community: Json) -> str:
    """A community as members name it: `name` on this instance, `name@host` elsewhere."""
    name = str(community["name"])
    if community.get("local", True):
        return name
    host = str(community.get("actor_id", "")).split("/")[2:3]
    return f"{name}@{host[0]}" if host else name


def item_of(view: Json) -> Json:
    """The post or comment a view shows."""
    item: Json = view["comment"] if "comment" in view else view["post"]
    return item


def message_id(view: Json) -> str:
    """`comment/<id>` for a CommentView, `post/<id>` for a PostView."""
    kind = "comment" if "comment" in view else "post"
    return f"{kind}/{int(item_of(view)['id'])}"


def parent_of(view: Json) -> str | None:
    """The message a comment answers (its parent comment, or its post); None for a post."""
    if "comment" not in view:
        return None
    ids = str(view["comment"].get("path", "")).split(".")
    if len(ids) >= 3 and ids[-2].isdigit():
        return f"comment/{int(ids[-2])}"
    return f"post/{int(view['comment']['post_id'])}"


def is_gone(view: Json) -> bool:
    """Deleted by its author or removed by a moderator (the post of a comment too)."""
    return any(bool(part.get("deleted") or part.get("removed"))
               for part in (item_of(view), view.get("post") or {}))  # fmt: skip


def seen_key(view: Json) -> str:
    """The handled-item key of the item as it stands now: an edit makes it new again."""
    item = item_of(view)
    return f"{message_id(view)}@{item.get('updated') or item.get('published')}"


def to_post(view: Json) -> Post:
    """One PostView or CommentView as our Post."""
    item, creator = item_of(view), view["creator"]
    if "comment" in view:
        text = own_words(str(item.get("content") or ""))
        thread = int(item["post_id"])
    else:
        parts = (item.get("name"), item.get("url"), own_words(str(item.get("body") or "")))
        text = "\n\n".join(str(part) for part in parts if part)
        thread = int(item["id"])
    return Post(
        platform=PLATFORM,
        place=place_of(view["community"]),
        thread=str(thread),
        message_id=message_id(view),
        author_id=str(creator["id"]),
        author_name=str(creator.get("name") or ""),
        author_is_bot=bool(creator.get("bot_account")),
        text=text,
        permalink=str(item.get("ap_id") or "") or None,
        created_at=_time(item.get("published")),
        is_edit=bool(item.get("updated")),
        parent_id=parent_of(view),
    )


def read_error(status: int, body: Any) -> ApiError:
    """The error code of an error body (`{"error": "couldnt_find_post"}`)."""
    code = body.get("error") if isinstance(body, dict) else None
    return ApiError(status, str(code or f"http_{status}")[:200])


def _time(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return datetime.now(UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
