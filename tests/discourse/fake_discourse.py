"""A small Discourse API stand-in on 127.0.0.1, shaped by Discourse's OpenAPI description.

Serves what discourse/discourse_api_docs documents for these routes (the schemas are kept in
tests/fixtures/discourse/openapi-extract.json and every answer is checked against them by
test_fake_follows_openapi.py): `GET /posts.json` (`latest_posts`, newest first, 50 a page,
`before=` for older ones), `POST /posts.json` (`topic_id`, `raw`, `reply_to_post_number`),
`GET`/`DELETE /posts/{id}.json`, `GET /groups/{name}/members.json` and `GET /latest.json`
(the topic list, also for `topic_ids=`). Undocumented there, and taken from Discourse's
controllers: `GET /posts/by_number/{topic}/{n}.json`, `GET /session/current.json`, a reply
held for review (`action: enqueued`), older servers' id-window listings. Requests need the
`Api-Key` and `Api-Username` headers; errors are `{"errors": [...], "error_type": ...}`, a
rate limit a 429 with `Retry-After` and `extras.wait_seconds`.
"""

from __future__ import annotations

import html
import json
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.local_server import Answer, json_handler, request_body, running, serve, shut

Json = dict[str, Any]
API_KEY = "discourse-test-key-abcdef"
BOT = "evidence_bot"
PAGE = 50
# Fields of the latest-posts listing that the single-post and created-post answers lack.
LISTING_ONLY = ("topic_title", "topic_html_title", "category_id", "excerpt", "truncated")


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, str]
    body: Json
    api_key: str | None
    api_username: str | None


