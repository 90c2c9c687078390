"""Reading a subreddit's new submissions or comments: cheap probes and overlapping sweeps.

Real listings are untidy: many items share one `created_utc` second and are not ordered by
id within it, and an item approved late from the mod queue (or indexed late) is listed below
newer ones. So reading stops not at the stored cursor but an overlap window before it, and
the seen-items table drops what was handled already.

Most polls find nothing new. They send a probe, `before=<newest handled item>&limit=25`,
whose empty answer is a few hundred bytes. A sweep (pages newest first back to the cursor's
time less the overlap, up to Reddit's 1,000-item listing limit) runs at a process's first
poll, every `sweep_seconds`, and when a probe comes back full. The sweep also recovers from
a cursor item that was deleted (a probe anchored on it answers nothing).

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
OVERLAP_SECONDS = 3600.0  # late items up to an hour behind the newest are still read
SWEEP_SECONDS = 600.0

# Fields an item must have (not null) for the bot to handle it.
_REQUIRED = {
    "t1": ("id", "created_utc", "author", "subreddit", "body", "link_id"),
    "t3": ("id", "created_utc", "author", "subreddit", "title"),
}


@dataclass(frozen=True)
class Stream:
    """One watched listing: `submissions:<sub>` or `comments:<sub>`."""

    kind: str  # "submissions" or "comments"
    subreddit: str  # lower case

    @property
    def name(self) -> str:
        """The stream's key in the `stream_state` table."""
        return f"{self.kind}:{self.subreddit}"

    @property
    def path(self) -> str:
        """The listing's API path."""
        return f"r/{self.subreddit}/{'new' if self.kind == 'submissions' else 'comments'}"


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
    on_bad: Callable[[str, str], None],
) -> list[ListedItem]:
    """Items newest first, back to the first one created before `since` (or the end).

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
        seen_children += page.size
        for key, reason in page.bad:
            on_bad(key, reason)
        for listed in page.items:
            if listed.facts.created_utc < since:
                return items
            items.append(listed)
        if not page.after or page.size == 0:
            break
        after = page.after
    return items


def probe(
    reader: ListingReader, stream: Stream, anchor: str, *, on_bad: Callable[[str, str], None]
) -> tuple[list[ListedItem], bool]:
    """Items listed above `anchor`, newest first, and whether the answer was a full page
    (then more may be there, and a sweep should follow)."""
    page = reader.page(stream, limit=PROBE_LIMIT, before=anchor)
    for key, reason in page.bad:
        on_bad(key, reason)
    return page.items, page.size >= PROBE_LIMIT


def _text_or_none(value: Any) -> str | None:
    return str(value) if value else None
