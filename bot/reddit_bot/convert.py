"""praw submissions and comments, turned into our own `Post` at the boundary.

Fields are read from the data Reddit sent (the object's `__dict__`), never through praw's
lazy attributes, so a missing field can never trigger a hidden network fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from records.models import Post

PLATFORM = "reddit"
PERMALINK_BASE = "https://www.reddit.com"
REMOVED_MARKERS = frozenset({"[deleted]", "[removed]"})
# Accounts every subreddit runs as bots; Reddit itself does not flag bot accounts.
KNOWN_BOTS = frozenset({"automoderator"})


@dataclass(frozen=True)
class ItemFacts:
    """What the adapter needs to know about a Reddit item besides its Post."""

    fullname: str
    kind: str  # "submission" or "comment"
    subreddit: str  # as Reddit spells it
    author: str | None  # None when deleted
    created_utc: float
    locked: bool
    archived: bool
    removed: bool  # deleted by its author or removed by a moderator
    edited: float  # when its author last edited it (Reddit's `edited`), 0.0 if never


def field(item: Any, name: str, default: Any = None) -> Any:
    """One field of the item's data, without praw's lazy fetch."""
    return vars(item).get(name, default)


def facts(item: Any) -> ItemFacts:
    """The ItemFacts of a praw Submission or Comment."""
    fullname = str(field(item, "name") or f"{_kind_prefix(item)}_{field(item, 'id')}")
    is_comment = fullname.startswith("t1_")
    text = field(item, "body" if is_comment else "selftext", "") or ""
    author = author_name(item)
    removed = (author is None and text.strip() in REMOVED_MARKERS) or field(
        item, "removed_by_category"
    ) is not None
    return ItemFacts(
        fullname=fullname,
        kind="comment" if is_comment else "submission",
        subreddit=subreddit_name(item),
        author=author,
        created_utc=float(field(item, "created_utc", 0.0) or 0.0),
        locked=bool(field(item, "locked", False)),
        archived=bool(field(item, "archived", False)),
        removed=removed,
        edited=edited_at(item),
    )


def edited_at(item: Any) -> float:
    """Reddit's `edited`: `false`, or the time of the last edit (praw's cassette
    `TestSubredditModeration.test_edited` shows e.g. 1479367978.0)."""
    edited = field(item, "edited", False)
    if isinstance(edited, bool) or not isinstance(edited, int | float):
        return 0.0
    return float(edited)


def to_post(item: Any, *, bot_name: str | None = None) -> Post:
    """The Post for a praw Submission or Comment.

    A submission's text is its title, its self text and, for a link post, the link itself,
    since a link post often points straight at a paper. `place` is the subreddit in lower
    case; `thread` is the submission's fullname, for comments as well.
    """
    item_facts = facts(item)
    author = item_facts.author or "[deleted]"
    if item_facts.kind == "comment":
        text = str(field(item, "body", "") or "")
        thread = str(field(item, "link_id", "") or item_facts.fullname)
        parent = field(item, "parent_id")
    else:
        text = submission_text(item)
        thread = item_facts.fullname
        parent = None
    permalink = field(item, "permalink")
    return Post(
        platform=PLATFORM,
        place=item_facts.subreddit.lower(),
        thread=thread,
        message_id=item_facts.fullname,
        author_id=author.lower(),
        author_name=author,
        author_is_bot=author.lower() in KNOWN_BOTS | {(bot_name or "").lower()} - {""},
        text=text,
        permalink=f"{PERMALINK_BASE}{permalink}" if permalink else None,
        created_at=datetime.fromtimestamp(item_facts.created_utc, UTC),
        parent_id=str(parent) if parent else None,
        # An edited item cards only the studies it did not card before (the core's rule).
        is_edit=item_facts.edited > 0,
    )


def submission_text(item: Any) -> str:
    """Title, self text and (for link posts) the URL, one per paragraph."""
    parts = [str(field(item, "title", "") or ""), str(field(item, "selftext", "") or "")]
    if not field(item, "is_self", True):
        parts.append(str(field(item, "url", "") or ""))
    return "\n\n".join(part for part in parts if part.strip())


def author_name(item: Any) -> str | None:
    """The author's user name, or None for a deleted account or item."""
    author = field(item, "author")
    if author is None:
        return None
    name = str(getattr(author, "name", author))
    return None if name in REMOVED_MARKERS else name


def subreddit_name(item: Any) -> str:
    """The subreddit's display name."""
    subreddit = field(item, "subreddit")
    return str(getattr(subreddit, "display_name", subreddit) or "")


def _kind_prefix(item: Any) -> str:
    return "t1" if "body" in vars(item) else "t3"