@dataclass
class FakeDiscourse:
    """The forum's posts, users and groups, failure switches and received requests."""

    staff: set[str] = field(default_factory=set)
    groups: dict[str, list[str]] = field(default_factory=dict)
    topics: dict[int, Json] = field(default_factory=dict)
    posts: dict[int, Json] = field(default_factory=dict)
    # Categories whose new replies wait for a moderator (Discourse's category setting
    # "require reply approval"; new accounts and watched words queue posts the same way).
    approval_categories: set[int] = field(default_factory=set)
    # A server from before LatestPostsQuery: id-window listings, posts without `post_url`.
    old_server: bool = False
    # How listings and single answers show a post (a hostile or broken server's shapes).
    mangled: dict[int, Callable[[Json], Any]] = field(default_factory=dict)
    # Group member pages: a `meta.total` to claim, and whether `offset` is ignored.
    group_total: int | None = None
    group_ignores_offset: bool = False
    pending: dict[int, Json] = field(default_factory=dict)
    reviewables: int = 0
    requests: list[Request] = field(default_factory=list)
    # Post ids edited (one entry per edit), and those past the edit time limit.
    edits: list[int] = field(default_factory=list)
    edit_closed: set[int] = field(default_factory=set)
    answers: list[tuple[str, Json]] = field(default_factory=list)
    _failures: list[tuple[int, str, str | None, bool, dict[str, str], Any]] = field(
        default_factory=list
    )
    _delays: list[tuple[float, str, str | None]] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeDiscourse:
        self._server = serve(_handler(self))
        return self

    def stop(self) -> None:
        shut(self._server)

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- building the forum ----------------------------------------------------------------

    def add_topic(self, category: int, title: str, raw: str, *, user: str = "member") -> int:
        """A new topic with its first post; returns the topic id."""
        with self._lock:
            topic_id = len(self.topics) + 10
            self.topics[topic_id] = {"id": topic_id, "category_id": category, "title": title,
                                     "closed": False, "posts": 0, "archetype": "regular"}  # fmt: skip
            return self._create(topic_id, raw, user, None)

    def add_private_messages(self, count: int) -> None:
        """A private message between members with `count` posts: ids the bot never sees."""
        with self._lock:
            topic_id = len(self.topics) + 10
            self.topics[topic_id] = {"id": topic_id, "category_id": None, "title": "PM",
                                     "closed": False, "posts": 0,
                                     "archetype": "private_message"}  # fmt: skip
            for n in range(count):
                self._create(topic_id, f"private {n}", "member", None)

    def add_post(self, topic_id: int, raw: str, *, user: str = "member",
                 reply_to: int | None = None) -> int:  # fmt: skip
        """A reply in a topic (to post number `reply_to`); returns the post id."""
        with self._lock:
            return self._create(topic_id, raw, user, reply_to)

    def edit_post(self, post_id: int, raw: str) -> None:
        with self._lock:
            post = self.posts[post_id]
            post.update(raw=raw, cooked=_cook(raw), version=post["version"] + 1)

    def approve(self, pending_id: int) -> int:
        """A moderator approves a queued post: it becomes a real post; returns its id."""
        with self._lock:
            held = self.pending.pop(pending_id)
            return self._create(held["topic_id"], held["raw"], BOT, held["reply_to"])

    def close_topic(self, topic_id: int) -> None:
        self.topics[topic_id]["closed"] = True

    def bot_replies(self, to_post: int | None = None) -> list[Json]:
        """The bot's live posts (answering post `to_post`, when given)."""
        mine = [p for p in self.posts.values() if p["username"] == BOT and not p["deleted_at"]]
        if to_post is None:
            return mine
        target = self.posts[to_post]
        number = str(target["post_number"])
        return [
            p
            for p in mine
            if p["topic_id"] == target["topic_id"] and p["reply_to_post_number"] == number
        ]

    def fail_next(self, status: int, *, path_contains: str = "", method: str | None = None,
                  after_commit: bool = False, headers: dict[str, str] | None = None,
                  body: Any = None) -> None:  # fmt: skip
        default = {"errors": ["Internal Server Error"], "error_type": "server_error"}
        self._failures.append(
            (
                status,
                path_contains,
                method,
                after_commit,
                headers or {},
                default if body is None else body,
            )
        )

    def rate_limit_next(self, seconds: int, *, path_contains: str = "") -> None:
        """A 429 as Discourse sends it: Retry-After and the same wait in the body."""
        body = {
            "errors": ["You’ve performed this action too many times. Please wait a few seconds."],
            "error_type": "rate_limit",
            "extras": {"wait_seconds": seconds, "time_left": f"{seconds} seconds"},
        }
        self.fail_next(429, path_contains=path_contains, headers={"Retry-After": str(seconds)},
                       body=body)  # fmt: skip

    def slow_next(
        self, seconds: float, *, path_contains: str = "", method: str | None = None
    ) -> None:
        """The next matching request is answered only after `seconds` (work done first)."""
        self._delays.append((seconds, path_contains, method))

    def requests_to(self, path_contains: str, method: str | None = None) -> list[Request]:
        return [r for r in self.requests if path_contains in r.path and method in {None, r.method}]

    # -- internals -------------------------------------------------------------------------

    def _create(self, topic_id: int, raw: str, user: str, reply_to: int | None) -> int:
        topic = self.topics[topic_id]
        topic["posts"] += 1
        post_id = len(self.posts) + 100
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        is_staff = user in self.staff
        self.posts[post_id] = {
            "id": post_id, "name": user.title(), "username": user,
            "avatar_template": f"/user_avatar/forum.test/{user}/{{size}}/1.png",
            "created_at": now, "updated_at": now, "raw": raw, "cooked": _cook(raw),
            "post_number": topic["posts"], "post_type": 1, "posts_count": topic["posts"],
            "reply_count": 0, "reply_to_post_number": str(reply_to) if reply_to else None,
            "quote_count": 0, "incoming_link_count": 0, "reads": 1, "readers_count": 0,
            "score": 0.0, "yours": user == BOT, "topic_id": topic_id,
            "topic_slug": f"topic-{topic_id}", "topic_title": topic["title"],
            "topic_html_title": topic["title"], "category_id": topic["category_id"],
            "display_username": user.title(), "primary_group_name": None, "flair_name": None,
            "flair_url": None, "flair_bg_color": None, "flair_color": None,
            "flair_group_id": None, "badges_granted": [], "version": 1, "can_edit": False,
            "can_delete": False, "can_recover": False, "can_see_hidden_post": False,
            "can_wiki": False, "user_title": None, "bookmarked": False,
            "actions_summary": [{"id": 2, "can_act": True}], "moderator": is_staff,
            "admin": False, "staff": is_staff, "user_id": abs(hash(user)) % 10_000,
            "hidden": False, "trust_level": 1, "deleted_at": None, "user_deleted": False,
            "edit_reason": None, "can_view_edit_history": True, "wiki": False,
            "excerpt": raw[:100], "truncated": len(raw) > 100, "reviewable_id": None,
            "reviewable_score_count": 0, "reviewable_score_pending_count": 0,
            "post_url": f"/t/topic-{topic_id}/{topic_id}/{topic['posts']}",
        }  # fmt: skip
        return post_id

    def _take(self, request: Request) -> tuple[Any, float]:
        with self._lock:
            delay = next(
                (
                    d
                    for d in self._delays
                    if d[1] in request.path and d[2] in {None, request.method}
                ),
                None,
            )
            if delay is not None:
                self._delays.remove(delay)
            for failure in self._failures:
                if failure[1] in request.path and failure[2] in {None, request.method}:
                    self._failures.remove(failure)
                    return failure, delay[0] if delay else 0.0
        return None, delay[0] if delay else 0.0

    def handle(self, request: Request) -> tuple[int, Json, dict[str, str]]:
        self.requests.append(request)
        failure, delay = self._take(request)
        # The key's user is looked up by name case-blind (User.find_by_username, username_lower).
        if request.api_key != API_KEY or (request.api_username or "").lower() != BOT:
            return 403, _error("invalid_access", "The API username or key is invalid."), {}
        if failure is not None and not failure[3]:
            return failure[0], failure[5], failure[4]
        with self._lock:
            status, answer, schema = self._route(request)
        if delay:
            time.sleep(delay)  # the work is done; only the answer is late
        if failure is not None:
            return failure[0], failure[5], failure[4]
        if status == 200 and schema:
            self.answers.append((schema, answer))
        return status, answer, {}

    def _route(self, request: Request) -> tuple[int, Json, str]:  # noqa: PLR0911 - a route a line
        path, method = request.path, request.method
        if path == "/posts.json" and method == "GET":
            return 200, self._latest(request), "GET /posts.json"
        if path == "/posts.json" and method == "POST":
            return self._reply(request)
        if path.startswith("/posts/by_number/") and path.endswith(".json"):
            return self._by_number(path)
        if path.startswith("/posts/") and path.endswith(".json"):
            return self._one(int(path[len("/posts/") : -len(".json")]), method, request.body)
        if path == "/session/current.json" and method == "GET":
            # SessionController#current: CurrentUserSerializer under `current_user`.
            user = {"id": 1, "username": BOT, "name": "Evidence Bot", "admin": False,
                    "moderator": False, "trust_level": 1}  # fmt: skip
            return 200, {"current_user": user}, ""
        if path == "/latest.json" and method == "GET":
            return self._topic_list(request)
        if path.startswith("/groups/") and path.endswith("/members.json"):
            return self._members(path.split("/")[2], request)
        return 404, _error("not_found", "The requested URL or resource could not be found."), ""

    def _latest(self, request: Request) -> Json:
        """PostsController#latest: only `before` is read (params.permit(:before)).

        Today (LatestPostsQuery#public_posts): the 50 newest public regular posts with
        `id < before`. Older servers listed an id window instead, `before - 50 < id <=
        before` (`before` defaulting to Post.last.id, a private message's too), so a window
        behind a run of private messages is empty.
        """
        public = [p for p in self.posts.values() if self._public(p)]
        before = int(request.query.get("before") or 0)
        if self.old_server:
            last = before if before > 0 else max(self.posts, default=0)
            window = [p for p in public if last - PAGE < p["id"] <= last]
            listed = sorted(window, key=lambda p: p["created_at"], reverse=True)
            return {"latest_posts": [self._shown(_without_url(p)) for p in listed]}
        below = [p for p in public if before <= 0 or p["id"] < before]
        listed = sorted(below, key=lambda p: -p["id"])
        return {"latest_posts": [self._shown(dict(p)) for p in listed[:PAGE]]}

    def _shown(self, post: Json) -> Any:
        mangle = self.mangled.get(post["id"])
        return mangle(post) if mangle is not None else post

    def _public(self, post: Json) -> bool:
        topic = self.topics[post["topic_id"]]
        return topic["archetype"] == "regular" and not post["deleted_at"]

    def _reply(self, request: Request) -> tuple[int, Json, str]:
        body = request.body
        topic = self.topics.get(int(body.get("topic_id") or 0))
        if topic is None:
            return 404, _error("not_found", "The requested URL or resource could not be found."), ""
        if topic["closed"]:
            return 403, _error("invalid_access", "You are not permitted to view the requested resource."), ""  # fmt: skip
        if len(str(body.get("raw", "")).strip()) < 20:
            return 422, _error("invalid_parameters", "Body is too short"), ""
        number = body.get("reply_to_post_number")
        if topic["category_id"] in self.approval_categories:
            return 200, self._enqueue(topic["id"], str(body["raw"]), number), ""
        post_id = self._create(topic["id"], str(body["raw"]), BOT, int(number) if number else None)
        created = {k: v for k, v in self.posts[post_id].items() if k not in LISTING_ONLY}
        return 200, {**created, "draft_sequence": 1}, "POST /posts.json"

    def _enqueue(self, topic_id: int, raw: str, number: Any) -> Json:
        """A post queued for review, answered as Discourse's PostsController#create does.

        NewPostResultSerializer with action "enqueued": no `post` (so no `id` at the top,
        see backwards_compatible_json), `pending_post` from TopicPendingPostSerializer
        (`id`, `raw`, `created_at`), `pending_count` and `success`; `reason` only for staff.
        """
        self.reviewables += 1
        pending_id = self.reviewables + 1000
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        self.pending[pending_id] = {"topic_id": topic_id, "raw": raw,
                                    "reply_to": int(number) if number else None}  # fmt: skip
        return {
            "action": "enqueued",
            "pending_post": {"id": pending_id, "raw": raw, "created_at": now},
            "pending_count": len(self.pending),
            "success": True,
        }

    def _one(self, post_id: int, method: str, body: Json | None = None) -> tuple[int, Json, str]:
        post = self.posts.get(post_id)
        if post is None or post["deleted_at"]:
            return 404, _error("not_found", "The requested URL or resource could not be found."), ""
        if self.topics[post["topic_id"]]["archetype"] != "regular":  # Guardian#can_see?
            return 403, _error("invalid_access", "You are not permitted to view the requested resource."), ""  # fmt: skip
        if method == "DELETE":
            if post["username"] != BOT:
                return 403, _error("invalid_access", "You are not permitted."), ""
            post["deleted_at"] = datetime.now(UTC).isoformat()
            return 200, {}, ""
        if method == "PUT":
            return self._edit(post, body or {})
        shown = {k: v for k, v in post.items() if k not in (*LISTING_ONLY, "badges_granted")}
        shown = _without_url(shown) if self.old_server else shown
        return 200, self._shown(shown), "" if post_id in self.mangled else "GET /posts/{id}.json"

    def _edit(self, post: Json, body: Json) -> tuple[int, Json, str]:
        """`PUT /posts/{id}.json` with `{"post": {"raw", "edit_reason"}}` (discourse_api_docs,
        "Update a single post"; PostsController#update): the post with its new raw, cooked
        and version. Only the author may edit (Guardian#can_edit_post?), and only within the
        site's `post_edit_time_limit` (then 403, as `edit_closed` holds)."""
        given = body.get("post")
        change: Json = given if isinstance(given, dict) else body
        raw = str(change.get("raw", ""))
        if post["username"] != BOT or post["id"] in self.edit_closed:
            return 403, _error("invalid_access", "You are not permitted to view the requested resource."), ""  # fmt: skip
        if not raw.strip():
            return 422, _error("invalid_parameters", "Body is too short"), ""
        post.update(raw=raw, cooked=_cook(raw), version=post["version"] + 1,
                    edit_reason=change.get("edit_reason"),
                    updated_at=datetime.now(UTC).isoformat(timespec="milliseconds"))  # fmt: skip
        self.edits.append(post["id"])
        return 200, {"post": {k: v for k, v in post.items() if k not in LISTING_ONLY}}, ""

    def _topic_list(self, request: Request) -> tuple[int, Json, str]:
        """`/latest.json` (ListController, TopicListItemSerializer) for the `topic_ids` asked:
        each topic's id, category and archetype; private messages are never in it."""
        wanted = {int(t) for t in request.query.get("topic_ids", "").split(",") if t.isdigit()}
        if "topic_ids" not in request.query:  # the latest list: most recently active first
            wanted = set(self.topics)
        active = sorted(self.topics.values(), key=self._last_activity, reverse=True)
        listed = [
            {"id": t["id"], "title": t["title"], "fancy_title": t["title"],
             "slug": f"topic-{t['id']}", "posts_count": t["posts"], "closed": t["closed"],
             "archetype": t["archetype"], "category_id": t["category_id"], "pinned": False,
             "visible": True, "highest_post_number": t["posts"]}
            for t in active
            if t["id"] in wanted and t["archetype"] == "regular"
        ]  # fmt: skip
        return (
            200,
            {"users": [], "topic_list": {"per_page": 30, "topics": listed}},
            "GET /latest.json",
        )

    def _last_activity(self, topic: Json) -> int:
        return max(
            (p["id"] for p in self.posts.values() if p["topic_id"] == topic["id"]), default=0
        )

    def _by_number(self, path: str) -> tuple[int, Json, str]:
        """`/posts/by_number/{topic}/{number}.json` (PostsController#by_number): one post."""
        parts = path[len("/posts/by_number/") : -len(".json")].split("/")
        found = [p["id"] for p in self.posts.values()
                 if [str(p["topic_id"]), str(p["post_number"])] == parts]  # fmt: skip
        if not found:
            return 404, _error("not_found", "The requested URL or resource could not be found."), ""
        return self._one(found[0], "GET")

    def _members(self, group: str, request: Request) -> tuple[int, Json, str]:
        if group not in self.groups:
            return 404, _error("not_found", "The requested URL or resource could not be found."), ""
        limit = int(request.query.get("limit") or 50)
        offset = 0 if self.group_ignores_offset else int(request.query.get("offset") or 0)
        names = self.groups[group]
        members = [
            {"id": n, "username": name, "name": None, "avatar_template": "/a/{size}.png",
             "title": None, "last_posted_at": "2026-01-01T00:00:00.000Z",
             "last_seen_at": "2026-01-01T00:00:00.000Z", "added_at": "2025-01-01T00:00:00.000Z",
             "timezone": "UTC"}
            for n, name in enumerate(names[offset : offset + limit])
        ]  # fmt: skip
        meta = {"total": self.group_total or len(names), "limit": limit, "offset": offset}
        return (
            200,
            {"members": members, "owners": [], "meta": meta},
            "GET /groups/{name}/members.json",
        )


