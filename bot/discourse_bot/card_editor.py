"""Editing posted cards on Discourse: the refresh pass's `CardEditor` over its REST API.

An edit is `PUT /posts/{id}.json` with `{"post": {"raw", "edit_reason"}}` (discourse_api_docs,
"Update a single post"). Discourse refuses it with 403 once the site's `post_edit_time_limit`
has passed (Guardian#can_edit_post?), and with 404 when the post is gone. The HTTP stack
waits out 429s (Retry-After, or the body's `extras.wait_seconds`).
"""

from __future__ import annotations

from typing import Any

from bot.core.refresh import carries
from bot.core.service import ReplyPlan
from bot.discourse_bot.convert import as_id
from bot.discourse_bot.outlet import discourse_raw
from bot.errors import ApiError, CardGone, EditClosed, LookupFailed, SendFailed
from bot.forums.api import ApiClient
from records.posted_cards import PostedCard

EDIT_REASON = "evidence-bot: the atlas entry changed"


class DiscourseCardEditor:
    """Edits, reads and answers the bot's card posts."""

    platform = "discourse"

    def __init__(self, client: ApiClient) -> None:
        self._client = client

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        """PUT the refreshed card as the post's new raw."""
        post_id = _post_id(card)
        body = {"post": {"raw": discourse_raw(plan), "edit_reason": EDIT_REASON}}
        try:
            self._client.put(f"posts/{post_id}.json", json=body)
        except ApiError as exc:
            raise _edit_failure(exc) from exc

    def shows(self, card: PostedCard, line: str) -> bool:
        """GET the post; whether its raw carries `line`."""
        post = self._post(card)
        return carries(str(post.get("raw") or post.get("cooked") or ""), line)

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        """A new post in the card's topic answering the card by its post number."""
        number = self._post(card).get("post_number")
        body: dict[str, Any] = {"topic_id": int(card.thread), "raw": discourse_raw(plan)}
        if isinstance(number, int):
            body["reply_to_post_number"] = number
        try:
            answer = self._client.post("posts.json", json=body)
        except ApiError as exc:
            raise SendFailed(str(exc), maybe_sent=exc.ambiguous) from exc
        return str(as_id(answer.get("id")) or f"pending:{card.reply_id}")

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        """The bot's post in the card's topic carrying `line`, among the newest posts
        (GET session/current.json for the bot's name, then GET posts.json), or None."""
        try:
            user = self._client.get("session/current.json").get("current_user")
            name = user.get("username") if isinstance(user, dict) else None
            listed = self._client.get("posts.json").get("latest_posts")
        except ApiError as exc:
            raise LookupFailed(str(exc)) from exc
        for post in listed if isinstance(listed, list) else []:
            if not isinstance(post, dict) or post.get("username") != name or name is None:
                continue
            text = str(post.get("raw") or post.get("cooked") or "")
            if str(post.get("topic_id")) == card.thread and carries(text, line):
                return str(as_id(post.get("id")))
        return None

    def _post(self, card: PostedCard) -> dict[str, Any]:
        try:
            post = self._client.get(f"posts/{_post_id(card)}.json")
        except ApiError as exc:
            if exc.status == 404:
                raise CardGone(str(exc)) from exc
            raise LookupFailed(str(exc)) from exc
        if post.get("deleted_at"):
            raise CardGone("the post was deleted")
        return post


def _post_id(card: PostedCard) -> int:
    """The card's post id; a reply still held for review (`pending:`) has none to edit."""
    post_id = as_id(card.reply_id)
    if post_id is None:
        raise EditClosed(f"the reply {card.reply_id} was held for review and has no post id")
    return post_id


def _edit_failure(exc: ApiError) -> Exception:
    if exc.status == 404:
        return CardGone(str(exc))
    if exc.status == 403:
        return EditClosed(str(exc))
    return SendFailed(str(exc), maybe_sent=exc.ambiguous)
