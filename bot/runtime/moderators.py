"""Who moderates each place: the platform's moderator list (a subreddit's, a Lemmy
community's), cached and refreshed, for every adapter whose platform keeps one.

Moderator commands are rare, but a list fetched once would miss a moderator added later, and
one fetched for every command costs a request each time. The cache keeps each list for
`ttl_seconds` and re-reads it early (at most once a minute) when a name is missing, so a new
moderator is recognised on their first try. When the platform cannot be asked, the last list is
used; with no list at all, nobody is treated as a moderator (fail closed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass

log = logging.getLogger(__name__)

DEFAULT_TTL_SECONDS = 600.0
MISSING_NAME_REFRESH_SECONDS = 60.0


@dataclass
class _Entry:
    names: frozenset[str]
    fetched_at: float


class ModeratorCache:
    """`is_moderator(place, user)` backed by a fetch function and a clock."""

    def __init__(
        self,
        fetch: Callable[[str], Iterable[str]],
        *,
        clock: Callable[[], float],
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        missing_refresh_seconds: float = MISSING_NAME_REFRESH_SECONDS,
    ) -> None:
        self._fetch = fetch
        self._clock = clock
        self._ttl = ttl_seconds
        self._missing_refresh = missing_refresh_seconds
        self._entries: dict[str, _Entry] = {}

    def is_moderator(self, subreddit: str, user: str | None) -> bool:
        """Whether `user` moderates `subreddit` (names or ids compare case-insensitively)."""
        if not user:
            return False
        key, name = subreddit.lower(), user.lower()
        entry = self._entries.get(key)
        age = None if entry is None else self._clock() - entry.fetched_at
        stale = entry is None or age is None or age >= self._ttl
        missing = entry is not None and name not in entry.names
        if stale or (missing and age is not None and age >= self._missing_refresh):
            entry = self._refresh(key) or entry
        return entry is not None and name in entry.names

    def forget(self, subreddit: str) -> None:
        """Drop the cached list, so the next check asks the platform again."""
        self._entries.pop(subreddit.lower(), None)

    def _refresh(self, key: str) -> _Entry | None:
        try:
            names = frozenset(name.lower() for name in self._fetch(key))
        except Exception as exc:  # any failure keeps the last known list
            log.warning("could not read the moderators of %s: %s", key, exc)
            return None
        entry = _Entry(names=names, fetched_at=self._clock())
        self._entries[key] = entry
        return entry
