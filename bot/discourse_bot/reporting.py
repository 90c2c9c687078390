"""Telling moderators what the Discourse bot could not do the ordinary way.

A reply held for review, a post the API would not give us readably, a run of posts left
unread: each is logged as a warning and written once to the mod-log (`records.modlog`),
where moderators look, with the bot's user name as the actor.
"""

from __future__ import annotations

import logging

from bot.discourse_bot.convert import PLATFORM
from records.db import Database
from records.modlog import log_action
from records.streams import Streams

log = logging.getLogger(__name__)

HELD = "reply held for review"
UNREADABLE = "post not read"
SKIPPED = "posts not read"


class ModReport:
    """Writes one mod-log entry (and a warning) per event, as the bot's user."""

    def __init__(self, db: Database, actor: str) -> None:
        self._db = db
        self._actor = actor
        self._reported = Streams(db, PLATFORM)

    def __call__(
        self, action: str, *, place: str | None = None, target: str | None = None, detail: str
    ) -> None:
        log.warning("%s%s: %s", action, f" ({target})" if target else "", detail)
        log_action(self._db, platform=PLATFORM, place=place, actor=self._actor, action=action,
                   target=target, detail=detail[:500])  # fmt: skip

    def once(
        self,
        key: str,
        action: str,
        *,
        place: str | None = None,
        target: str | None = None,
        detail: str,
    ) -> None:
        """Report an event only the first time `key` is met (a post listed poll after poll)."""
        mark = f"reported:{key}"
        if self._reported.is_seen(mark):
            return
        self(action, place=place, target=target, detail=detail)
        self._reported.mark_seen([mark])
