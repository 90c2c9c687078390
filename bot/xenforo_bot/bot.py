"""Watching XenForo forums: poll each node's threads, read new posts, answer through the core.

Each forum (node) has a start mark (`node:<id>`, the time the bot first saw it: older posts
are never answered) and each thread a cursor (`thread:<id>`, the highest post id up to which
every post was handled). A poll lists the node's threads, most recently active first (the
order is always asked for: without `order=` XenForo follows the forum's admin-set sort), and
reads, from the last page backwards, the threads with posts past their cursor, plus the last
page of threads active within the edit window, since editing a post does not bump its
thread. Every handled post is marked seen under its id and edit date, so a repeat is skipped
and an edit is read again; a post whose reply must be retried holds its thread's cursor
back, so the next poll reads it again.

Nothing the forum sends ends the process: a malformed thread or post is skipped and
reported once; an answer of the wrong shape fails that request, and the forum or thread
it came from is left alone for a growing number of polls; one thread's error never stops
the other threads of the round. Paging is capped per poll and stops on pages that repeat
or come back empty, whatever `last_page` claims.
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
from bot.errors import ApiError, BadAnswer
from bot.forums.api import ApiClient
from bot.forums.polling import PollReport, answered
from bot.xenforo_bot.convert import (
    PLATFORM,
    ThreadRef,
    clean_post,
    int_id,
    listed,
    seen_key,
    thread_ref,
    to_post,
)
from bot.xenforo_bot.outlet import ForumOutlet
from records.streams import Streams
from records.wording import counted

log = logging.getLogger(__name__)

DEFAULT_PER_PAGE = 20  # XenForo's default "messages per page"
MAX_PER_PAGE = 100
MAX_THREAD_PAGES = 10  # thread listing pages per forum and poll
MAX_POST_PAGES = 10  # post pages per thread and poll
MAX_BACKOFF_POLLS = 32
SEEN_KEPT = timedelta(days=30)
# The thread listing's order, sent always: without it XenForo uses the forum's own sort.
ORDER = {"order": "last_post_date", "direction": "desc"}
# Errors after which a thread's posts cannot be read at all (it was deleted or hidden).
THREAD_GONE = frozenset({"requested_thread_not_found", "do_not_have_permission"})


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
        self._edits_checked: dict[int, float] = {}
        self._clock = clock
        self._per_page = DEFAULT_PER_PAGE
        self._reported: set[str] = set()
        self._backoff: dict[str, tuple[int, int]] = {}  # key: (failures, polls left to skip)
        self.conversation = Conversation(service, outlet, PLATFORM)
        outlet.watch(node_ids)
        service.add_self_id(outlet.bot_user_id)

    def poll(self) -> PollReport:
        """Read every node once; a node that fails is reported and the others go on."""
        report = PollReport()
        for node in self._nodes:
            key = f"forum {node}"
            if self._backing_off(key):
                continue
            try:
                self._poll_node(node, report)
            except ApiError as exc:
                report.failures += 1
                self._failed(key, exc)
            else:
                self._backoff.pop(key, None)
        self._streams.prune_seen(datetime.now(UTC) - SEEN_KEPT)
        return report

    def _poll_node(self, node: int, report: PollReport) -> None:
        start = self._streams.cursor(f"node:{node}")
        listed_to = self._streams.cursor(f"listed:{node}")
        bound = int(listed_to or start or 0) if start else None
        threads, more = self._active_threads(node, bound)
        if start is None:
            self._start_node(node, threads)
            return
        pending = self._read_threads(threads, node, int(start), report)
        dates = [t.last_post_date for t in threads]
        # Next time, list threads back to here: the oldest one still unfinished, or the newest.
        mark = min(pending) - 1 if pending else max(dates, default=int(listed_to or 0))
        self._streams.save_cursor(f"listed:{node}", str(mark))
        self._catch_up(node, int(start), bound or 0, more, report)

    def _catch_up(
        self, node: int, start: int, bound: int, more: int | None, report: PollReport
    ) -> None:
        """Read on, poll after poll, the threads a long downtime left beyond the page cap.

        `resume:<node>` holds the listing page to go on from and the activity time to go
        back to. Threads only ever move up the listing (when bumped, and then they are read
        at the top), so going on from the same page number skips nothing.
        """
        stored = self._streams.cursor(f"resume:{node}") or ""
        page_text, _, bound_text = stored.partition(":")
        if more is not None:  # this poll's listing hit the cap: go on from there next time
            bounds = [bound, *([int(bound_text)] if bound_text else [])]
            self._streams.save_cursor(f"resume:{node}", f"{more}:{min(bounds)}")
            return
        if not page_text:
            return
        threads, further = self._active_threads(node, int(bound_text), first_page=int(page_text))
        pending = self._read_threads(threads, node, start, report)
        if pending:
            return  # the same pages again next poll (what was read is not read twice)
        resume = f"{further}:{bound_text}" if further is not None else ""
        self._streams.save_cursor(f"resume:{node}", resume)
        if further is None:
            log.info("forum %s: caught up with the threads active during the downtime", node)

    def _read_threads(
        self, threads: list[ThreadRef], node: int, start: int, report: PollReport
    ) -> list[int]:
        """Read each listed thread; the last activity times of those to read again."""
        pending: list[int] = []
        for thread in threads:
            self._outlet.thread_nodes[str(thread.thread_id)] = node
            if not self._thread_round(thread, node, start, report):
                pending.append(thread.last_post_date)
        return pending

    def _thread_round(self, thread: ThreadRef, node: int, start: int, report: PollReport) -> bool:
        """Read one listed thread if it has news; False when it must be read again."""
        cursor = self._streams.cursor(f"thread:{thread.thread_id}")
        after = int(cursor) if cursor is not None else None
        fresh = after is None or thread.last_post_id > after
        if fresh:  # its last page is read now, which is also the check for edits
            self._edits_checked[thread.thread_id] = self._clock()
        if not (fresh or self._edit_check_due(thread)):
            return True
        key = f"thread {thread.thread_id}"
        if self._backing_off(key):
            return False
        try:
            done = self._read_thread(thread, node, after, since=start, report=report)
        except ApiError as exc:
            report.failures += 1
            if exc.code in THREAD_GONE or exc.status == 404:
                # Deleted or hidden from the bot: nothing in it can be answered any more.
                self._report_once(key, f"{key} cannot be read ({exc}); given up")
                self._streams.save_cursor(f"thread:{thread.thread_id}", str(thread.last_post_id))
                return True
            self._failed(key, exc)
            return False
        self._backoff.pop(key, None)
        return done

    def _backing_off(self, key: str) -> bool:
        """Whether `key` is left alone this poll (after answers of the wrong shape)."""
        failures, skip = self._backoff.get(key, (0, 0))
        if skip <= 0:
            return False
        self._backoff[key] = (failures, skip - 1)
        return True

    def _failed(self, key: str, exc: ApiError) -> None:
        """Log a failed request; an answer of the wrong shape also backs off."""
        if not isinstance(exc, BadAnswer):
            log.warning("%s: %s; trying again next poll", key, exc)
            return
        failures = self._backoff.get(key, (0, 0))[0] + 1
        skip = min(2 ** (failures - 1), MAX_BACKOFF_POLLS)
        self._backoff[key] = (failures, skip)
        again = counted(skip + 1, "poll")
        log.warning("%s: the forum answered %s; trying again in %s", key, exc, again)

    def _report_once(self, key: str, message: str) -> None:
        if key not in self._reported:
            self._reported.add(key)
            log.warning(message)

    def _edit_check_due(self, thread: ThreadRef) -> bool:
        """Whether to re-read a recently active thread's last page for edits now.

        Edits do not bump a thread, so threads active within the edit window are re-read,
        but each at most every `edit_check_seconds`: an idle poll stays a few requests.
        """
        now = self._clock()
        if thread.last_post_date < now - self._edit_window:
            return False
        last = self._edits_checked.get(thread.thread_id, -self._edit_check)
        if now - last < self._edit_check:
            return False
        self._edits_checked[thread.thread_id] = now
        return True

    def _active_threads(
        self, node: int, listed_to: int | None, *, first_page: int = 1
    ) -> tuple[list[ThreadRef], int | None]:
        """The forum's threads with activity after `listed_to`, paging as far as allowed.

        Threads come most recently active first; a busy forum may have more new activity
        than one page holds. Before the first poll (`listed_to` None) one page. Also the
        page to go on from when `MAX_THREAD_PAGES` pages did not reach `listed_to` (None
        when they did).
        """
        threads: dict[int, ThreadRef] = {}
        previous: list[int] = []
        for page in range(first_page, first_page + MAX_THREAD_PAGES):
            answer = self._client.get(f"forums/{node}/threads", page=page, **ORDER)
            found = self._threads_of(node, listed(answer, "threads"))
            if page == 1:
                for thread in self._threads_of(node, listed(answer, "sticky", required=False)):
                    threads.setdefault(thread.thread_id, thread)
            ids = [t.thread_id for t in found]
            if not found or ids == previous:
                break  # an empty page, or the same page again: nothing further
            previous = ids
            for thread in found:
                threads.setdefault(thread.thread_id, thread)
            last_page = int_id(_pagination(answer).get("last_page")) or 1
            oldest = min(t.last_post_date for t in found)
            if listed_to is None or page >= last_page or oldest <= listed_to:
                break
        else:
            log.warning(
                "forum %s: more than %d pages of threads active since %s; those last active "
                "before %s are read in the next polls",
                node, MAX_THREAD_PAGES, _when(listed_to), _when(oldest),
            )  # fmt: skip
            return list(threads.values()), first_page + MAX_THREAD_PAGES
        return list(threads.values()), None

    def _threads_of(self, node: int, items: list[Any]) -> list[ThreadRef]:
        """The readable threads of a listing; each unreadable one is reported once."""
        threads = []
        for item in items:
            thread = thread_ref(item)
            if thread is None:
                shown = str(item)[:120]
                self._report_once(f"thread:{shown}", f"forum {node}: unreadable thread {shown}")
            else:
                threads.append(thread)
        return threads

    def _start_node(self, node: int, threads: list[ThreadRef]) -> None:
        """First sight of a forum: remember where each thread stands, answer nothing old.

        The start mark is the forum's own time of its latest post (not our clock, which may
        differ from the forum's): posts after it in threads not listed now are new.
        """
        for thread in threads:
            self._streams.save_cursor(f"thread:{thread.thread_id}", str(thread.last_post_id))
        latest = max((t.last_post_date for t in threads), default=0)
        self._streams.save_cursor(f"node:{node}", str(latest + 1))
        log.info("forum %s: watching from now on (%s)", node, counted(len(threads), "thread"))

    def _read_thread(
        self, thread: ThreadRef, node: int, after: int | None, *, since: int,
        report: PollReport,
    ) -> bool:  # fmt: skip
        """Handle the thread's posts past `after` (or since `since`) and recent edits.

        False when a post must be read again (its reply is to be retried).
        """
        stream = f"thread:{thread.thread_id}"
        posts = self._recent_posts(thread, after, since)
        blocked = False
        previous: str | None = None
        for data in posts:
            post_id = data["post_id"]
            if data.get("unreadable"):
                # Skipped for good (reported once): the cursor passes it like a handled post.
                if (after is None or post_id > after) and not blocked:
                    self._streams.save_cursor(stream, str(post_id))
                previous = str(post_id)
                continue
            new = post_id > after if after is not None else data["post_date"] >= since
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
        self, thread: ThreadRef, after: int | None, since: int
    ) -> list[dict[str, Any]]:
        """Posts from the last page back to the first one at or before the cursor.

        At most `MAX_POST_PAGES` requests; a page that repeats the one before or comes back
        empty ends the paging, whatever `last_page` says.
        """
        page = max(1, math.ceil((thread.reply_count + 1) / self._per_page))
        pages: list[list[dict[str, Any]]] = []
        seen_pages: set[tuple[int, ...]] = set()
        jumped = False
        for _ in range(MAX_POST_PAGES):
            answer = self._posts_page(thread.thread_id, page)
            pagination = _pagination(answer)
            per_page = int_id(pagination.get("per_page")) or self._per_page
            self._per_page = min(max(per_page, 1), MAX_PER_PAGE)
            last = int_id(pagination.get("last_page")) or page
            if last > page and not pages and not jumped:
                page, jumped = last, True  # more posts than the listing said: go to the end
                continue
            found = self._posts_of(thread, listed(answer, "posts"))
            ids = tuple(post["post_id"] for post in found)
            if not ids or ids in seen_pages:
                break
            seen_pages.add(ids)
            pages.insert(0, found)
            if _reached(found[0], after, since) or page <= 1:
                break
            page -= 1
        else:
            log.warning("thread %s: more than %d pages of new posts; older ones not read",
                        thread.thread_id, MAX_POST_PAGES)  # fmt: skip
        return [post for found in pages for post in found]

    def _posts_page(self, thread_id: int, page: int) -> dict[str, Any]:
        """One page of a thread; past the end, the last page (XenForo: 400 `invalid_page`)."""
        try:
            return self._client.get(f"threads/{thread_id}/posts", page=page)
        except ApiError as exc:
            last = int_id(exc.params.get("max")) if exc.code == "invalid_page" else None
            if last is None or not 1 <= last < page:
                raise
            return self._client.get(f"threads/{thread_id}/posts", page=last)

    def _posts_of(self, thread: ThreadRef, items: list[Any]) -> list[dict[str, Any]]:
        """The readable posts of a page; each unreadable one is reported once and skipped."""
        posts = []
        for item in items:
            post = clean_post(item)
            if post is not None:
                posts.append(post)
                continue
            post_id = int_id(item.get("post_id")) if isinstance(item, dict) else None
            shown = str(item)[:120]
            self._report_once(
                f"post:{post_id or shown}",
                f"thread {thread.thread_id}: unreadable post {shown}; skipped",
            )
            if post_id is not None:
                posts.append({"post_id": post_id, "post_date": 0, "unreadable": True})
        return posts

    def _handle(
        self, data: dict[str, Any], node: int, previous: str | None, report: PollReport
    ) -> bool:
        """Answer one post; False when it must be read again (a reply to retry)."""
        if data.get("message_state", "visible") != "visible":
            return True  # awaiting approval or deleted: nothing to answer
        if data["user_id"] == int_id(self._outlet.bot_user_id):
            return True
        try:
            post = to_post(data, node)
        except (KeyError, TypeError, ValueError, OverflowError) as exc:
            # One malformed post must not hold its thread back: report it, skip it.
            log.warning("post %s cannot be read (%r); skipped", data.get("post_id"), exc)
            return True
        return answered(self.conversation, post, report, replying_to=post.parent_id or previous,
                        is_moderator=lambda: self._outlet.is_moderator(post.author_id))  # fmt: skip


def _pagination(answer: dict[str, Any]) -> dict[str, Any]:
    value = answer.get("pagination")
    return value if isinstance(value, dict) else {}


def _when(stamp: int | None) -> str:
    return datetime.fromtimestamp(stamp or 0, UTC).isoformat(timespec="seconds")


def _reached(post: dict[str, Any], after: int | None, since: int) -> bool:
    """Whether `post` is at or before the cursor, so older pages hold nothing new."""
    if after is not None:
        return bool(post["post_id"] <= after)
    return bool(post["post_date"] < since)
