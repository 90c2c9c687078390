"""A subreddit's first poll, and asking Reddit whether a subreddit can be read.

A subreddit the bot has never read (a first run, or one added to the settings later) starts
on its own listing before it joins the combined one: what it already lists, back through
the last hour, is marked seen without being answered, and its cursor records where that
read ended (the floor), so no later sweep answers anything that was there before.

Cursors stored before floors existed get one the first time they are used: the first run
then had marked one hour seen, so the floor is an hour before the cursor's item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import praw
from prawcore.exceptions import PrawcoreException

from bot.reddit_bot.health import unreadable_reason
from bot.reddit_bot.state import Cursor, StreamState
from bot.reddit_bot.streams import ListedItem, ListingReader, Stream, member_key, sweep

START_PAGE = 5  # items read first, to find the newest readable one
LEGACY_OVERLAP_SECONDS = 3600.0  # what a first run marked seen before floors existed


def start_subreddit(
    reader: ListingReader,
    state: StreamState,
    kind: str,
    subreddit: str,
    *,
    lookback_seconds: float,
    on_bad: Callable[[str, str], None],
) -> None:
    """Mark what `subreddit` lists now as seen and store its starting cursor.

    Raises what the listing raises (a PrawcoreException, or ValueError when none of its
    newest items can be read); nothing is stored then.
    """
    stream = Stream(kind, (subreddit,))
    page = reader.page(stream, limit=START_PAGE)
    if page.size and not page.items:
        # A damaged newest item must not make the listing look empty (then everything
        # listed later would count as new).
        raise ValueError(f"{stream.name}: none of the newest items can be read")
    if not page.items:
        # Empty: everything listed later is new (a floor of 0 says so, unlike a cursor
        # stored before floors existed).
        state.start(member_key(kind, subreddit), Cursor(None, 0.0, floor=0.0))
        return
    top = page.items[0].facts
    there = sweep(reader, stream, top.created_utc - lookback_seconds, on_bad=on_bad)
    state.mark_many_seen([key for listed in there for key in seen_keys(listed)])
    floor = min((x.facts.created_utc for x in there), default=top.created_utc)
    state.start(member_key(kind, subreddit), Cursor(top.fullname, top.created_utc, floor))


def cursor_with_floor(state: StreamState, key: str) -> Cursor | None:
    """The stored cursor of `key`, given a floor (and stored) if it was stored without one."""
    cursor = state.cursor(key)
    if cursor is None or cursor.floor is not None or cursor.fullname is None:
        return cursor
    cursor = Cursor(
        cursor.fullname, cursor.created_utc, cursor.created_utc - LEGACY_OVERLAP_SECONDS
    )
    state.start(key, cursor)
    return cursor


def seen_keys(listed: ListedItem) -> list[str]:
    """The seen marks of an item as listed: its fullname, and its edit when edited."""
    keys = [listed.facts.fullname]
    if listed.facts.edited:
        keys.append(edit_key(listed))
    return keys


def edit_key(listed: ListedItem) -> str:
    """The seen mark of one edit of an item: its fullname and Reddit's `edited` time."""
    return f"{listed.facts.fullname}@edited:{listed.facts.edited:.0f}"


def about_unreadable(reddit: praw.Reddit, subreddit: str) -> str | None:
    """Why `subreddit` cannot be read (from its about page), None when it can.

    Raises a PrawcoreException for a failure that may pass (5xx, timeout).
    """
    try:
        answer: Any = reddit.request(method="GET", path=f"r/{subreddit}/about")
    except PrawcoreException as exc:
        reason = unreadable_reason(exc)
        if reason is None:
            raise
        return reason
    data = answer.get("data") if isinstance(answer, dict) else None
    if isinstance(data, dict) and data.get("subreddit_type") == "private":
        return "private or quarantined (403)"
    return None
