"""A small Lemmy instance on 127.0.0.1, shaped by lemmy-js-client 0.19's published types.

Routes under `/api/v3` as `LemmyHttp` calls them: `POST /user/login` (`Login` ->
`LoginResponse` with `jwt`), `GET /post/list` and `GET /comment/list` (`GetPosts`,
`GetComments`: `community_name`, `post_id`, `sort=New`, `limit`, `page`; newest first),
`POST /comment` (`CreateComment` -> `CommentResponse`), `PUT /comment` (`EditComment`:
`comment_id`, `content` -> `CommentResponse`; api_crud comment/update.rs refuses a deleted or
removed comment with 400 `deleted` (check_comment_deleted_or_removed), another person's with
`no_comment_edit_allowed`, an unknown id 404 `couldnt_find_comment`), `POST /comment/delete`
(`DeleteComment`), `GET /post?id=` (`GetPostResponse`), `GET /comment?id=`
(`CommentResponse`) and `GET /community?name=` (`GetCommunityResponse` with `moderators`).
Views carry the fields of `PostView`/`CommentView`, `Post`, `Comment`, `Person` and
`Community` the bot could read. A comment's `path` is `0.<ancestors>.<id>` (Comment.path).
Writes need `Authorization: Bearer <jwt>` (LemmyHttp's `headers`); errors are
`{"error": "<LemmyErrorType>"}` (LemmyErrorType.d.ts), a rate limit `rate_limit_error`.
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.local_server import Answer, json_handler, request_body, serve, shut

Json = dict[str, Any]
HOST = "lemmy.test"
BOT = "evidence_bot"
PASSWORD = "lemmy-test-password-123"
JWT = "eyJhbGciOiJIUzI1NiJ9.test-session.signature"


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


@dataclass
class FakeLemmy:
    """The instance's people, communities, posts and comments; failure switches; requests."""

    people: dict[str, Json] = field(default_factory=dict)
    communities: dict[str, Json] = field(default_factory=dict)
    moderators: dict[str, list[str]] = field(default_factory=dict)
    admins: set[str] = field(default_factory=set)
    posts: dict[int, Json] = field(default_factory=dict)
    comments: dict[int, Json] = field(default_factory=dict)
    requests: list[tuple[str, str, Json]] = field(default_factory=list)
    edits: list[int] = field(default_factory=list)  # comment ids, each successful PUT /comment
    # (method, route) -> (status, error code, save the write first) answered once each
    _failures: list[tuple[str, str, int, str, bool]] = field(default_factory=list)
    _delays: list[tuple[str, str, float]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeLemmy:
        self.person(BOT, bot_account=True)
        self._server = serve(json_handler(self._answer))
        return self

    def stop(self) -> None:
        shut(self._server)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # The instance's content, as its members would make it.
    def person(self, name: str, *, bot_account: bool = False) -> Json:
        if name not in self.people:
            self.people[name] = {"id": len(self.people) + 1, "name": name, "banned": False,
                                 "published": _now(), "actor_id": f"https://{HOST}/u/{name}",
                                 "local": True, "deleted": False, "bot_account": bot_account,
                                 "instance_id": 1}  # fmt: skip
        return self.people[name]

    def community(self, name: str, moderators: list[str] = ()) -> Json:  # type: ignore[assignment]
        self.communities[name] = {"id": len(self.communities) + 1, "name": name, "title": name,
                                  "removed": False, "published": _now(), "deleted": False,
                                  "nsfw": False, "actor_id": f"https://{HOST}/c/{name}",
                                  "local": True, "hidden": False, "instance_id": 1,
                                  "posting_restricted_to_mods": False,
                                  "visibility": "Public"}  # fmt: skip
        self.moderators[name] = list(moderators)
        return self.communities[name]

    def add_post(self, community: str, author: str, title: str, body: str = "") -> int:
        number = next(self._ids)
        self.posts[number] = {"id": number, "name": title, "body": body or None,
                              "creator_id": self.person(author)["id"], "removed": False,
                              "community_id": self.communities[community]["id"],
                              "locked": False, "published": _now(), "deleted": False,
                              "nsfw": False, "ap_id": f"https://{HOST}/post/{number}",
                              "local": True, "language_id": 0, "featured_community": False,
                              "featured_local": False}  # fmt: skip
        return number

    def add_comment(self, post: int, author: str, content: str, parent: int | None = None) -> int:
        number = next(self._ids)
        path = f"{self.comments[parent]['path']}.{number}" if parent else f"0.{number}"
        self.comments[number] = {"id": number, "creator_id": self.person(author)["id"],
                                 "post_id": post, "content": content, "removed": False,
                                 "published": _now(), "deleted": False,
                                 "ap_id": f"https://{HOST}/comment/{number}", "local": True,
                                 "path": path, "distinguished": False,
                                 "language_id": 0}  # fmt: skip
        return number

    def edit_comment(self, number: int, content: str) -> None:
        self.comments[number].update(content=content, updated=_now())

    def fail(
        self, method: str, route: str, status: int, error: str, *, saved: bool = False
    ) -> None:
        """Answer the next `method route` with an error; `saved`: after doing the write."""
        self._failures.append((method, route, status, error, saved))

    def slow_next(self, method: str, route: str, seconds: float) -> None:
        """Answer the next `method route` only after `seconds` (the write is done first)."""
        self._delays.append((method, route, seconds))

    def bot_replies(self, to: str | None = None) -> list[Json]:
        """The bot's live comments (answering `to`: `post/N` or `comment/N`)."""
        mine = self.people[BOT]["id"]
        return [c for c in self.comments.values() if c["creator_id"] == mine
                and not c["deleted"] and (to is None or self._parent(c) == to)]  # fmt: skip

    def _parent(self, comment: Json) -> str:
        ids = comment["path"].split(".")
        return f"comment/{ids[-2]}" if len(ids) > 2 else f"post/{comment['post_id']}"

    # Views, as lemmy-js-client types them.
    def _creator(self, person_id: int) -> Json:
        return next(p for p in self.people.values() if p["id"] == person_id)

    def _community_of(self, post: Json) -> Json:
        return next(c for c in self.communities.values() if c["id"] == post["community_id"])

    def _view_flags(self, creator: Json, community: Json) -> Json:
        return {"creator_banned_from_community": False, "banned_from_community": False,
                "creator_is_moderator": creator["name"] in self.moderators[community["name"]],
                "creator_is_admin": creator["name"] in self.admins, "subscribed": "NotSubscribed",
                "saved": False, "creator_blocked": False}  # fmt: skip

    def post_view(self, post: Json) -> Json:
        creator, community = self._creator(post["creator_id"]), self._community_of(post)
        return {"post": post, "creator": creator, "community": community,
                **self._view_flags(creator, community), "counts": {"post_id": post["id"]},
                "read": False, "hidden": False, "unread_comments": 0}  # fmt: skip

    def comment_view(self, comment: Json) -> Json:
        post = self.posts[comment["post_id"]]
        creator, community = self._creator(comment["creator_id"]), self._community_of(post)
        # Lemmy blanks a deleted or removed comment's content for readers.
        shown = {**comment, "content": ""} if comment["deleted"] or comment["removed"] else comment
        return {"comment": shown, "creator": creator, "post": post, "community": community,
                **self._view_flags(creator, community),
                "counts": {"comment_id": comment["id"]}}  # fmt: skip

    # The HTTP side.
    def _answer(self, request: BaseHTTPRequestHandler) -> Answer:
        url = urlsplit(request.path)
        query = dict(parse_qsl(url.query))
        writes = ("POST", "PUT")
        body = json.loads(request_body(request) or "{}") if request.command in writes else {}
        route = url.path.removeprefix("/api/v3/")
        delay = next((d for d in self._delays if d[:2] == (request.command, route)), None)
        if delay is not None:
            self._delays.remove(delay)
            answer = self._answer_now(request, route, query, body)
            threading.Event().wait(delay[2])
            return answer
        return self._answer_now(request, route, query, body)

    def _answer_now(
        self, request: BaseHTTPRequestHandler, route: str, query: Json, body: Json
    ) -> Answer:
        with self._lock:
            self.requests.append((request.command, route, query or body))
            failure = next((f for f in self._failures if f[:2] == (request.command, route)), None)
            if failure is not None:
                self._failures.remove(failure)
                if failure[4]:
                    self._route(request, route, query, body)
                headers = {"Retry-After": "1"} if failure[2] == 429 else {}
                return failure[2], {"error": failure[3]}, headers
            return self._route(request, route, query, body)

    def _route(
        self, request: BaseHTTPRequestHandler, route: str, query: Json, body: Json
    ) -> Answer:
        signed_in = request.headers.get("Authorization") == f"Bearer {JWT}"
        if request.command == "POST" and route == "user/login":
            if body.get("username_or_email") != BOT or body.get("password") != PASSWORD:
                return 400, {"error": "incorrect_login"}, {}
            return 200, {"jwt": JWT, "registration_created": False, "verify_email_sent": False}, {}
        if request.command in ("POST", "PUT") and not signed_in:
            return 401, {"error": "not_logged_in"}, {}
        handler = {("GET", "post/list"): self._post_list, ("GET", "comment/list"): self._comment_list,
                   ("POST", "comment"): self._create, ("PUT", "comment"): self._edit,
                   ("POST", "comment/delete"): self._delete,
                   ("GET", "post"): self._get_post, ("GET", "comment"): self._get_comment,
                   ("GET", "community"): self._get_community}.get((request.command, route))  # fmt: skip
        if handler is None:
            return 404, {"error": "unknown_route"}, {}
        return handler(query or body)

    def _page(self, items: list[Json], query: Json) -> list[Json]:
        limit, page = int(query.get("limit", 10)), int(query.get("page", 1))
        ordered = sorted(items, key=lambda item: item["id"], reverse=query.get("sort") == "New")
        return ordered[(page - 1) * limit : page * limit]

    def _in(self, post: Json, query: Json) -> bool:
        name = query.get("community_name")
        return name is None or self._community_of(post)["name"] == name

    def _post_list(self, query: Json) -> Answer:
        # Deleted and removed posts are left out of listings for members.
        live = [p for p in self.posts.values() if not (p["deleted"] or p["removed"])]
        posts = self._page([p for p in live if self._in(p, query)], query)
        return 200, {"posts": [self.post_view(p) for p in posts]}, {}

    def _comment_list(self, query: Json) -> Answer:
        found = [c for c in self.comments.values() if self._in(self.posts[c["post_id"]], query)
                 and ("post_id" not in query or c["post_id"] == int(query["post_id"]))]  # fmt: skip
        return 200, {"comments": [self.comment_view(c) for c in self._page(found, query)]}, {}

    def _create(self, body: Json) -> Answer:
        post = self.posts.get(int(body["post_id"]))
        if post is None or post["deleted"]:
            return 404, {"error": "couldnt_find_post"}, {}
        if post["locked"]:
            return 400, {"error": "locked"}, {}
        number = self.add_comment(post["id"], BOT, body["content"], body.get("parent_id"))
        return 200, {"comment_view": self.comment_view(self.comments[number]),
                     "recipient_ids": []}, {}  # fmt: skip

    def _edit(self, body: Json) -> Answer:
        comment = self.comments.get(int(body["comment_id"]))
        if comment is None:
            return 404, {"error": "couldnt_find_comment"}, {}
        if comment["deleted"] or comment["removed"]:
            return 400, {"error": "deleted"}, {}
        if comment["creator_id"] != self.people[BOT]["id"]:
            return 400, {"error": "no_comment_edit_allowed"}, {}
        self.edit_comment(comment["id"], str(body["content"]))
        self.edits.append(comment["id"])
        return 200, {"comment_view": self.comment_view(comment), "recipient_ids": []}, {}

    def _delete(self, body: Json) -> Answer:
        comment = self.comments.get(int(body["comment_id"]))
        if comment is None:
            return 404, {"error": "couldnt_find_comment"}, {}
        comment["deleted"] = bool(body["deleted"])
        return 200, {"comment_view": self.comment_view(comment), "recipient_ids": []}, {}

    def _get_post(self, query: Json) -> Answer:
        post = self.posts.get(int(query["id"]))
        if post is None:
            return 404, {"error": "couldnt_find_post"}, {}
        community = self._community_of(post)
        return 200, {"post_view": self.post_view(post), "community_view": {"community": community},
                     "moderators": self._moderator_views(community["name"]),
                     "cross_posts": []}, {}  # fmt: skip

    def _get_comment(self, query: Json) -> Answer:
        comment = self.comments.get(int(query["id"]))
        if comment is None:
            return 404, {"error": "couldnt_find_comment"}, {}
        return 200, {"comment_view": self.comment_view(comment), "recipient_ids": []}, {}

    def _get_community(self, query: Json) -> Answer:
        community = self.communities.get(str(query.get("name")))
        if community is None:
            return 404, {"error": "couldnt_find_community"}, {}
        return 200, {"community_view": {"community": community, "subscribed": "NotSubscribed",
                                        "blocked": False, "banned_from_community": False},
                     "moderators": self._moderator_views(community["name"]),
                     "discussion_languages": []}, {}  # fmt: skip

    def _moderator_views(self, name: str) -> list[Json]:
        community = self.communities[name]
        return [
            {"community": community, "moderator": self.person(m)} for m in self.moderators[name]
        ]
