"""Watching a Discourse forum: page the latest posts back to the cursor, answer through the core.

`GET /posts.json` lists the forum's latest posts, newest first, 50 at a time; `before=<id>`
pages further back. The cursor (`latest`) is the highest post id up to which every post was
handled; the first poll starts from the newest post without answering older ones. Each
handled post is marked seen under its id and version, so repeats are skipped and an edit
still on the first page is read again; a post whose reply must be retried holds the cursor.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.conversation import Conversation
from bot.core.service import EvidenceService
from bot.discourse_bot.convert import PLATFORM, REGULAR_POST, seen_key
from bot.discourse_bot.outlet import TopicOutlet
from bot.discourse_bot.reporting import UNREADABLE
from bot.forums.api import ApiError
from bot.forums.polling import PollReport
from records.streams import Streams

log = logging.getLogger(__name__)

STREAM = "latest"
MAX_PAGES = 40  # a poll reads at most 2,000 posts back (after a long outage, the newest)
SEEN_KEPT = timedelta(days=30)
# What a post of an unexpected shape raises when it is read (a missing field, a wrong type).
MALFORMED = (LookupError, TypeError, ValueError, AttributeError)


class DiscourseBot:
    """Polls the forum's latest posts and answers them."""

    def __init__(
        self,
        service: EvidenceService,
        outlet: TopicOutlet,
        *,
        category_ids: list[int] | None = None,
    ) -> None:
        self._outlet = outlet
        self._streams = Streams(service.db, PLATFORM)
        self._categories = set(category_ids or [])
        self.conversation = Conversation(service, outlet, PLATFORM)
        service.add_self_id(outlet.username)

    def poll(self) -> PollReport:
        """Read the latest posts back to the cursor and answer them, oldest first."""
        report = PollReport()
        try:
            self._poll(report)
        except ApiError as exc:
            report.failures += 1
            log.warning("reading the latest posts: %s; trying again next poll", exc)
        self._streams.prune_seen(datetime.now(UTC) - SEEN_KEPT)
        return report

    def _poll(self, report: PollReport) -> None:
        cursor = self._streams.cursor(STREAM)
        posts = self._since(int(cursor) if cursor is not None else None)
        if cursor is None:
            newest = max((int(p["id"]) for p in posts), default=0)
            self._streams.save_cursor(STREAM, str(newest))
            log.info("watching from post %d on", newest)
            return
        blocked = False
        for data in sorted(posts, key=lambda p: int(p["id"])):
            post_id = int(data["id"])
            new = post_id > int(cursor)
            if self._streams.is_seen(seen_key(data)):
                continue
            if not new and not self._streams.is_seen(f"post:{post_id}"):
                continue  # an edit of a post from before the bot started
            report.posts += 1
            try:
                done = self._handle(data, report)
            except MALFORMED as exc:
                # One post that breaks its handling must not end the process nor hold the
                # stream: it is reported once and passed.
                self._outlet.report(UNREADABLE, target=str(data.get("id")),
                                    detail=f"handling it failed ({exc!r}); skipped")  # fmt: skip
                done = True
            blocked = blocked or not done
            if done:
                keys = [seen_key(data), f"post:{post_id}"]
                moved = str(post_id) if new and not blocked else None
                self._streams.mark_seen(keys, stream=STREAM, cursor=moved)

    def _since(self, cursor: int | None) -> list[dict[str, Any]]:
        """The latest posts back to the cursor (only the first page before any cursor)."""
        found: list[dict[str, Any]] = []
        before: int | None = None
        for _ in range(MAX_PAGES):
            page = self._outlet.latest(before)
            found.extend(page)
            if not page or cursor is None:
                break
            before = min(int(p["id"]) for p in page)
            if before <= cursor:
                break
        else:
            log.warning("more than %d posts since post %s: older ones are skipped",
                        len(found), cursor)  # fmt: skip
        for data in sorted(found, key=lambda p: int(p["id"])):
            self._outlet.remember(data)
        return found

    def _handle(self, data: dict[str, Any], report: PollReport) -> bool:
        """Answer one post; False when it must be read again (a reply to retry)."""
        if data.get("username") == self._outlet.username:
            return True
        if int(data.get("post_type") or REGULAR_POST) != REGULAR_POST:
            return True  # moderator actions, small actions and whispers
        if data.get("hidden") or data.get("deleted_at"):
            return True
        if self._categories and int(data.get("category_id") or 0) not in self._categories:
            return True
        try:
            post = self._outlet.as_post(data)
        except (KeyError, TypeError, ValueError) as exc:
            # One malformed post must not hold the stream back: report it, skip it.
            log.warning("post %s cannot be read (%r); skipped", data.get("id"), exc)
            return True
        handled = self.conversation.answer(
            post,
            is_moderator=lambda: self._outlet.is_moderator(post),
            replying_to=post.parent_id,
        )
        report.replies += int(handled.replied)
        return not handled.retry