def _cook(raw: str) -> str:
    """The cooked HTML of plain text: markdown-it escapes `&`, `<`, `>` and `"` (a post of
    32,000 `"` cooks to 192,000 characters of `&quot;`)."""
    escaped = html.escape(raw, quote=True).replace("&#x27;", "'")
    return f"<p>{escaped}</p>"


def _without_url(post: Json) -> Json:
    """A post as servers from before PostSerializer#post_url show it (the client's
    spec/fixtures/posts_before.json has no `post_url`)."""
    return {k: v for k, v in post.items() if k != "post_url"}


def _error(error_type: str, message: str) -> Json:
    return {"errors": [message], "error_type": error_type}


def _handler(fake: FakeDiscourse) -> type[BaseHTTPRequestHandler]:
    def answer(http: BaseHTTPRequestHandler) -> Answer:
        parts = urlsplit(http.path)
        raw = request_body(http)
        is_json = "json" in (http.headers.get("Content-Type") or "")
        body = json.loads(raw) if raw and is_json else dict(parse_qsl(raw))
        request = Request(http.command, parts.path, dict(parse_qsl(parts.query)), body,
                          http.headers.get("Api-Key"), http.headers.get("Api-Username"))  # fmt: skip
        return fake.handle(request)

    return json_handler(answer)


def running_fake_discourse() -> AbstractContextManager[FakeDiscourse]:
    return running(FakeDiscourse())
