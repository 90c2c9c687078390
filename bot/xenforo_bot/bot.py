"""Watching XenForo forums: poll each node's threads, read new posts, answer through the core.

Each forum (node) has a start mark (`node:<id>`, the time the bot first saw it: older posts
are never answered) and each thread a cursor (`thread:<id>`, the highest post id up to which
every post was handled). A poll lists the node's threads (most recently active first, as
XenForo orders them) and reads, from the last page backwards, the threads with posts past
their cursor, plus the last page of threads active within the edit window, since editing a
post does not bump its thread. Every handled post is marked seen under its id and edit
date, so a repeat is skipped and an edit is read again; a post whose reply must be retried
holds its thread's cursor back, so the next poll reads it again.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.core.conversation import Conversation
from bot.core.service import EvidenceService
from bot.forums.api import ApiClient, ApiError
from bot.forums.polling import PollReport
from bot.xenforo_bot.convert import PLATFORM, seen_key, to_post
from bot.xenforo_bot.outlet import ForumOutlet
from records.streams import Streams

log = logging.getLogger(__name__)

DEFAULT_PER_PAGE = 20  # XenForo's default "messages per page"
MAX_THREAD_PAGES = 10
SEEN_KEPT = timedelta(days=30)


class XenForoBot:
    """Polls the configured forums and answers their posts."""

    def __init__(
        self,
        client: ApiClient,
        service: EvidenceService,
        outlet: ForumOutlet,
        *,
        node_ids: list[int],
        edit_window_seconds: float = 3600.0,
        edit_check_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._client = client
        self._outlet = outlet
        self._streams = Streams(service.db, PLATFORM)
        self._nodes = node_ids
        self._edit_window = edit_window_seconds
        self._edit_check = edit_check_seconds
        self._edits_checked: dict[str, float] = {}
        self._clock = clock
        self._per_page = DEFAULT_PER_PAGE
        self.conversation = Conversation(service, outlet, PLATFORM)
        service.add_self_id(outlet.bot_user_id)

    def poll(self) -> PollReport:
        """Read every node once; a node that fails is reported and the others go on."""
        report = PollReport()
        for node in self._nodes:
            try:
                self._poll_node(node, report)
            except ApiError as exc:
                report.failures += 1
                log.warning("forum %s: %s; trying again next poll", node, exc)
        self._streams.prune_seen(datetime.now(UTC) - SEEN_KEPT)
        return report

    def _poll_node(self, node: int, report: PollReport) -> None:
        start = self._streams.cursor(f"node:{node}")
        listed = self._streams.cursor(f"listed:{node}")
        threads = self._active_threads(node, int(listed or start or 0) if start else None)
        if start is None:
            self._start_node(node, threads)
            return
        pending: list[int] = []
        for thread in threads:
            thread_id = str(thread["thread_id"])
            self._outlet.thread_nodes[thread_id] = node
            cursor = self._streams.cursor(f"thread:{thread_id}")
            after = int(cursor) if cursor is not None else None
            fresh = after is None or int(thread.get("last_post_id") or 0) > after
            if fresh:  # its last page is read now, which is also the check for edits
                self._edits_checked[thread_id] = self._clock()
            if (fresh or self._edit_check_due(thread)) and not self._read_thread(
                thread, node, after, since=int(start), report=report
            ):
                pending.append(int(thread.get("last_post_date") or 0))
        dates = [int(t.get("last_post_date") or 0) for t in threads]
        # Next time, list threads back to here: the oldest one still unfinished, or the newest.
        mark = min(pending) - 1 if pending else max(dates, default=int(listed or 0))
        self._streams.save_cursor(f"listed:{node}", str(mark))

    def _edit_check_due(self, thread: dict[str, Any]) -> bool:
        """Whether to re-read a recently active thread's last page for edits now.

        Edits do not bump a thread, so threads active within the edit window are re-read,
        but each at most every `edit_check_seconds`: an idle poll stays a few requests.
        """
        now = self._clock()
        if int(thread.get("last_post_date") or 0) < now - self._edit_window:
            return False
        thread_id = str(thread["thread_id"])
        if now - self._edits_checked.get(thread_id, -self._edit_check) < self._edit_check:
            return False
        self._edits_checked[thread_id] = now
        return True

    def _active_threads(self, node: int, listed: int | None) -> list[dict[str, Any]]:
        """The forum's threads with activity after `listed`, paging as far as needed.

        XenForo lists threads most recently active first; a busy forum may have more new
        activity than one page holds. Before the first poll (`listed` None) one page.
        """
        threads: list[dict[str, Any]] = []
        for page in range(1, MAX_THREAD_PAGES + 1):
            answer = self._client.get(f"forums/{node}/threads", page=page)
            found = answer.get("threads", [])
            threads.extend([*answer.get("sticky", []), *found] if page == 1 else found)
            last_page = int((answer.get("pagination") or {}).get("last_page") or 1)
            oldest = int(found[-1].get("last_post_date") or 0) if found else 0
            if listed is None or page >= last_page or oldest <= listed:
                break
        return threads

    def _start_node(self, node: int, threads: list[dict[str, Any]]) -> None:
        """First sight of a forum: remember where each thread stands, answer nothing old.

        The start mark is the forum's own time of its latest post (not our clock, which may
        differ from the forum's): posts after it in threads not listed now are new.
        """
        for thread in threads:
            self._streams.save_cursor(f"thread:{thread['thread_id']}", str(thread["last_post_id"]))
        latest = max((int(t.get("last_post_date") or 0) for t in threads), default=0)
        self._streams.save_cursor(f"node:{node}", str(latest + 1))
        log.info("forum %s: watching from now on (%d threads)", node, len(threads))

    def _read_thread(
        self, thread: dict[str, Any], node: int, after: int | None, *, since: int,
        report: PollReport,
    ) -> bool:  # fmt: skip
        """Handle the thread's posts past `after` (or since `since`) and recent edits.

        False when a post must be read again (its reply is to be retried).
        """
        stream = f"thread:{thread['thread_id']}"
        posts = self._recent_posts(thread, after, since)
        blocked = False
        previous: str | None = None
        for data in posts:
            post_id = int(data["post_id"])
            new = post_id > after if after is not None else int(data["post_date"]) >= since
            known = self._streams.is_seen(f"post:{post_id}")
            if self._streams.is_seen(seen_key(data)) or not (new or known):
                previous = str(post_id)
                continue
            report.posts += 1
            done = self._handle(data, node, previous, report)
            previous = str(post_id)
            blocked = blocked or not done
            if done:
                cursor = str(post_id) if new and not blocked else None
                keys = [seen_key(data), f"post:{post_id}"]
                self._streams.mark_seen(keys, stream=stream, cursor=cursor)
        return not blocked

    def _recent_posts(
        self, thread: dict[str, Any], after: int | None, since: int
    ) -> list[dict[str, Any]]:
        """Posts from the last page back to the first one at or before the cursor."""
        total = int(thread.get("reply_count") or 0) + 1
        page = max(1, math.ceil(total / self._per_page))
        pages: list[list[dict[str, Any]]] = []
        while page >= 1:
            answer = self._client.get(f"threads/{thread['thread_id']}/posts", page=page)
            pagination = answer.get("pagination") or {}
            self._per_page = int(pagination.get("per_page") or self._per_page)
            last = int(pagination.get("last_page") or page)
            if last > page and not pages:
                page = last  # more posts than the thread listing said: start at the end
                continue
            found = answer.get("posts", [])
            pages.insert(0, found)
            oldest = found[0] if found else None
            if oldest is None or _reached(oldest, after, since):
                break
            page -= 1
        return [post for found in pages for post in found]

    def _handle(
        self, data: dict[str, Any], node: int, previous: str | None, report: PollReport
    ) -> bool:
        """Answer one post; False when it must be read again (a reply to retry)."""
        if data.get("message_state", "visible") != "visible":
            return True  # awaiting approval or deleted: nothing to answer
        if str(data.get("user_id")) == self._outlet.bot_user_id:
            return True
        try:
            post = to_post(data, node)
        except (KeyError, TypeError, ValueError) as exc:
            # One malformed post must not hold its thread back: report it, skip it.
            log.warning("post %s cannot be read (%r); skipped", data.get("post_id"), exc)
            return True
        handled = self.conversation.answer(
            post,
            is_moderator=lambda: self._outlet.is_moderator(post.author_id),
            replying_to=post.parent_id or previous,
        )
        report.replies += int(handled.replied)
        return not handled.retry


def _reached(post: dict[str, Any], after: int | None, since: int) -> bool:
    """Whether `post` is at or before the cursor, so older pages hold nothing new."""
    if after is not None:
        return int(post["post_id"]) <= after
    return int(post.get("post_date") or 0) < since
