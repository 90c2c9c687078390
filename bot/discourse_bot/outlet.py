"""The Discourse Outlet: replies are posts in the topic, answering the cited post by number."""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from bot.core.service import ReplyPlan
from bot.discourse_bot.convert import as_id, reply_number, to_post
from bot.discourse_bot.listing import PostReader
from bot.discourse_bot.members import GroupMembers, fold
from bot.discourse_bot.reporting import HELD, UNREADABLE, ModReport
from bot.errors import ApiError, BadListing, LookupFailed, SendFailed
from bot.forums.api import ApiClient
from bot.forums.sending import delete_reply, reply_despite
from records.models import Post

log = logging.getLogger(__name__)

REMEMBERED_POSTS = 5000
EARLIER_PAGES = 10
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
        category_ids: list[int] | None = None,
        base_url: str = "",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self.report = report
        self.username = username
        self._watched = frozenset(category_ids or ())
        self._base_url = base_url
        self._members = GroupMembers(client, mod_groups, clock=clock)
        self.reader = PostReader(client, skipped=self._skipped)
        self._posts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._numbers: dict[tuple[str, int], str] = {}
        # topic id -> its category (None: a private message, or a topic that cannot be read)
        self.categories: dict[str, int | None] = {}

    def _skipped(self, key: str, target: str | None, detail: str) -> None:
        self.report.once(key, UNREADABLE, target=target, detail=detail)

    def is_self(self, data: dict[str, Any]) -> bool:
        """Whether the bot's user wrote the post (user names compared case-folded)."""
        return fold(data.get("username")) == fold(self.username)

    def remember(self, data: dict[str, Any]) -> None:
        """Keep a post read from a listing, so replies and summons can find it by number."""
        post_id = str(data["id"])
        self._posts[post_id] = data
        self._numbers[(str(data["topic_id"]), int(data["post_number"]))] = post_id
        category = as_id(data.get("category_id"))
        if category is not None:
            self.categories[str(data["topic_id"])] = category
        while len(self._posts) > REMEMBERED_POSTS:
            old = self._posts.popitem(last=False)[1]
            self._numbers.pop((str(old["topic_id"]), int(old["post_number"])), None)

    def category(self, data: dict[str, Any]) -> int | None:
        """The post's category: listed with it, known for its topic, or asked of the topic.

        A single post (`GET /posts/{id}.json`) does not name its category. The topic list
        does, for just the topics asked (`/latest.json?topic_ids=`, a public TopicQuery
        option), without any post's text, so a topic of huge posts is read as easily; a
        private message is not in it.
        """
        topic = str(data["topic_id"])
        if topic not in self.categories:
            self.categories[topic] = self._topic_category(topic)
        return self.categories[topic]

    def _topic_category(self, topic: str) -> int | None:
        try:
            answer = self._client.get("latest.json", topic_ids=topic)
        except ApiError as exc:
            if exc.ambiguous and not exc.too_large:
                raise
            answer = {}
        listed = answer.get("topic_list")
        topics = listed.get("topics") if isinstance(listed, dict) else None
        for item in topics if isinstance(topics, list) else []:
            same = isinstance(item, dict) and str(item.get("id")) == topic
            if same and item.get("archetype") in (None, "regular"):
                return as_id(item.get("category_id"))
        self._skipped(f"topic:{topic}", None,
                      f"topic {topic} is not listed (a private message, or hidden); its posts "
                      "are not answered")  # fmt: skip
        return None

    def watched(self, data: dict[str, Any]) -> bool:
        """Whether the post is in a category the bot answers in (all, when none are listed)."""
        category = self.category(data)
        return category is not None and (not self._watched or category in self._watched)

    def as_post(self, data: dict[str, Any]) -> Post:
        """A remembered API post as our Post, with the id of the post it answers."""
        # A reply to no post in particular answers the topic, that is its first post.
        number = reply_number(data) or (1 if int(data["post_number"]) > 1 else None)
        parent = self._numbers.get((str(data["topic_id"]), number)) if number else None
        category = self.categories.get(str(data["topic_id"])) or 0
        return to_post(data, category, parent, base_url=self._base_url)

    def send(self, to: Post, plan: ReplyPlan) -> str:
        """POST /posts.json: a reply in `to`'s topic to `to`'s post number."""
        raw = discourse_raw(plan)
        body = {"topic_id": int(to.thread), "raw": raw}
        number = self._number(to)
        if number is not None:
            body["reply_to_post_number"] = number
        try:
            answer = self._client.post("posts.json", json=body)
        except ApiError as exc:
            final = exc.status in FINAL_STATUSES
            return reply_despite(exc, to, self.find_reply, final=final)
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

    def find_reply(self, to: Post) -> str | None:
        """Our post answering `to`, among the posts listed after `to` itself."""
        number = self._number(to)
        try:
            listing = self.reader.since(int(to.message_id), max_pages=EARLIER_PAGES)
        except (ApiError, BadListing) as exc:
            raise LookupFailed(str(exc)) from exc
        for data in listing.posts:
            same_topic = str(data["topic_id"]) == to.thread
            if self.is_self(data) and same_topic and reply_number(data) == number:
                return str(data["id"])
        return None

    def delete(self, reply_id: str) -> None:
        """DELETE /posts/{id}.json."""
        delete_reply(self._client, "posts/{}.json", reply_id)

    def fetch_post(self, message_id: str) -> Post | None:
        """A remembered post, else GET /posts/{id}.json; None when gone, hidden or unwatched.

        A summons can name any post: one from a category the bot does not answer in (a
        staff-only one, say) or a private message is not carded in public.
        """
        data = self._posts.get(message_id)
        post_id = as_id(message_id)
        if data is None and post_id is not None:
            data = self.reader.one(post_id)  # a failure that may pass fails the poll
            if data is not None:
                self.remember(data)
        if data is None or data.get("deleted_at") or data.get("hidden"):
            return None
        if not self.watched(data):
            return None
        return self.as_post(data)

    def _number(self, to: Post) -> int | None:
        data = self._posts.get(to.message_id)
        return int(data["post_number"]) if data is not None else None

    def is_moderator(self, post: Post) -> bool:
        """Staff (admin or moderator, as the post says), or a member of a listed group."""
        data = self._posts.get(post.message_id, {})
        if data.get("staff") is True or data.get("admin") is True or data.get("moderator") is True:
            return True
        return fold(post.author_id) in self._members.names()


def discourse_raw(plan: ReplyPlan) -> str:
    """The plan as a Discourse post's raw Markdown: no mention pings, small-text footer."""
    return _SUPERSCRIPT.sub(r"<small>\1</small>", _AT_NAME.sub("@\u200b", plan.markdown()))


def _shape(answer: dict[str, Any]) -> str:
    """The keys of an unexpected answer, for the log (never its values)."""
    return "keys: " + ", ".join(sorted(str(key) for key in answer)[:10]) if answer else "empty"
