"""One Reddit item through the core: convert it and let the Conversation answer it.

Policy, commands and delivery (claim → send → confirm or release) live in the core; this
module adds what needs Reddit: skipping the bot's own and locked items, the moderator
list, Reddit's wording (a link to an earlier answer), and ban deferral.

While the bot is banned from a subreddit, or Reddit's RATELIMIT wait for it lasts, items
that would be answered are deferred, not dropped (the outlet's `SendFailed(defer=True)`, a
DEFERRED delivery): `retry_deferred` answers them once replies work again, or logs them as
not answered when they have waited `DEFER_MAX_SECONDS`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from bot.core.conversation import Conversation, Handled
from bot.core.delivery import Delivered
from bot.errors import TransientItemError
from bot.reddit_bot.convert import PERMALINK_BASE, PLATFORM, facts, to_post
from bot.reddit_bot.outlet import BANNED, RedditOutlet
from bot.runtime.moderators import ModeratorCache
from records.deferred_items import (
    defer_item,
    deferred_items,
    deferred_places,
    drop_deferred,
)
from records.models import Post
from records.replies import get_reply

__all__ = ["DEFER_MAX_SECONDS", "ItemHandler", "ItemResult", "TransientItemError"]

log = logging.getLogger(__name__)

DEFER_MAX_SECONDS = 24 * 3600.0
PARENT_GONE_TEXT = "The post or comment you replied to was deleted or removed, so I cannot card it."


@dataclass
class ItemResult:
    """What handling one item did, for the poll report and the tests."""

    replied: bool = False
    command: str | None = None


class RedditConversation(Conversation):
    """The core conversation in Reddit's words: comments, and links to earlier answers."""

    NOT_MINE_TEXT = "I can only remove my own comments: reply with this to one of them."

    def gone_text(self) -> str:
        return PARENT_GONE_TEXT

    def already_text(self, target: Post) -> str:
        record = get_reply(self.service.db, PLATFORM, target.message_id)
        text = "I have already answered that with its evidence cards"
        if record is None or not record.reply_id or not target.thread.startswith("t3_"):
            return f"{text}."
        link = f"{PERMALINK_BASE}/comments/{target.thread[3:]}/_/{record.reply_id[3:]}/"
        return f"{text}: {link}"


class ItemHandler:
    """Handles submissions and comments for one logged-in bot account."""

    def __init__(self, outlet: RedditOutlet, *, moderators: ModeratorCache) -> None:
        self._outlet = outlet
        self._moderators = moderators
        self._conversation = RedditConversation(
            outlet.service, outlet, PLATFORM, resume_uncertain=True
        )

    def handle(self, item: Any, *, edit: bool = False) -> ItemResult:
        """Answer one submission or comment as the core decides.

        `edit` is True when a handled item was edited since: it may get cards for studies
        it did not card before, but a command in it is not run a second time.
        """
        item_facts = facts(item)
        if (
            item_facts.author is None
            or item_facts.author.lower() == self._outlet.sender.bot_name.lower()
        ):
            return ItemResult()  # deleted, or the bot's own comment
        fullname = item_facts.fullname
        self._outlet.current = fullname
        post = to_post(item, bot_name=self._outlet.sender.bot_name)
        command = self._conversation.command_in(post)
        closed = item_facts.locked or item_facts.archived or item_facts.removed
        if (closed and command is None) or (edit and command is not None):
            return ItemResult()
        subreddit, author = item_facts.subreddit, item_facts.author
        handled = self._conversation.answer(
            post,
            is_moderator=lambda: self._moderators.is_moderator(subreddit, author),
            replying_to=post.parent_id,
        )
        if handled.delivery is not None and handled.delivery.status is Delivered.DEFERRED:
            self._defer(post.place, fullname, handled.delivery.reason or BANNED)
        if handled.retry:
            raise TransientItemError(f"{fullname}: {_retry_reason(handled)}")
        return ItemResult(replied=handled.replied, command=handled.command)

    def _defer(self, place: str, fullname: str, reason: str) -> None:
        """Keep the item for a reply once the subreddit takes them again."""
        defer_item(
            self._outlet.service.db,
            platform=PLATFORM,
            item_id=fullname,
            place=place,
            reason=reason,
            at=self._outlet.clock(),
        )
        log.info("deferred %s in r/%s: %s", fullname, place, reason)

    # -- deferred items ----------------------------------------------------------------

    def retry_deferred(self) -> int:
        """Answer deferred items where replies work again; give up those too old.

        Returns how many were answered. Raises TransientItemError (or a PrawcoreException)
        when Reddit fails meanwhile: the rest waits for the next poll.
        """
        answered = 0
        db = self._outlet.service.db
        for place in deferred_places(db, PLATFORM):
            if self._outlet.access.is_banned(place) or self._outlet.rate_limited(place):
                continue
            if self._outlet.access.recheck_due(place) and self._outlet.access.recheck(place):
                self._give_up_old(place)
                continue
            self._give_up_old(place)
            for waiting in deferred_items(db, PLATFORM, place):
                item = self._outlet.fetch(waiting.item_id)
                if item is not None:
                    answered += int(self.handle(item).replied)
                if self._outlet.access.is_banned(place) or self._outlet.rate_limited(place):
                    break  # refused again: the item keeps its place and its first time
                drop_deferred(db, PLATFORM, waiting.item_id)
        return answered

    def _give_up_old(self, place: str) -> None:
        now = self._outlet.clock()
        for waiting in deferred_items(self._outlet.service.db, PLATFORM, place):
            if now - waiting.deferred_at >= DEFER_MAX_SECONDS:
                log.warning(
                    "not answered: %s in r/%s waited %.0f h (%s)",
                    waiting.item_id,
                    place,
                    (now - waiting.deferred_at) / 3600,
                    waiting.reason,
                )
                drop_deferred(self._outlet.service.db, PLATFORM, waiting.item_id)


def _retry_reason(handled: Handled) -> str:
    if handled.failed is not None:
        return handled.failed
    if handled.delivery is not None:
        return handled.delivery.reason or handled.delivery.status.value
    return "claimed by an earlier process and never confirmed; waiting for its claim to expire"
