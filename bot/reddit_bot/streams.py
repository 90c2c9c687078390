"""Reading Reddit listings: combined listings of many subreddits, probes and sweeps.

One listing serves every watched subreddit: `/r/a+b+c/new` (submissions) and
`/r/a+b+c/comments`, so the requests a poll makes do not grow with the number of
subreddits. Reddit drops names it does not know from such a path, and lists nothing of a
subreddit the account cannot see (reddit's own source, r2 `set_subreddit` and
`MultiReddit.kept_sr_ids`); a path left with one known subreddit is that subreddit's
listing, with its 403 or 404.

Real listings are untidy: many items share one `created_utc` second and are not ordered by
id within it (praw's cassette `TestSubredditStreams.test_comments` lists t1_dbhn10g above
t1_dbhn10h in one second), an item approved late from the mod queue (or indexed late) is
listed below newer ones by its creation time, and an item removed by a moderator or
AutoModerator leaves the listing. So reading stops not at the newest handled item but a
look-back window before it, and the seen-items table drops what was handled already.

Most polls find nothing new; they send a probe (see `reading`). A sweep reads pages newest
first back to the look-back window, up to Reddit's 1,000-item listing end.

Listings are fetched as JSON and each child is turned into a praw object on its own, so one
unparseable item (an `author` of null, a missing field) is skipped and reported instead of
failing the whole page.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import praw
from praw.models import Comment, Submission

from bot.reddit_bot.convert import ItemFacts, facts

log = logging.getLogger(__name__)

MAX_BACKLOG = 1000  # Reddit listings end after about 1,000 items
PAGE_SIZE = 100  # Reddit's largest listing page
PROBE_LIMIT = 25
# Items approved from the mod queue hours late (AutoModerator holds new accounts' posts in
# many health subreddits) are still answered when they are up to a day late.
LOOKBACK_SECONDS = 24 * 3600.0
SWEEP_SECONDS = 600.0

# Fields an item must have (not null) for the bot to handle it.
_REQUIRED = {
    "t1": ("id", "created_utc", "author", "subreddit", "body", "link_id"),
    "t3": ("id", "created_utc", "author", "subreddit", "title"),
}


def member_key(kind: str, subreddit: str) -> str:
    """One subreddit's key in the `stream_state` table: `submissions:<sub>`."""
    return f"{kind}:{subreddit.lower()}"


@dataclass(frozen=True)
class Stream:
    """One listing: new submissions or comments of one or more subreddits (lower case)."""

    kind: str  # "submissions" or "comments"
    subreddits: tuple[str, ...]

    @property
    def name(self) -> str:
        """A name for logs: `submissions:a+b+c`."""
        return f"{self.kind}:{'+'.join(self.subreddits)}"

    @property
    def path(self) -> str:
        """The listing's API path."""
        listing = "new" if self.kind == "submissions" else "comments"
        return f"r/{'+'.join(self.subreddits)}/{listing}"


@dataclass(frozen=True)
class ListedItem:
    """A parsed item of a listing: the praw object and what the bot needs to know of it."""

    item: Any
    facts: ItemFacts


@dataclass
class Page:
    """One listing page, newest first; `bad` holds (key, reason) of unparseable children."""

    items: list[ListedItem]
    after: str | None
    size: int  # children in the answer, parseable or not
    bad: list[tuple[str, str]] = field(default_factory=list)


class ListingReader:
    """Fetches listing pages through praw's request path (auth, rate limit, errors)."""

    def __init__(self, reddit: praw.Reddit) -> None:
        self._reddit = reddit

    def page(self, stream: Stream, **params: str | int) -> Page:
        """One page; raises a PrawcoreException, or ValueError for an answer not a listing."""
        answer: Any = self._reddit.request(method="GET", path=stream.path, params=dict(params))
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(answer, dict) or answer.get("kind") != "Listing" or not data:
            raise ValueError(f"{stream.name}: the answer is not a listing")
        children = data.get("children")
        if not isinstance(children, list):
            raise ValueError(f"{stream.name}: the listing has no children")
        page = Page(items=[], after=_text_or_none(data.get("after")), size=len(children))
        for child in children:
            parsed = self._parse(child)
            if isinstance(parsed, ListedItem):
                page.items.append(parsed)
            else:
                page.bad.append(parsed)
        return page

    def _parse(self, child: Any) -> ListedItem | tuple[str, str]:
        """The child as a ListedItem, or (its key, why it cannot be read)."""
        kind = child.get("kind") if isinstance(child, dict) else None
        data = child.get("data") if isinstance(child, dict) else None
        if kind not in _REQUIRED or not isinstance(data, dict):
            return repr(child)[:80], "not a comment or submission"
        key = str(data.get("name") or f"{kind}_{data.get('id')}")
        missing = [name for name in _REQUIRED[kind] if data.get(name) is None]
        if missing:
            return key, f"missing {', '.join(missing)}"
        created = data["created_utc"]
        if isinstance(created, bool) or not isinstance(created, int | float):
            return key, f"created_utc is {created!r}"
        if not math.isfinite(float(created)):
            return key, f"created_utc is {created!r}"
        try:
            model = Comment if kind == "t1" else Submission
            item = model(self._reddit, _data=dict(data))
            return ListedItem(item, facts(item))
        except Exception as exc:  # praw refused the data; one item must not stop the stream
            return key, f"{type(exc).__name__}: {exc}"


def sweep(
    reader: ListingReader,
    stream: Stream,
    since: float,
    *,
    max_items: int = MAX_BACKLOG,
    stop_below: float | None = None,
    on_bad: Callable[[str, str], None],
    on_top: Callable[[list[ListedItem]], None] | None = None,
) -> list[ListedItem]:
    """Items newest first, back to the first one created before `since` (or the end).

    With `stop_below`, no further page is read once a page reached an item created before
    that time (the rest of that page, back to `since`, is still returned). `on_top` is
    given the first page's items, however old.

    The whole read happens before anything is returned, so a failure on a later page raises
    and nothing is handled: the next poll reads the same items again.
    """
    items: list[ListedItem] = []
    after: str | None = None
    seen_children = 0
    while seen_children < max_items:
        params: dict[str, str | int] = {"limit": PAGE_SIZE}
        if after:
            params["after"] = after
        page = reader.page(stream, **params)
        if on_top is not None and after is None:
            on_top(page.items)
        seen_children += page.size
        for key, reason in page.bad:
            on_bad(key, reason)
        for listed in page.items:
            if listed.facts.created_utc < since:
                return items
            items.append(listed)
        if not page.after or page.size == 0:
            break
        if stop_below is not None and items and items[-1].facts.created_utc < stop_below:
            break
        after = page.after
    return items


def _text_or_none(value: Any) -> str | None:
    return str(value) if value else None
