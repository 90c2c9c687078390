"""Whether the bot may comment in a subreddit: asked of Reddit, not guessed from one 403.

Reddit answers 403 to a reply under a locked post or comment, and to an account banned from
the subreddit. One 403 is therefore about that item. The subreddit counts as banning the
bot only when its about page says so (`user_is_banned`), or when replies in several
different threads were refused within an hour. A ban is re-checked later, and lifts as
soon as the about page no longer says it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

import praw
from prawcore.exceptions import PrawcoreException

log = logging.getLogger(__name__)

BAN_RECHECK_SECONDS = 3600.0
THREADS_FOR_BAN = 3  # 403s in this many different threads mean a ban, whatever about says
REFUSAL_WINDOW_SECONDS = 3600.0


@dataclass
class SubredditAccess:
    """Ban state per subreddit (lower-case name), from about pages and refused replies."""

    reddit: praw.Reddit
    _: KW_ONLY
    clock: Callable[[], float]
    recheck_seconds: float = BAN_RECHECK_SECONDS
    threads_for_ban: int = THREADS_FOR_BAN
    _banned_until: dict[str, float] = field(default_factory=dict, init=False)
    # Place -> thread -> when a reply there was refused.
    _refusals: dict[str, dict[str, float]] = field(default_factory=dict, init=False)

    def is_banned(self, place: str) -> bool:
        """True while a ban is known and not yet due for its re-check."""
        until = self._banned_until.get(place)
        return until is not None and self.clock() < until

    def recheck_due(self, place: str) -> bool:
        """True when a known ban should be asked about again."""
        until = self._banned_until.get(place)
        return until is not None and self.clock() >= until

    def after_refusal(self, place: str, thread: str) -> str | None:
        """A reply in `thread` was refused with 403: the reason it is a ban, or None.

        None means the refusal is about that item (a locked post or comment).
        """
        now = self.clock()
        threads = self._refusals.setdefault(place, {})
        threads[thread] = now
        for old in [t for t, at in threads.items() if now - at > REFUSAL_WINDOW_SECONDS]:
            del threads[old]
        reason = None
        if self.about_says_banned(place):
            reason = f"r/{place} says the bot account is banned (user_is_banned)"
        elif len(threads) >= self.threads_for_ban:
            reason = f"replies in {len(threads)} different threads were refused with 403"
        if reason is not None:
            self._banned_until[place] = now + self.recheck_seconds
        return reason

    def recheck(self, place: str) -> bool:
        """Ask Reddit again about a known ban; True while it still holds."""
        if self.about_says_banned(place) is False:
            self._banned_until.pop(place, None)
            self._refusals.pop(place, None)
            log.info("r/%s no longer bans the bot: replying there again", place)
            return False
        self._banned_until[place] = self.clock() + self.recheck_seconds
        return True

    def about_says_banned(self, place: str) -> bool | None:
        """`user_is_banned` from the subreddit's about page; None when it cannot be read."""
        try:
            about: Any = self.reddit.request(method="GET", path=f"r/{place}/about")
        except PrawcoreException as exc:
            log.warning("could not read r/%s/about: %s", place, type(exc).__name__)
            return None
        data = about.get("data") if isinstance(about, dict) else None
        if not isinstance(data, dict) or "user_is_banned" not in data:
            return None
        return bool(data["user_is_banned"])
