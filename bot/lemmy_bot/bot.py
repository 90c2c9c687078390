"""Watching Lemmy communities: their newest posts and comments, answered through the core.

Each community has two streams, `<community>:posts` and `<community>:comments`, read newest
first (`GET /post/list` and `GET /comment/list`, `sort=New`, `community_name=`) page by page
back to the cursor: the highest id up to which every item was handled. The first poll of a
stream starts from its newest item without answering older ones. Each handled item is marked
seen under its id and its `updated` time, so an edit still on the first page is read again;
an item whose reply must be retried holds the cursor, and later items wait behind it.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.conversation import Conversation
from bot.core.service import EvidenceService
from bot.errors import ApiError
from bot.forums.api import ApiClient
from bot.forums.polling import FinishedPrefix, PollReport, answered
from bot.lemmy_bot.convert import PLATFORM, is_gone, item_of, message_id, seen_key
from bot.lemmy_bot.outlet import LemmyOutlet
from records.streams import Streams

log = logging.getLogger(__name__)

PAGE = 50
MAX_PAGES = 10  # a long outage reads back 500 items a stream; older ones are history
SEEN_KEPT = timedelta(days=30)
LISTINGS = {"posts": ("post/list", "posts"), "comments": ("comment/list", "comments")}
# What an item of an unexpected shape raises when it is read (a missing field, a wrong type).
MALFORMED = (LookupError, TypeError, ValueError, AttributeError)


class LemmyBot:
    """Polls the communities' newest posts and comments and answers them."""

    def __init__(
        self,
        service: EvidenceService,
        client: ApiClient,
        outlet: LemmyOutlet,
        communities: list[str],
    ) -> None:
        self._client = client
        self._outlet = outlet
        self._communities = communities
        self._streams = Streams(service.db, PLATFORM)
        self.conversation = Conversation(service, outlet, PLATFORM)

    def poll(self) -> PollReport:
        """Read every watched stream once; a failed request fails its stream, not the poll."""
        report = PollReport()
        for community in self._communities:
            for kind in LISTINGS:
                try:
                    self._poll_stream(community, kind, report)
                except ApiError as exc:
                    report.failures += 1
                    log.warning(
                        "reading %s of %s: %s; trying again next poll", kind, community, exc
                    )
        self._streams.prune_seen(datetime.now(UTC) - SEEN_KEPT)
        return report

    def _read(self, community: str, kind: str, cursor: int | None) -> list[dict[str, Any]]:
        """The stream's views newer than the cursor (and the first page), oldest first."""
        path, key = LISTINGS[kind]
        views: dict[int, dict[str, Any]] = {}
        for page in range(1, MAX_PAGES + 1):
            answer = self._client.get(path, community_name=community, sort="New", type_="All",
                                      limit=PAGE, page=page)  # fmt: skip
            listed = answer.get(key)
            found = [v for v in listed if isinstance(v, dict)] if isinstance(listed, list) else []
            for view in found:
                try:
                    views[int(item_of(view)["id"])] = view
                except MALFORMED:
                    log.warning("a %s listing item of %s has no id; skipped", kind, community)
            older = [n for n in views if cursor is not None and n <= cursor]
            if cursor is None or older or len(found) < PAGE:
                break
        return [views[n] for n in sorted(views)]

    def _poll_stream(self, community: str, kind: str, report: PollReport) -> None:
        stream = f"{community}:{kind}"
        saved = self._streams.cursor(stream)
        cursor = int(saved) if saved is not None and saved.isdigit() else None
        views = self._read(community, kind, cursor)
        if cursor is None:
            newest = max((int(item_of(v)["id"]) for v in views), default=0)
            self._streams.save_cursor(stream, str(newest))
            log.info("watching %s of %s from id %d on", kind, community, newest)
            return
        prefix = FinishedPrefix(cursor)
        for view in views:
            number = int(item_of(view)["id"])
            if self._streams.is_seen(seen_key(view)):
                prefix.finish(number)
            elif number <= cursor and not self._streams.is_seen(message_id(view)):
                continue  # older than the watch: history, unless it is an edit of ours
            elif not self._answer(view, report):
                prefix.hold()
            else:
                self._streams.mark_seen([seen_key(view), message_id(view)], stream=stream,
                                        cursor=prefix.finish(number))  # fmt: skip

    def _answer(self, view: dict[str, Any], report: PollReport) -> bool:
        """Answer one item; False when it must be read again (a reply to retry)."""
        report.posts += 1
        try:
            if self._outlet.is_self(view) or is_gone(view):
                return True
            post = self._outlet.as_post(view)
        except MALFORMED as exc:
            log.warning("an item of an unexpected shape (%r); skipped", exc)
            return True
        return answered(self.conversation, post, report, replying_to=post.parent_id,
                        is_moderator=lambda: self._outlet.is_moderator(post))  # fmt: skip
