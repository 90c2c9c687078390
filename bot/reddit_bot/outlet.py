"""The Reddit Outlet: replies are comments, found again in the bot's own recent comments.

`send` maps what Reddit answered (see `sending`) to what `deliver` needs: a comment that
exists is sent; a server error or timeout whose comment the bot's history cannot rule out
is "maybe sent" (the claim is kept); a rate limit outlasting the waits or a failure is
released for a retry; a locked, archived or deleted target is final. A 403 is about that
item (locked) unless the subreddit says the bot is banned (see `access`): then replies in
the subreddit wait, and the item being handled is deferred (`SendFailed(defer=True)`).

A RATELIMIT answer longer than a few seconds ("Take a break for 6 minutes") is handled the
same way, for that subreddit and for the time Reddit named: the reply is deferred, further
replies there are deferred without asking Reddit, and reading goes on meanwhile. Reddit
counts this limit per subreddit for most accounts (karma in that subreddit), so the other
subreddits keep being answered; where it is account-wide, each of them costs one refused
request before it waits too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import Any

from prawcore.exceptions import Forbidden, PrawcoreException

from bot.core.service import EvidenceService, ReplyPlan
from bot.errors import SendFailed, TransientItemError
from bot.reddit_bot.access import SubredditAccess
from bot.reddit_bot.convert import PLATFORM, facts, to_post
from bot.reddit_bot.sending import ReplySender
from records.models import Post
from records.modlog import log_action

log = logging.getLogger(__name__)

BANNED = "banned from the subreddit"
RATE_LIMITED = "rate limited by Reddit"


def comment_fullname(thing_id: str) -> str:
    """A fullname for an id given by a member: a bare base36 id names a comment."""
    return thing_id if "_" in thing_id else f"t1_{thing_id}"


@dataclass
class RedditOutlet:
    """Posts, finds, deletes and reads comments as the bot's account (the sender's)."""

    sender: ReplySender
    service: EvidenceService
    _: KW_ONLY
    access: SubredditAccess
    clock: Callable[[], float]
    # The item being handled: only a reply to it is deferred while the bot is banned
    # (a command acting on another item has taken effect and is not run again).
    current: str = ""
    # Subreddit -> when Reddit takes comments there again (after a RATELIMIT answer).
    _held_until: dict[str, float] = field(default_factory=dict, init=False, repr=False)

    def send(self, to: Post, plan: ReplyPlan) -> str:
        """Comment `plan` under `to`; the new comment's fullname ("" when Reddit hid it)."""
        if self.access.is_banned(to.place):
            raise self._refused(to, BANNED)
        if self.rate_limited(to.place):
            raise self._refused(to, RATE_LIMITED)
        try:
            return self.sender.reply(to, plan.markdown())
        except Forbidden:
            reason = self.access.after_refusal(to.place, to.thread)
            if reason is None:
                log.info(
                    "not answered: Reddit refused the reply to %s (403: locked)", to.message_id
                )
                raise SendFailed("403: locked", final=True) from None
            self._mark_banned(to.place, reason)
            raise self._refused(to, BANNED) from None
        except SendFailed as failed:
            if failed.retry_after is None:
                raise
            self._held_until[to.place] = self.clock() + failed.retry_after
            log.info(
                "r/%s: Reddit asks to wait %.0f s before commenting (%s); replies there are "
                "deferred meanwhile",
                to.place,
                failed.retry_after,
                failed.reason,
            )
            raise self._refused(to, RATE_LIMITED) from None

    def rate_limited(self, place: str) -> bool:
        """True while Reddit's RATELIMIT wait for comments in `place` lasts."""
        until = self._held_until.get(place)
        if until is None:
            return False
        if self.clock() >= until:
            del self._held_until[place]
            return False
        return True

    def _refused(self, to: Post, reason: str) -> SendFailed:
        """The place takes no replies for now: defer the item being handled."""
        if to.message_id == self.current:
            return SendFailed(reason, defer=True)
        log.info("not answered: %s in r/%s (%s)", self.current, to.place, reason)
        return SendFailed(reason, final=True)

    def _mark_banned(self, place: str, reason: str) -> None:
        """Tell the log and the mod-log that a subreddit bans the bot (it is re-checked)."""
        log.warning("banned from r/%s (%s): replies there wait for a re-check", place, reason)
        log_action(
            self.service.db,
            platform=PLATFORM,
            place=place,
            actor=self.sender.bot_name,
            action="banned",
            detail=reason,
        )

    def find_reply(self, to: Post) -> str | None:
        """The bot's comment under `to` among its recent comments."""
        return self.sender.find_reply(to)

    def delete(self, reply_id: str) -> None:
        """Delete one of the bot's comments."""
        self.sender.delete(comment_fullname(reply_id))

    def fetch_post(self, message_id: str) -> Post | None:
        """The submission or comment as a Post, or None when it is gone (deleted, removed)."""
        thing = self.fetch(comment_fullname(message_id))
        if thing is None or facts(thing).removed:
            return None
        return to_post(thing, bot_name=self.sender.bot_name)

    def fetch(self, fullname: str | None) -> Any | None:
        """One submission or comment by fullname through /api/info, or None if unknown."""
        if not fullname:
            return None
        try:
            return next(iter(self.sender.reddit.info(fullnames=[fullname])), None)
        except PrawcoreException as exc:
            raise TransientItemError(f"fetching {fullname}: {type(exc).__name__}") from exc
