"""Reddit items as the Pushshift and Arctic Shift dumps hold them, read as posts.

`RC_*` files hold comments (`body`, `link_id`), `RS_*` files submissions (`title`,
`selftext`, `url`, `is_self`); both carry `id` (base 36; `name` is the fullname `t1_…` /
`t3_…` where present), `created_utc` (epoch seconds, a string in some older months),
`subreddit`, `permalink` (a path on reddit.com) and `author` (`[deleted]` once removed).
"""

from __future__ import annotations

from typing import Any

REDDIT_WEB = "https://www.reddit.com"
_GONE = frozenset({"[deleted]", "[removed]", ""})


def is_reddit_item(post: dict[str, Any]) -> bool:
    """Whether a JSON object is a Reddit comment or submission (not one of our own posts)."""
    return "text" not in post and "subreddit" in post and ("body" in post or "title" in post)


def reddit_post(item: dict[str, Any]) -> dict[str, Any]:
    """The item with the fields `scan` reads: `text`, `id`, a readable date, a full link."""
    post = dict(item)
    if "body" not in item:
        post["text"] = _submission_text(item)
    if post.get("id") in (None, ""):
        post["id"] = item.get("name")
    created = item.get("created_utc")
    if isinstance(created, str) and created.strip().isdigit():
        post["created_utc"] = int(created)
    permalink = item.get("permalink")
    if isinstance(permalink, str) and permalink.startswith("/"):
        post["permalink"] = REDDIT_WEB + permalink
    if str(item.get("author") or "") in _GONE:
        post["author"] = ""
    if "link_id" not in item and "body" not in item:
        # A submission is its own thread.
        post["link_id"] = item.get("name") or f"t3_{item.get('id')}"
    return post


def _submission_text(item: dict[str, Any]) -> str | None:
    title = item.get("title")
    if not isinstance(title, str):
        return None
    parts = [title]
    selftext = item.get("selftext")
    if isinstance(selftext, str) and selftext not in _GONE:
        parts.append(selftext)
    url = item.get("url")
    # A link post's paper is often only its URL; a self post's url is its own permalink.
    if isinstance(url, str) and url and not item.get("is_self"):
        parts.append(url)
    return "\n\n".join(parts)
