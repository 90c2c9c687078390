"""Members of the groups whose members count as moderators, read with bounds.

`GET /groups/{name}/members.json?limit=&offset=` answers `members`, `owners` and `meta`
(`total`, `limit`, `offset`) (GroupsController#members; the OpenAPI description's group
members response). A server's `meta.total` is believed only as far as pages keep bringing
new names: reading stops at a page cap, an empty page or a page that repeats the previous
one, so a `total` of 10^9 costs a few requests, not thousands. A member without a username
is skipped. Names are compared case-folded, as Discourse does (`username_lower`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bot.errors import ApiError
from bot.forums.api import ApiClient

log = logging.getLogger(__name__)

CACHE_SECONDS = 600.0
PAGE = 200
MAX_PAGES = 25  # 5,000 members per group is far more than any moderator group holds


def fold(name: Any) -> str | None:
    """A username as Discourse compares it (case-folded), or None when it is not one."""
    return name.casefold() if isinstance(name, str) and name else None


class GroupMembers:
    """The case-folded usernames of the listed groups' members, cached for a while."""

    def __init__(
        self, client: ApiClient, groups: list[str], *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self._groups = groups
        self._clock = clock
        self._cached: tuple[frozenset[str], float] | None = None

    def names(self) -> frozenset[str]:
        """Every listed group's members (a group that cannot be read adds nobody)."""
        cached = self._cached
        if cached is not None and self._clock() - cached[1] < CACHE_SECONDS:
            return cached[0]
        names: set[str] = set()
        for group in self._groups:
            names.update(self._group(group))
        self._cached = (frozenset(names), self._clock())
        return self._cached[0]

    def _group(self, group: str) -> set[str]:
        names: set[str] = set()
        previous: frozenset[str] | None = None
        for page in range(MAX_PAGES):
            try:
                answer = self._client.get(
                    f"groups/{group}/members.json", limit=PAGE, offset=page * PAGE
                )
            except ApiError as exc:
                if exc.ambiguous:
                    raise
                log.warning("group %s cannot be read (%s)", group, exc)
                return names
            found = frozenset(_usernames(answer))
            if not found or found == previous:
                return names
            names.update(found)
            previous = found
            if (page + 1) * PAGE >= _total(answer):
                return names
        log.warning("group %s lists more than %d members; read the first ones",
                    group, MAX_PAGES * PAGE)  # fmt: skip
        return names


def _usernames(answer: dict[str, Any]) -> list[str]:
    """The folded names in a page's `members` and `owners` (items without one skipped)."""
    found: list[str] = []
    for key in ("members", "owners"):
        items = answer.get(key)
        for item in items if isinstance(items, list) else []:
            name = fold(item.get("username")) if isinstance(item, dict) else None
            if name is not None:
                found.append(name)
    return found


def _total(answer: dict[str, Any]) -> int:
    meta = answer.get("meta")
    total = meta.get("total") if isinstance(meta, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) else 0
