"""Reading every post after a cursor from Discourse, whatever the server and the posts.

`GET /posts.json` is the only listing of a forum's new posts, and it takes one parameter:
`before` (PostsController#latest permits nothing else; there is no page size). What a page
holds depends on the server's version:

- today (LatestPostsQuery): the 50 newest visible posts with `id < before`;
- older servers: the visible posts with `before - 50 < id <= before`, an id window that
  can come back empty behind a run of private messages, and whose `before` does not move
  when paged by the lowest id listed.

So the reader walks forward from the cursor in windows of ids: `before = low + WINDOW + 1`
lists every visible post in `(low, low + WINDOW]` on both kinds of server, whatever gaps
private messages and deleted posts leave. The newest page (no `before`) comes first: when it
reaches back to the cursor, that one request is the whole poll.

A page can be too large to read (members can fill posts with characters that cooked HTML
escapes six times over) and no smaller page can be asked for; then the window's posts are
read one by one (`GET /posts/{id}.json`, where a 403 or 404 is a post the bot may not see or
one deleted). A post that cannot be read even alone, or that lacks the fields every post
has, is skipped and reported once. Requests per poll are capped; what is left is read next
poll (the cursor never passes a post that was not listed), so a long outage is caught up
over several polls instead of being cut off.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.discourse_bot.convert import as_id
from bot.errors import ApiError, BadListing
from bot.forums.api import ApiClient

log = logging.getLogger(__name__)

Json = dict[str, Any]
WINDOW = 49  # ids per window: 50 newest below `before` (today) or 50 ids up to it (older)
MAX_PAGES = 40  # listing requests per poll
MAX_SINGLE_READS = 100  # single-post requests per poll (a window too large to list)
# Past the newest post found singly, this many missing ids in a row end the reading: a longer
# run of private messages waits until the newest page can be read again.
END_AFTER_MISSING = 20
HIDDEN_STATUSES = frozenset({403, 404, 410})  # a post the bot may not see, or deleted

# Reports a post (or answer) that was skipped: (key reported once, post id or None, why).
Skipped = Callable[[str, str | None, str], None]


@dataclass
class Listing:
    """The posts after a cursor, as far as one poll could read them.

    `posts`: readable posts with ids in `(cursor, covered]`, oldest first. `covered`: every
    visible post up to this id is in `posts` or was reported unreadable, so the cursor may
    move here once they are handled. `recent`: the newest page's posts at or below the
    cursor (an edit of a handled post shows there). `more`: posts after `covered` remain.
    """

    posts: list[Json] = field(default_factory=list)
    covered: int = 0
    recent: list[Json] = field(default_factory=list)
    more: bool = False


def readable(data: Any) -> Json | None:
    """A listed post with the fields every post has (ids as ints), or None when it lacks one."""
    if not isinstance(data, dict):
        return None
    ids = {key: as_id(data.get(key)) for key in ("id", "topic_id", "post_number")}
    if None in ids.values():
        return None
    for key in ("username", "raw"):
        if data.get(key) is not None and not isinstance(data.get(key), str):
            return None
    return {**data, **ids}


class PostReader:
    """Pages of the latest posts and single posts, read with caps and reported failures."""

    def __init__(self, client: ApiClient, *, skipped: Skipped) -> None:
        self._client = client
        self._skipped = skipped
        self._pages = 0
        self._singles = 0

    # -- one request ------------------------------------------------------------------------

    def page(self, before: int | None = None) -> list[Json]:
        """One page of `GET /posts.json`, newest first; malformed items skipped and reported.

        Raises `ApiError` (a page too large has `too_large`) or `BadListing`.
        """
        self._pages += 1
        params = {"before": before} if before is not None else {}
        try:
            answer = self._client.get("posts.json", **params)
        except ApiError as exc:
            if 200 <= exc.status < 300:  # a success that is not a JSON object
                raise BadListing(f"/posts.json answered something else than JSON ({exc})") from exc
            raise
        items = answer.get("latest_posts")
        if not isinstance(items, list):
            raise BadListing(
                f"/posts.json answered without a list of latest_posts ({_keys(answer)})"
            )
        posts = []
        for item in items:
            post = readable(item)
            if post is None:
                self._report_malformed(item)
            else:
                posts.append(post)
        return posts

    def one(self, post_id: int) -> Json | None:
        """`GET /posts/{id}.json`; None when the bot may not see it, it is gone or unreadable.

        Raises `ApiError` for failures that may pass (5xx, timeouts, rate limits).
        """
        self._singles += 1
        try:
            answer = self._client.get(f"posts/{post_id}.json")
        except ApiError as exc:
            if exc.status in HIDDEN_STATUSES:
                return None
            if exc.too_large or 200 <= exc.status < 300:
                self._skipped(f"post:{post_id}", str(post_id), f"cannot be read alone ({exc})")
                return None
            raise
        post = readable(answer)
        if post is None or post["id"] != post_id:
            self._report_malformed(answer, post_id)
            return None
        return post

    def newest_id(self) -> int | None:
        """The id of (about) the newest post, without listing any post's text.

        For a start while the newest page is too large to read: the most recently active
        topic of `/latest.json` (ordered by activity, pinned topics first) names its
        `highest_post_number`, and `/posts/by_number/{topic}/{number}.json` that post.
        """
        answer = self._client.get("latest.json")
        listed = answer.get("topic_list")
        topics = listed.get("topics") if isinstance(listed, dict) else None
        for item in topics if isinstance(topics, list) else []:
            if not isinstance(item, dict) or item.get("pinned") is True:
                continue
            topic, number = as_id(item.get("id")), as_id(item.get("highest_post_number"))
            if topic is None or number is None:
                continue
            try:
                post = readable(self._client.get(f"posts/by_number/{topic}/{number}.json"))
            except ApiError as exc:
                if not (exc.too_large or exc.status in HIDDEN_STATUSES):
                    raise
                continue
            if post is not None:
                return int(post["id"])
        return None

    # -- everything after a cursor ------------------------------------------------------------

    def since(self, cursor: int, *, max_pages: int = MAX_PAGES) -> Listing:
        """Every visible post after `cursor` that one poll can read (see the module's notes)."""
        self._pages = self._singles = 0
        listing = Listing(covered=cursor)
        try:
            top: list[Json] | None = self.page()
        except ApiError as exc:
            if not exc.too_large:
                raise
            log.warning("the latest posts are too large to list (%s); reading them by window", exc)
            top = None
        if top is not None:
            listing.recent = [p for p in top if p["id"] <= cursor]
            if top and min(p["id"] for p in top) <= cursor + 1:
                listing.posts = sorted((p for p in top if p["id"] > cursor), key=_id)
                listing.covered = max([cursor, *(p["id"] for p in top)])
                return listing
        frontier = min(p["id"] for p in top) if top else None
        self._windows(listing, frontier, max_pages)
        if top and frontier is not None and listing.covered >= frontier - 1:
            listing.posts.extend(sorted((p for p in top if p["id"] > listing.covered), key=_id))
            listing.covered = max(p["id"] for p in top)
            listing.more = False
        return listing

    def _windows(self, listing: Listing, frontier: int | None, max_pages: int) -> None:
        """Read windows of ids up to `frontier` (exclusive; None: as far as posts go)."""
        while frontier is None or listing.covered < frontier - 1:
            if self._pages >= max_pages or self._singles >= MAX_SINGLE_READS:
                listing.more = True
                log.info("read up to post %d this poll; the rest follows next poll",
                         listing.covered)  # fmt: skip
                return
            low = listing.covered
            high = low + WINDOW if frontier is None else min(low + WINDOW, frontier - 1)
            found, complete, ended = self._window(low, high, open_ended=frontier is None)
            listing.posts.extend(found)
            if frontier is not None:
                listing.covered = high if complete else max([low, *(p["id"] for p in found)])
            elif found:
                # Past the newest page nothing says which ids exist yet: only up to a post.
                listing.covered = max(p["id"] for p in found)
            if not complete or ended or (frontier is None and not found):
                listing.more = not complete
                return

    def _window(self, low: int, high: int, *, open_ended: bool) -> tuple[list[Json], bool, bool]:
        """The posts with ids in `(low, high]`; whether every id there was read; whether
        the newest post was met (reading singly, see `_one_by_one`)."""
        try:
            page = self.page(before=high + 1)
        except ApiError as exc:
            if not exc.too_large:
                raise
            return self._one_by_one(low, high, open_ended=open_ended)
        return sorted((p for p in page if low < p["id"] <= high), key=_id), True, False

    def _one_by_one(
        self, low: int, high: int, *, open_ended: bool
    ) -> tuple[list[Json], bool, bool]:
        """The window's posts read singly (its listing is too large to read).

        `open_ended`: no listing said where the newest post is, so a run of missing ids
        after the last post found is taken for the end (ids not given out yet).
        """
        found: list[Json] = []
        last = low
        for post_id in range(low + 1, high + 1):
            if open_ended and post_id - last > END_AFTER_MISSING:
                return found, True, True
            if self._singles >= MAX_SINGLE_READS:
                return found, False, False
            try:
                post = self.one(post_id)
            except ApiError as exc:
                log.warning("post %d cannot be read now (%s); trying again next poll", post_id, exc)
                return found, False, False
            if post is not None:
                found.append(post)
                last = post_id
        return found, True, False

    def _report_malformed(self, item: Any, post_id: int | None = None) -> None:
        known = as_id(item.get("id")) if isinstance(item, dict) else None
        shown = known or post_id
        version = item.get("version") if isinstance(item, dict) else None
        key = f"malformed:{shown}@{version}" if shown else f"malformed:{_keys(item)}"
        why = f"a post without the fields every post has ({_keys(item)}); skipped"
        self._skipped(key, str(shown) if shown else None, why)


def _id(post: Json) -> int:
    return int(post["id"])


def _keys(value: Any) -> str:
    """What an unexpected answer was, for the log (its keys, never its values)."""
    if isinstance(value, dict):
        return "keys: " + (", ".join(sorted(str(k) for k in value)[:12]) or "none")
    return type(value).__name__
