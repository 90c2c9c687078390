"""The Lemmy Outlet: replies are comments under the post, answering the cited item.

Routes and shapes are lemmy-js-client 0.19's (`LemmyHttp`, base `/api/v3`): `POST /comment`
(`CreateComment`: `content`, `post_id`, `parent_id`) answers `CommentResponse`;
`GET /comment/list` (`GetComments`: `post_id`, `sort`, `limit`, `page`); `POST
/comment/delete` (`DeleteComment`); `GET /post?id=` and `GET /comment?id=` for one item;
`GET /community?name=` (`GetCommunityResponse`) names the community's moderators.
Also the refresh pass's `CardEditor` (issue 26): `PUT /comment` (`EditComment`), never closed
(no edit window); a deleted/removed comment answers `deleted` (api_common utils.rs).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from bot.core.refresh import carries
from bot.core.service import ReplyPlan
from bot.errors import ApiError, CardGone, LookupFailed, SendFailed
from bot.forums.api import ApiClient
from bot.forums.sending import reply_despite
from bot.lemmy_bot.convert import is_gone, message_id, parent_of, to_post
from bot.runtime.moderators import ModeratorCache
from records.models import Post
from records.posted_cards import PostedCard

FIND_PAGES = 5
PAGE = 50
# Lemmy answers every refusal with 400 and a code; these say sending again cannot help.
FINAL_ERRORS = frozenset({"locked", "post_is_locked", "deleted", "couldnt_find_post",
                          "couldnt_find_comment", "banned_from_community", "site_ban",
                          "person_is_banned_from_community"})  # fmt: skip
GONE = frozenset({"couldnt_update_comment", "couldnt_find_comment", "not_found", "deleted"})
# `@name@host` mentions notify; the footer's Reddit superscript `^(…)` is not Lemmy Markdown
# (markdown-it-sup wants `^x^`), so it becomes plain text.
_AT_NAME = re.compile(r"@(?=\w)")
_SUPERSCRIPT = re.compile(r"\^\(([^()]*)\)")


def lemmy_markdown(plan: ReplyPlan) -> str:
    """The card as Lemmy Markdown: mentions defused, Reddit's superscript made plain."""
    return _SUPERSCRIPT.sub(r"\1", _AT_NAME.sub("@\u200b", plan.markdown()))


def number_of(message: str) -> int:
    """The Lemmy id in `post/12` or `comment/34`."""
    return int(message.rpartition("/")[2])


class LemmyOutlet:
    """Comments, finds, edits, deletes and reads items as the bot's account; knows moderators."""

    platform = "lemmy"

    def __init__(
        self, client: ApiClient, *, username: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._client = client
        self.username = username
        self._moderators = ModeratorCache(self._moderator_ids, clock=clock)
        self._admins: set[str] = set()

    def is_self(self, view: dict[str, Any]) -> bool:
        """Whether the bot's account (on this instance) wrote the item."""
        creator = view.get("creator") or {}
        return bool(creator.get("local")) and str(creator.get("name", "")).casefold() == (
            self.username.casefold()
        )

    def as_post(self, view: dict[str, Any]) -> Post:
        """The view as our Post, noting whether its author is an instance admin."""
        post = to_post(view)
        if view.get("creator_is_admin") is True:
            self._admins.add(post.author_id)
        return post

    def send(self, to: Post, plan: ReplyPlan) -> str:
        """POST /comment under `to`'s post, answering `to` itself when it is a comment."""
        body: dict[str, Any] = {"content": lemmy_markdown(plan), "post_id": int(to.thread)}
        if to.message_id.startswith("comment/"):
            body["parent_id"] = number_of(to.message_id)
        try:
            answer = self._client.post("comment", json=body)
        except ApiError as exc:
            return reply_despite(exc, to, self.find_reply, final=exc.code in FINAL_ERRORS)
        try:
            return message_id(answer["comment_view"])
        except (LookupError, TypeError, ValueError) as exc:
            raise SendFailed("the comment was accepted without its id", maybe_sent=True) from exc

    def find_reply(self, to: Post) -> str | None:
        """Our comment answering `to`, among the newest comments under its post."""
        for page in range(1, FIND_PAGES + 1):
            try:
                answer = self._client.get("comment/list", post_id=int(to.thread), sort="New",
                                          type_="All", limit=PAGE, page=page)  # fmt: skip
                views = list(answer["comments"])
                for view in views:
                    if self.is_self(view) and parent_of(view) == to.message_id:
                        return message_id(view)
            except (ApiError, LookupError, TypeError, ValueError) as exc:
                raise LookupFailed(f"listing the comments: {exc!r}") from exc
            if len(views) < PAGE:
                return None
        raise LookupFailed(f"more than {FIND_PAGES * PAGE} comments under post {to.thread}")

    def delete(self, reply_id: str) -> None:
        """POST /comment/delete (the author's own deletion; a moderator's removal differs)."""
        try:
            self._client.post("comment/delete", json={"comment_id": number_of(reply_id),
                                                      "deleted": True})  # fmt: skip
        except (ApiError, ValueError) as exc:
            raise SendFailed(str(exc)) from exc

    def fetch_post(self, message_id: str) -> Post | None:
        """GET /post?id= or /comment?id=; None when it is gone, removed or unknown."""
        kind, _, number = message_id.partition("/")
        if kind not in ("post", "comment") or not number.isdigit():
            return None
        try:
            answer = self._client.get(kind, id=int(number))
        except ApiError as exc:
            if exc.ambiguous:
                raise  # a failure that may pass fails the poll, not the summons
            return None
        view = answer.get(f"{kind}_view")
        if not isinstance(view, dict) or is_gone(view):
            return None
        return self.as_post(view)

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        """PUT /comment: the card's comment gets the refreshed card as its content."""
        body = {"comment_id": number_of(card.reply_id), "content": lemmy_markdown(plan)}
        try:
            self._client.put("comment", json=body)
        except ApiError as exc:
            raise _gone(exc) or SendFailed(str(exc), maybe_sent=exc.ambiguous) from exc

    def shows(self, card: PostedCard, line: str) -> bool:
        """GET /comment?id=: whether the card's comment carries `line`."""
        try:
            view = self._client.get("comment", id=number_of(card.reply_id)).get("comment_view")
        except ApiError as exc:
            raise _gone(exc) or LookupFailed(str(exc)) from exc
        if not isinstance(view, dict) or is_gone(view):
            raise CardGone("the comment was deleted or removed")
        return carries(str(view["comment"].get("content") or ""), line)

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        """Never needed: with no edit window, no card is closed to edits (`EditClosed`)."""
        raise SendFailed("Lemmy comments can always be edited")

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        """Never a reply under a Lemmy card (see `reply_under`): none to find."""
        return None

    def is_moderator(self, post: Post) -> bool:
        """An instance admin, or one of the community's moderators (Lemmy's own list)."""
        return post.author_id in self._admins or self._moderators.is_moderator(
            post.place, post.author_id
        )

    def _moderator_ids(self, community: str) -> list[str]:
        """The person ids GET /community?name= lists as the community's moderators."""
        listed = self._client.get("community", name=community).get("moderators")
        items = listed if isinstance(listed, list) else []
        return [str(item["moderator"]["id"]) for item in items if isinstance(item, dict)]


def _gone(exc: ApiError) -> CardGone | None:
    return CardGone(str(exc)) if exc.status == 404 or exc.code in GONE else None
