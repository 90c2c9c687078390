"""Polling a subreddit's new submissions or comments from a stored cursor.

Each poll reads the listing newest first (following Reddit's `after` paging) until it meets
the cursor item, or an item older than the cursor when that item was deleted meanwhile, and
returns the new items oldest first. Unlike a `before=<cursor>` request (what praw's
`stream_generator` sends), this keeps working when the cursor item disappears from the
listing, and after a long downtime it pages back up to Reddit's 1,000-item listing limit
rather than seeing only the newest page. Items with the same creation second as the cursor
are returned again; the seen-items table filters them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bot.reddit_bot.convert import facts
from bot.reddit_bot.state import Cursor

MAX_BACKLOG = 1000  # Reddit listings end after about 1,000 items

Listing = Callable[[int], Iterable[Any]]  # limit -> items, newest first (praw paging)


@dataclass(frozen=True)
class Stream:
    """One watched listing: `submissions:<sub>` or `comments:<sub>`."""

    kind: str  # "submissions" or "comments"
    subreddit: str  # lower case

    @property
    def name(self) -> str:
        """The stream's key in the `stream_state` table."""
        return f"{self.kind}:{self.subreddit}"


def newest_cursor(listing: Listing) -> Cursor:
    """The starting cursor of a first run: the newest item, or an empty-stream cursor."""
    for item in listing(1):
        item_facts = facts(item)
        return Cursor(item_facts.fullname, item_facts.created_utc)
    return Cursor(None, 0.0)


def items_after(listing: Listing, cursor: Cursor, *, max_items: int = MAX_BACKLOG) -> list[Any]:
    """The items newer than `cursor`, oldest first.

    The whole read happens before anything is returned, so a failure on a later page raises
    and leaves the cursor where it was: the next poll reads the same items again.
    """
    newer: list[Any] = []
    for item in listing(max_items):
        item_facts = facts(item)
        if item_facts.fullname == cursor.fullname or item_facts.created_utc < cursor.created_utc:
            break
        newer.append(item)
    newer.reverse()
    return newer
