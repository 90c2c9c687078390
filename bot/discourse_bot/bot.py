"""Watching a Discourse forum: read every post after the cursor, answer through the core.

`bot.discourse_bot.listing` reads the posts after the cursor (the newest page, then windows
of ids from the cursor on, single posts where a page is too large to read). The cursor
(`latest`) is the highest post id up to which every post was handled or reported; the first
poll starts from the newest post without answering older ones. Each handled post is marked
seen under its id and version, so repeats are skipped and an edit still on the newest page is
read again; a post whose reply must be retried holds the cursor.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.conversation import Conversation
from bot.core.service import EvidenceService
from bot.discourse_bot.convert import PLATFORM, REGULAR_POST, seen_key
from bot.discourse_bot.listing import Listing
from bot.discourse_bot.outlet import TopicOutlet
from bot.discourse_bot.reporting import UNREADABLE
from bot.errors import ApiError, BadListing
from bot.forums.polling import FinishedPrefix, PollReport, answered
from records.streams import Streams
from records.wording import counted

log = logging.getLogger(__name__)

STREAM = "latest"
SEEN_KEPT = timedelta(days=30)
MAX_BACKOFF_POLLS = 16
# What a post of an unexpected shape raises when it is read (a missing field, a wrong type).
MALFORMED = (LookupError, TypeError, ValueError, AttributeError)


class DiscourseBot:
    """Polls the forum's latest posts and answers them."""

    def __init__(self, service: EvidenceService, outlet: TopicOutlet) -> None:
        self._outlet = outlet
        self._streams = Streams(service.db, PLATFORM)
        self.conversation = Conversation(service, outlet, PLATFORM)
        service.add_self_id(outlet.username)
        self._bad_answers = 0  # answers of the wrong shape in a row
        self._skip = 0  # polls left out before the next try

    def poll(self) -> PollReport:
        """Read the posts after the cursor and answer them, oldest first.

        A failed request fails the poll, never the process: the next poll tries again; after
        an answer of the wrong shape the bot waits 1, 2, 4 … (at most 16) polls first.
        """
        report = PollReport()
        if self._skip > 0:
            self._skip -= 1
            return report
        try:
            self._poll(report)
        except ApiError as exc:
            report.failures += 1
            log.warning("reading the latest posts: %s; trying again next poll", exc)
        except BadListing as exc:
            report.failures += 1
            self._bad_answers += 1
            self._skip = min(2 ** (self._bad_answers - 1), MAX_BACKOFF_POLLS)
            log.warning("%s; trying again in %s", exc, counted(self._skip + 1, "poll"))
        else:
            self._bad_answers = 0
        self._streams.prune_seen(datetime.now(UTC) - SEEN_KEPT)
        return report

    def _poll(self, report: PollReport) -> None:
        cursor = self._streams.cursor(STREAM)
        if cursor is None or not cursor.isdigit():
            self._start()
            return
        listing = self._outlet.reader.since(int(cursor))
        for data in listing.recent:
            self._outlet.remember(data)
            if not self._streams.is_seen(seen_key(data)) and self._streams.is_seen(
                f"post:{data['id']}"
            ):
                self._answer(data, report)  # an edit of a post handled before
        self._answer_new(listing, int(cursor), report)

    def _start(self) -> None:
        """The first poll: watch from the newest listed post on (older ones are history)."""
        reader = self._outlet.reader
        try:
            page = reader.page()
            newest = max((p["id"] for p in page), default=None)
        except ApiError as exc:
            if not exc.too_large:
                raise
            newest = reader.newest_id()  # the newest posts are too large to list now
        if newest is None:
            log.info("no post is listed yet; watching starts with the first one")
            return
        self._streams.save_cursor(STREAM, str(newest))
        log.info("watching from post %d on", newest)

    def _answer_new(self, listing: Listing, cursor: int, report: PollReport) -> None:
        """Answer the posts after the cursor, oldest first, moving the cursor behind them."""
        for data in listing.posts:
            self._outlet.remember(data)
        prefix = FinishedPrefix(cursor)
        for data in listing.posts:
            if self._streams.is_seen(seen_key(data)):
                prefix.finish(data["id"])
            elif not self._answer(data, report):
                prefix.hold()
            else:
                self._streams.mark_seen([seen_key(data), f"post:{data['id']}"], stream=STREAM,
                                        cursor=prefix.finish(data["id"]))  # fmt: skip
        if not prefix.blocked and listing.covered > prefix.position:
            self._streams.save_cursor(STREAM, str(listing.covered))

    def _answer(self, data: dict[str, Any], report: PollReport) -> bool:
        """Answer one post; False when it must be read again (a reply to retry)."""
        report.posts += 1
        try:
            return self._handle(data, report)
        except MALFORMED as exc:
            # One post that breaks its handling must not end the process nor hold the
            # stream: it is reported once and passed.
            self._outlet.report.once(f"failed:{seen_key(data)}", UNREADABLE,
                                     target=str(data.get("id")),
                                     detail=f"handling it failed ({exc!r}); skipped")  # fmt: skip
            return True

    def _handle(self, data: dict[str, Any], report: PollReport) -> bool:
        """Answer one post; False when it must be read again (a reply to retry)."""
        if self._outlet.is_self(data):
            return True
        if int(data.get("post_type") or REGULAR_POST) != REGULAR_POST:
            return True  # moderator actions, small actions and whispers
        if data.get("hidden") or data.get("deleted_at"):
            return True
        if not self._outlet.watched(data):
            return True
        post = self._outlet.as_post(data)
        return answered(self.conversation, post, report, replying_to=post.parent_id,
                        is_moderator=lambda: self._outlet.is_moderator(post))  # fmt: skip
