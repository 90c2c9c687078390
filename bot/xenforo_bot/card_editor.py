"""Editing posted cards on XenForo: the refresh pass's `CardEditor` over its REST API.

An edit is `POST posts/{id}/` with `message` (XenForo 2 REST API endpoints, "Updates the
specified post"); `silent=1` so the edit is not marked "Last edited" for readers as a member's
change would be. XenForo answers 404 `requested_post_not_found` for a deleted post and 403
once the bot's own edit time limit (`editOwnPostTimeLimit`) has passed. The refreshed card
quotes the member's post again, as the first reply did.
"""

from __future__ import annotations

from typing import Any

from bot.core.refresh import carries
from bot.core.render_bbcode import Quote
from bot.core.service import ReplyPlan
from bot.errors import ApiError, CardGone, EditClosed, LookupFailed, SendFailed
from bot.forums.api import ApiClient
from bot.xenforo_bot.convert import int_id
from records.posted_cards import PostedCard

# How many of a thread's last pages are searched for a retraction reply a stopped pass
# posted: it was posted within the claim lease, so it is among the newest posts.
LOOK_BACK_PAGES = 2


class XenForoCardEditor:
    """Edits, reads and answers the bot's card posts."""

    platform = "xenforo"

    def __init__(self, client: ApiClient) -> None:
        self._client = client

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        """POST the refreshed card (quoting the member's post) as the post's new message."""
        data = {"message": plan.bbcode(self._quote(card)), "silent": 1}
        try:
            self._client.post(f"posts/{int(card.reply_id)}/", data)
        except ApiError as exc:
            if exc.status == 404:
                raise CardGone(str(exc)) from exc
            if exc.status == 403:
                raise EditClosed(str(exc)) from exc
            raise SendFailed(str(exc), maybe_sent=exc.ambiguous) from exc

    def shows(self, card: PostedCard, line: str) -> bool:
        """GET the post; whether its message carries `line`."""
        post = self._post(card.reply_id)
        if post is None:
            raise CardGone("the post was deleted")
        return carries(str(post.get("message") or ""), line)

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        """A new post in the card's thread."""
        data = {"thread_id": card.thread, "message": plan.bbcode()}
        try:
            answer = self._client.post("posts/", data)
        except ApiError as exc:
            raise SendFailed(str(exc), maybe_sent=exc.ambiguous) from exc
        post = answer.get("post")
        post_id = int_id(post.get("post_id")) if isinstance(post, dict) else None
        return str(post_id) if post_id is not None else ""

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        """The bot's post carrying `line` on the card's thread's last pages (GET me, then
        threads/{id}/posts from the last page back), or None."""
        try:
            me = self._client.get("me").get("me")
            bot = int_id(me.get("user_id")) if isinstance(me, dict) else None
            first = self._client.get(f"threads/{int(card.thread)}/posts", page=1)
            pagination = first.get("pagination")
            last = int_id(pagination.get("last_page")) if isinstance(pagination, dict) else None
            for page in range(last or 1, max(0, (last or 1) - LOOK_BACK_PAGES), -1):
                answer = (
                    first
                    if page == 1
                    else self._client.get(f"threads/{int(card.thread)}/posts", page=page)
                )
                posts = answer.get("posts")
                for post in posts if isinstance(posts, list) else []:
                    if _ours_carrying(post, bot, line):
                        return str(int_id(post.get("post_id")))
        except ApiError as exc:
            raise LookupFailed(str(exc)) from exc
        return None

    def _quote(self, card: PostedCard) -> Quote | None:
        """The member's post the card answers, quoted as in the first reply (if it is there)."""
        try:
            post = self._post(card.message_id)
        except LookupFailed:
            return None
        if post is None:
            return None
        return Quote(
            str(post.get("username") or ""),
            card.message_id,
            str(post.get("user_id") or ""),
            str(post.get("message") or ""),
        )

    def _post(self, post_id: str) -> dict[str, Any] | None:
        try:
            answer = self._client.get(f"posts/{int(post_id)}/")
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise LookupFailed(str(exc)) from exc
        post = answer.get("post")
        if not isinstance(post, dict) or post.get("message_state") == "deleted":
            return None
        return post


def _ours_carrying(post: Any, bot: int | None, line: str) -> bool:
    """A visible post by the bot's user whose message carries `line`."""
    if not isinstance(post, dict) or int_id(post.get("post_id")) is None:
        return False
    if bot is None or int_id(post.get("user_id")) != bot:
        return False
    return post.get("message_state") != "deleted" and carries(str(post.get("message") or ""), line)
