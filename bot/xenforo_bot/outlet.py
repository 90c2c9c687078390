"""The XenForo Outlet: replies are new posts in the thread, quoting the post they answer."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from bot.core.render_bbcode import Quote
from bot.core.service import ReplyPlan
from bot.errors import ApiError, LookupFailed, SendFailed
from bot.forums.api import ApiClient
from bot.forums.sending import delete_reply, reply_despite
from bot.xenforo_bot.convert import clean_post, int_id, quoted_post_id, to_post
from records.models import Post

log = logging.getLogger(__name__)

# Errors after which posting into that thread cannot work (XenForo's phrase keys).
FINAL_CODES = frozenset(
    {
        "do_not_have_permission",
        "requested_thread_not_found",
        "requested_post_not_found",
        "thread_is_closed",
        "you_may_not_perform_this_action",
        # XenForo 2's phrases for a closed thread and a forum without posting (issue 23).
        "you_may_not_perform_this_action_because_discussion_is_closed",
        "you_may_not_perform_this_action_because_forum_does_not_allow_posting",
    }
)
MODERATOR_CACHE_SECONDS = 600.0
EARLIER_PAGES = 2


class ForumOutlet:
    """Posts, finds, deletes and reads posts as the bot's API user."""

    def __init__(
        self,
        client: ApiClient,
        *,
        bot_user_id: str,
        mod_group_ids: frozenset[int],
        bypass_permissions: bool = False,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client
        self.bot_user_id = bot_user_id
        self._mod_groups = mod_group_ids
        # A super user key may read users with the bypass (XenForo API docs, "Bypassing
        # permissions"): that shows their groups, which a member's key never sees.
        self._user_params = {"api_bypass_permissions": 1} if bypass_permissions else {}
        # Which forum each thread seen in a listing belongs to (for posts fetched by id).
        self.thread_nodes: dict[str, int] = {}
        self._watched: frozenset[int] | None = None
        self._clock = clock
        self._moderators: dict[str, tuple[bool, float]] = {}

    def watch(self, node_ids: list[int]) -> None:
        """Fetch posts (for summons) only from these forums: others may be staff-only."""
        self._watched = frozenset(node_ids)

    def send(self, to: Post, plan: ReplyPlan) -> str:
        """POST /posts/ in `to`'s thread, quoting `to`; the new post's id."""
        quote = Quote(to.author_name, to.message_id, to.author_id, to.text)
        data = {"thread_id": to.thread, "message": plan.bbcode(quote)}
        try:
            answer = self._client.post("posts/", data)
        except ApiError as exc:
            final = exc.code in FINAL_CODES or exc.status == 404
            return reply_despite(exc, to, self.find_reply, final=final)
        post = answer.get("post")
        post_id = int_id(post.get("post_id")) if isinstance(post, dict) else None
        if post_id is None:
            # Success without the new post's id: it was probably made; look before resending.
            raise SendFailed(f"the forum's answer names no post: {str(answer)[:200]}",
                             maybe_sent=True)  # fmt: skip
        return str(post_id)

    def find_reply(self, to: Post) -> str | None:
        """Our post quoting `to` among the thread's last pages.

        Ours when its author is the bot's user and its own first quote (not text quoted
        inside it, which a member may have written) names `to`.
        """
        try:
            first = self._page(to.thread, 1)
            pagination = first.get("pagination")
            last = int_id(pagination.get("last_page")) if isinstance(pagination, dict) else None
            last = last or 1
            for page in range(last, max(0, last - EARLIER_PAGES), -1):
                answer = first if page == 1 else self._page(to.thread, page)
                posts = answer.get("posts")
                for post in posts if isinstance(posts, list) else []:
                    if self._answers(post, to):
                        return str(int_id(post.get("post_id")))
        except ApiError as exc:
            raise LookupFailed(str(exc)) from exc
        return None

    def _answers(self, post: Any, to: Post) -> bool:
        if not isinstance(post, dict) or int_id(post.get("post_id")) is None:
            return False
        if int_id(post.get("user_id")) != int_id(self.bot_user_id):
            return False
        return quoted_post_id(str(post.get("message") or "")) == to.message_id

    def _page(self, thread: str, page: int) -> dict[str, Any]:
        return self._client.get(f"threads/{thread}/posts", page=page)

    def delete(self, reply_id: str) -> None:
        """DELETE /posts/{id}/ (a soft delete, which moderators can undo)."""
        delete_reply(self._client, "posts/{}/", reply_id)

    def fetch_post(self, message_id: str) -> Post | None:
        """GET /posts/{id}/ as a Post; None when it is gone or not visible."""
        if not (message_id.isascii() and message_id.isdigit()):
            return None
        try:
            data = self._client.get(f"posts/{message_id}/").get("post")
        except ApiError as exc:
            if exc.status in {403, 404}:
                return None
            raise
        post = clean_post(data)
        if post is None or post.get("message_state", "visible") != "visible":
            return None
        thread = post.get("Thread")
        node = int_id(thread.get("node_id")) if isinstance(thread, dict) else None
        node = self.thread_nodes.get(str(post["thread_id"])) or node
        if node is None or (self._watched is not None and node not in self._watched):
            # A post in a forum the bot does not watch (maybe staff-only) is never carded.
            log.info("post %s is not in a watched forum: not fetched", message_id)
            return None
        return to_post(post, node)

    def sees_groups(self) -> bool:
        """Whether this key is shown users' groups (XenForo shows them to administrators).

        Read on the bot's own user, which every key may read: its `user_group_id` is there
        exactly when groups are visible to the key.
        """
        user = self._user(self.bot_user_id)
        return isinstance(user, dict) and "user_group_id" in user

    def is_moderator(self, user_id: str) -> bool:
        """Forum staff, an admin or moderator, or a member of a listed group (cached a while).

        XenForo shows every key `is_staff` (admins and moderators shown as staff); the
        `is_admin`/`is_moderator` flags and group ids only to administrators, so with a
        member's key the staff flag is what recognises moderators.
        """
        cached = self._moderators.get(user_id)
        if cached is not None and self._clock() - cached[1] < MODERATOR_CACHE_SECONDS:
            return cached[0]
        try:
            user = self._user(user_id)
        except ApiError as exc:
            if exc.ambiguous:
                raise  # the forum is struggling: the post is read again next poll
            log.warning("user %s cannot be read (%s): not a moderator", user_id, exc)
            return False
        verdict = isinstance(user, dict) and _is_moderator(user, self._mod_groups)
        self._moderators[user_id] = (verdict, self._clock())
        return verdict

    def _user(self, user_id: str) -> Any:
        return self._client.get(f"users/{_int_id(user_id)}/", **self._user_params).get("user")


def _is_moderator(user: dict[str, Any], mod_groups: frozenset[int]) -> bool:
    if user.get("is_staff") is True or user.get("is_admin") is True:
        return True
    if user.get("is_moderator") is True:
        return True
    groups = [user.get("user_group_id"), *_list(user.get("secondary_group_ids"))]
    return any(int_id(group) in mod_groups for group in groups)


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _int_id(user_id: str) -> int:
    number = int_id(user_id)
    if number is None:
        raise ApiError(400, "invalid_user_id", repr(user_id)[:50])
    return number
