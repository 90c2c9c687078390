"""The Discourse Outlet: replies are posts in the topic, answering the cited post by number."""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from bot.core.delivery import LookupFailed, SendFailed
from bot.core.service import ReplyPlan
from bot.discourse_bot.convert import as_id, reply_number, to_post
from bot.discourse_bot.reporting import HELD, ModReport
from bot.forums.api import ApiClient, ApiError
from records.models import Post

log = logging.getLogger(__name__)

REMEMBERED_POSTS = 5000
EARLIER_PAGES = 10
GROUP_CACHE_SECONDS = 600.0
GROUP_PAGE = 200
FINAL_STATUSES = frozenset({403, 404, 422})
# Discourse turns `@name` into a mention that notifies; Reddit's ^(…) superscript is not
# Discourse Markdown, so the footer becomes small text instead.
_AT_NAME = re.compile(r"@(?=\w)")
_SUPERSCRIPT = re.compile(r"\^\(([^()]*)\)")


class TopicOutlet:
    """Posts, finds, deletes and reads posts as the bot's user; remembers recent posts."""

    def __init__(
        self,
        client: ApiClient,
        *,
        username: str,
        mod_groups: list[str],
        report: ModReport,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self.report = report
        self.username = username
        self._mod_groups = mod_groups
        self._clock = clock
        self._posts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._numbers: dict[tuple[str, int], str] = {}
        self.categories: dict[str, int] = {}
        self._group_members: tuple[frozenset[str], float] | None = None

    def remember(self, data: dict[str, Any]) -> None:
        """Keep a post read from a listing, so replies and summons can find it by number."""
        post_id = str(data["id"])
        self._posts[post_id] = data
        self._numbers[(str(data["topic_id"]), int(data["post_number"]))] = post_id
        if "category_id" in data:
            self.categories[str(data["topic_id"])] = int(data["category_id"])
        while len(self._posts) > REMEMBERED_POSTS:
            old = self._posts.popitem(last=False)[1]
            self._numbers.pop((str(old["topic_id"]), int(old["post_number"])), None)

    def as_post(self, data: dict[str, Any]) -> Post:
        """A remembered API post as our Post, with the id of the post it answers."""
        # A reply to no post in particular answers the topic, that is its first post.
        number = reply_number(data) or (1 if int(data["post_number"]) > 1 else None)
        parent = self._numbers.get((str(data["topic_id"]), number)) if number else None
        return to_post(data, self.categories.get(str(data["topic_id"]), 0), parent)

    def send(self, to: Post, plan: ReplyPlan) -> str:
        """POST /posts.json: a reply in `to`'s topic to `to`'s post number."""
        raw = _SUPERSCRIPT.sub(r"<small>\1</small>", _AT_NAME.sub("@\u200b", plan.markdown()))
        body = {"topic_id": int(to.thread), "raw": raw}
        number = self._number(to)
        if number is not None:
            body["reply_to_post_number"] = number
        try:
            answer = self._client.post("posts.json", json=body)
        except ApiError as exc:
            if not exc.ambiguous:
                raise SendFailed(str(exc), final=exc.status in FINAL_STATUSES) from exc
            if exc.status in {0, 504}:
                raise SendFailed(str(exc), maybe_sent=True) from exc
            found = self._look_after_error(to)
            if found is None:
                raise SendFailed(str(exc)) from exc
            return found
        return self._created_id(to, answer)

    def _created_id(self, to: Post, answer: dict[str, Any]) -> str:
        """The new post's id; for a reply held for review, a stand-in that names the queue.

        Discourse answers a post that waits for a moderator's approval (new account,
        category approval, watched words) with 200 and no post: `{"action": "enqueued",
        "pending_post": {"id", "raw", "created_at"}, "pending_count": n}`
        (PostsController#backwards_compatible_json, NewPostResultSerializer). The reply is
        delivered, only not yet visible: confirmed so it is never sent again, and the
        moderators are told.
        """
        post_id = as_id(answer.get("id"))
        if post_id is not None:
            return str(post_id)
        if answer.get("action") == "enqueued":
            pending = answer.get("pending_post")
            pending_id = as_id(pending.get("id")) if isinstance(pending, dict) else None
            waiting = as_id(answer.get("pending_count"))
            self.report(HELD, place=to.place, target=to.message_id, detail=(
                f"my reply to post {to.message_id} waits for approval in the review queue"
                f" (pending post {pending_id if pending_id is not None else 'unknown'}"
                f"{f', {waiting} waiting' if waiting is not None else ''})"
            ))  # fmt: skip
            return f"pending:{pending_id}" if pending_id is not None else f"pending:{to.message_id}"
        # A success without the post: it was probably made. Look for it before sending again.
        raise SendFailed(f"the forum accepted the reply but named no post id ({_shape(answer)})",
                         maybe_sent=True)  # fmt: skip

    def _look_after_error(self, to: Post) -> str | None:
        """After a 5xx the forum finished with the request: our post exists or not."""
        try:
            return self.find_reply(to)
        except LookupFailed as exc:
            raise SendFailed(str(exc), maybe_sent=True) from exc

    def find_reply(self, to: Post) -> str | None:
        """Our post answering `to`, among the latest posts back to `to` itself."""
        number = self._number(to)
        before: int | None = None
        try:
            for _ in range(EARLIER_PAGES):
                page = self.latest(before)
                for data in page:
                    ours = data.get("username") == self.username
                    same_topic = str(data.get("topic_id")) == to.thread
                    if ours and same_topic and reply_number(data) == number:
                        return str(data["id"])
                if not page or min(int(p["id"]) for p in page) <= int(to.message_id):
                    return None
                before = min(int(p["id"]) for p in page)
        except ApiError as exc:
            raise LookupFailed(str(exc)) from exc
        return None

    def latest(self, before: int | None = None) -> list[dict[str, Any]]:
        """One page of GET /posts.json: the latest posts, newest first (below `before`)."""
        params = {"before": before} if before is not None else {}
        posts: list[dict[str, Any]] = self._client.get("posts.json", **params)["latest_posts"]
        return posts

    def delete(self, reply_id: str) -> None:
        """DELETE /posts/{id}.json."""
        try:
            self._client.delete(f"posts/{int(reply_id)}.json")
        except (ApiError, ValueError) as exc:
            raise SendFailed(str(exc)) from exc

    def fetch_post(self, message_id: str) -> Post | None:
        """A remembered post, else GET /posts/{id}.json; None when gone or hidden."""
        data = self._posts.get(message_id)
        if data is None and message_id.isdigit():
            try:
                data = self._client.get(f"posts/{message_id}.json")
            except ApiError as exc:
                if exc.status in {403, 404}:
                    return None
                raise
            self.remember(data)
        if data is None or data.get("deleted_at") or data.get("hidden"):
            return None
        return self.as_post(data)

    def _number(self, to: Post) -> int | None:
        data = self._posts.get(to.message_id)
        return int(data["post_number"]) if data is not None else None

    def is_moderator(self, post: Post) -> bool:
        """Staff (admin or moderator, as the post says), or a member of a listed group."""
        data = self._posts.get(post.message_id, {})
        if data.get("staff") or data.get("admin") or data.get("moderator"):
            return True
        return post.author_id in self._group_usernames()

    def _group_usernames(self) -> frozenset[str]:
        cached = self._group_members
        if cached is not None and self._clock() - cached[1] < GROUP_CACHE_SECONDS:
            return cached[0]
        names: set[str] = set()
        for group in self._mod_groups:
            offset = 0
            while True:
                try:
                    answer = self._client.get(
                        f"groups/{group}/members.json", limit=GROUP_PAGE, offset=offset
                    )
                except ApiError as exc:
                    if exc.ambiguous:
                        raise
                    log.warning("group %s cannot be read (%s)", group, exc)
                    break
                found = [*answer.get("members", []), *answer.get("owners", [])]
                names.update(str(member["username"]) for member in found)
                offset += GROUP_PAGE
                if offset >= int(answer.get("meta", {}).get("total") or 0):
                    break
        self._group_members = (frozenset(names), self._clock())
        return self._group_members[0]


def _shape(answer: dict[str, Any]) -> str:
    """The keys of an unexpected answer, for the log (never its values)."""
    return "keys: " + ", ".join(sorted(str(key) for key in answer)[:10]) if answer else "empty"
