"""A small XenForo 2 REST API stand-in on 127.0.0.1, built from XenForo's API documentation.

https://xenforo.com/community/pages/api-endpoints/ describes what is served here:
`GET me/`, `GET forums/{id}/threads` (threads most recently active first, with `sticky`
and a `pagination` object of `current_page`, `last_page`, `per_page`, `shown`, `total`),
`GET threads/{id}/posts?page=` (posts in thread order, 20 a page), `GET posts/{id}/`,
`POST posts/` (form fields `thread_id`, `message`), `DELETE posts/{id}/` and
`GET users/{id}/`. Every request needs the `XF-Api-Key` header; errors are
`{"errors": [{"code", "message", "params"}]}` with XenForo's phrase keys. A user's
`is_admin`, `is_moderator` and group ids are shown only to administrators (see `_user_view`);
`is_staff` to every key. Tests add threads,
posts and edits, switch failures on (429 with Retry-After, 5xx, slow answers) and read back
every request.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.local_server import Answer, json_handler, request_body, running, serve, shut

Json = dict[str, Any]
API_KEY = "xf-test-key-0123456789"
BOT_ID = 1
PER_PAGE = 20
MESSAGE_LIMIT = 25_000  # XenForo's default messageMaxLength


@dataclass(frozen=True)
class Request:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    api_key: str | None
    api_user: str | None = None


@dataclass
class _Failure:
    status: int
    path_contains: str
    method: str | None
    remaining: int
    after_commit: bool
    headers: dict[str, str]


@dataclass
class FakeXenForo:
    """The forum's state, its failure switches and the requests it received."""

    users: dict[int, Json] = field(default_factory=dict)
    threads: dict[int, Json] = field(default_factory=dict)
    posts: dict[int, Json] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    # Post ids edited (one entry per edit), and those past the edit time limit.
    edits: list[int] = field(default_factory=list)
    edit_closed: set[int] = field(default_factory=set)
    _failures: list[_Failure] = field(default_factory=list)
    _delays: list[tuple[float, str]] = field(default_factory=list)
    _lock: threading.RLock = field(default_factory=threading.RLock)
    _server: ThreadingHTTPServer | None = None
    _clock: int = field(default_factory=lambda: int(time.time()) - 3600)
    # The bot's user is an administrator with the "Manage users" admin permission: it sees
    # every user's flags and groups. Off: the usual key of a member account.
    bot_manages_users: bool = False
    # The key is a super user key: `api_bypass_permissions=1` lifts the context user's limits.
    super_user_key: bool = False
    # What `GET me/` answers instead of the bot's user (a malformed answer, for tests).
    me_answer: Json | None = None
    # Each forum's admin-set thread sort (XenForo's forum option "Default sort order"),
    # used when a listing does not send `order`; XenForo's default is the last post date.
    forum_sort: dict[int, tuple[str, str]] = field(default_factory=dict)
    # Forums whose options do not allow new posts.
    no_posting_nodes: set[int] = field(default_factory=set)
    _mangles: list[list[Any]] = field(default_factory=list)  # [path part, change, count]

    def __post_init__(self) -> None:
        self.add_user(BOT_ID, "EvidenceBot")

    # -- running ---------------------------------------------------------------------------

    def start(self) -> FakeXenForo:
        self._server = serve(_handler(self))
        return self

    def stop(self) -> None:
        shut(self._server)

    @property
    def url(self) -> str:
        """The API's base address, like `https://forum.example/api`."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/api"

    # -- building the forum ----------------------------------------------------------------

    def add_user(self, user_id: int, name: str, *, group: int = 2, secondary: tuple[int, ...] = (),
                 admin: bool = False, moderator: bool = False,
                 staff: bool | None = None) -> None:  # fmt: skip
        """A member; admins and moderators are shown as staff unless `staff` says otherwise."""
        self.users[user_id] = {
            "user_id": user_id,
            "username": name,
            "user_group_id": group,
            "secondary_group_ids": list(secondary),
            "is_admin": admin,
            "is_moderator": moderator,
            "is_staff": admin or moderator if staff is None else staff,
        }

    def add_thread(self, node_id: int, title: str, message: str, *, user_id: int = 10) -> int:
        """A new thread with its first post; returns the thread id."""
        with self._lock:
            thread_id = len(self.threads) + 100
            self.threads[thread_id] = {
                "thread_id": thread_id,
                "node_id": node_id,
                "title": title,
                "discussion_open": True,
                "discussion_state": "visible",
                "reply_count": -1,
                "user_id": user_id,
                "username": self.users[user_id]["username"],
                "post_date": self._tick(),
                "view_url": f"http://forum.test/threads/{thread_id}/",
            }
            first = self._create_post(thread_id, message, user_id)
            self.threads[thread_id]["first_post_id"] = first
            return thread_id

    def add_post(self, thread_id: int, message: str, *, user_id: int = 10) -> int:
        with self._lock:
            return self._create_post(thread_id, message, user_id)

    def edit_post(self, post_id: int, message: str) -> None:
        with self._lock:
            self.posts[post_id].update(message=message, last_edit_date=self._tick())

    def close_thread(self, thread_id: int) -> None:
        self.threads[thread_id]["discussion_open"] = False

    def handle_user_view(self, user_id: int) -> Json:
        """User `user_id` as `GET users/{id}/` shows it to the bot's key (no bypass)."""
        return self._user_view(self.users[user_id], Request("GET", "", {}, {}, API_KEY))

    def replies_by_bot(self, quoting: int | None = None) -> list[Json]:
        """The bot's visible posts (quoting post `quoting`, when given)."""
        mine = [p for p in self.posts.values() if p["user_id"] == BOT_ID]
        mine = [p for p in mine if p["message_state"] == "visible"]
        if quoting is None:
            return mine
        return [p for p in mine if f"post: {quoting}," in p["message"]]

    def fail_next(self, status: int, *, path_contains: str = "", method: str | None = None,
                  count: int = 1, after_commit: bool = False,
                  headers: dict[str, str] | None = None) -> None:  # fmt: skip
        """The next `count` matching requests answer `status` (after doing the work, if told)."""
        self._failures.append(
            _Failure(status, path_contains, method, count, after_commit, headers or {})
        )

    def mangle_next(
        self, path_contains: str, change: Callable[[Json], Json], *, count: int = 1
    ) -> None:
        """The next `count` successful answers to a matching path pass through `change`."""
        self._mangles.append([path_contains, change, count])

    def slow_next(self, seconds: float, *, path_contains: str = "") -> None:
        self._delays.append((seconds, path_contains))

    def requests_to(self, path_contains: str, method: str | None = None) -> list[Request]:
        return [r for r in self.requests if path_contains in r.path and method in {None, r.method}]

    # -- internals -------------------------------------------------------------------------

    def _tick(self) -> int:
        self._clock = max(self._clock + 1, int(time.time()) - 3000)
        return self._clock

    def _create_post(self, thread_id: int, message: str, user_id: int) -> int:
        thread = self.threads[thread_id]
        post_id = len(self.posts) + 1000
        thread["reply_count"] += 1
        now = self._tick()
        self.posts[post_id] = {
            "post_id": post_id,
            "thread_id": thread_id,
            "user_id": user_id,
            "username": self.users[user_id]["username"],
            "post_date": now,
            "message": message,
            "message_state": "visible",
            "last_edit_date": 0,
            "position": thread["reply_count"],
            "is_first_post": thread["reply_count"] == 0,
            "view_url": f"http://forum.test/posts/{post_id}/",
        }
        thread.update(last_post_id=post_id, last_post_date=now)
        return post_id

    def _take(self, request: Request) -> tuple[_Failure | None, float]:
        with self._lock:
            delay = next((d for d in self._delays if d[1] in request.path), None)
            if delay is not None:
                self._delays.remove(delay)
            for failure in self._failures:
                if failure.path_contains in request.path and failure.method in {
                    None,
                    request.method,
                }:
                    failure.remaining -= 1
                    if failure.remaining == 0:
                        self._failures.remove(failure)
                    return failure, delay[0] if delay else 0.0
        return None, delay[0] if delay else 0.0

    def handle(self, request: Request) -> tuple[int, Json, dict[str, str]]:
        self.requests.append(request)
        failure, delay = self._take(request)
        if request.api_key != API_KEY:
            return (
                401,
                _error("api_key_not_found", "API key provided in request was not found."),
                {},
            )
        if failure is not None and not failure.after_commit:
            return failure.status, _error("server_error", "Failure"), failure.headers
        with self._lock:
            status, body = self._route(request)
        if delay:
            time.sleep(delay)  # the work is done; only the answer is late
        if failure is not None:
            return failure.status, _error("server_error", "Failure"), failure.headers
        with self._lock:
            mangle = next((m for m in self._mangles if m[0] in request.path), None)
            if mangle is not None and status == 200:
                mangle[2] -= 1
                if mangle[2] == 0:
                    self._mangles.remove(mangle)
                body = mangle[1](body)
        return status, body, {}

    def _route(self, request: Request) -> tuple[int, Json]:  # noqa: PLR0911 - one per endpoint
        parts = [p for p in request.path.split("/") if p][1:]  # drop "api"
        method = request.method
        if parts == ["me"] and method == "GET" and self.me_answer is not None:
            return 200, self.me_answer
        if parts == ["me"] and method == "GET":
            return 200, {"me": self._user_view(self.users[BOT_ID], request)}
        if len(parts) == 3 and parts[0] == "forums" and parts[2] == "threads":
            return self._threads(int(parts[1]), request)
        if len(parts) == 3 and parts[0] == "threads" and parts[2] == "posts":
            return self._posts(int(parts[1]), request)
        if parts == ["posts"] and method == "POST":
            return self._reply(request)
        if len(parts) == 2 and parts[0] == "posts" and method == "POST":
            return self._edit(int(parts[1]), request)
        if len(parts) == 2 and parts[0] == "posts":
            return self._one_post(int(parts[1]), method)
        if len(parts) == 2 and parts[0] == "users" and int(parts[1]) in self.users:
            return 200, {"user": self._user_view(self.users[int(parts[1])], request)}
        return 404, _error("requested_page_not_found", "The requested page could not be found.")

    def _user_view(self, user: Json, request: Request) -> Json:
        """A user as the API shows it to the bot's key.

        XenForo treats groups as internal: `user_group_id` and `secondary_group_ids` are
        shown only to an administrator with the "user" admin permission, or to a super user
        key's request with `api_bypass_permissions=1` (XenForo staff, xenforo.com/community
        threads 190111 and 224415: "only exposed to administrators or when bypassing
        permissions"; the API docs' "Bypassing permissions"). The `is_admin` and
        `is_moderator` flags likewise, except to the user themself; `is_staff` is public
        (issue 23, read from XenForo 2's User entity API result).
        """
        bypass = self.super_user_key and request.query.get("api_bypass_permissions") == "1"
        if self.bot_manages_users or bypass:
            return dict(user)
        hidden = {"user_group_id", "secondary_group_ids"}
        if user["user_id"] != BOT_ID:
            hidden |= {"is_admin", "is_moderator"}
        return {key: value for key, value in user.items() if key not in hidden}

    def _threads(self, node_id: int, request: Request) -> tuple[int, Json]:
        """`GET forums/{id}/threads`: `order` and `direction` if sent, else the forum's sort.

        The endpoint documents `order` ("Method of ordering: last_post_date, post_date, title,
        reply_count, view_count, first_post_reaction_score") and `direction` (asc, desc);
        without them the forum's own default sort applies (XenForo's forum options).
        """
        listed = [t for t in self.threads.values() if t["node_id"] == node_id]
        order, direction = self.forum_sort.get(node_id, ("last_post_date", "desc"))
        order = request.query.get("order", order)
        direction = request.query.get("direction", direction)
        listed.sort(key=lambda t: (t[order], t["thread_id"]), reverse=direction == "desc")
        page = int(request.query.get("page", "1"))
        shown, pagination = _paginate(listed, page)
        return 200, {"threads": shown, "sticky": [], "pagination": pagination}

    def _posts(self, thread_id: int, request: Request) -> tuple[int, Json]:
        if thread_id not in self.threads:
            return 404, _error("requested_thread_not_found", "Requested thread not found.")
        posts = sorted(
            (p for p in self.posts.values() if p["thread_id"] == thread_id),
            key=lambda p: p["position"],
        )
        page = int(request.query.get("page", "1"))
        shown, pagination = _paginate(posts, page)
        if page > pagination["last_page"]:
            # XenForo's API answers a page past the end with 400 `invalid_page` naming the
            # last page in `params.max` (issue 23, seen on a real XenForo 2).
            return 400, _error(
                "invalid_page", "The requested page does not exist.",
                {"max": pagination["last_page"]},
            )  # fmt: skip
        return 200, {"posts": shown, "pagination": pagination}

    def _reply(self, request: Request) -> tuple[int, Json]:
        thread_id = int(request.form.get("thread_id", "0") or 0)
        message = request.form.get("message", "")
        thread = self.threads.get(thread_id)
        if thread is None:
            return 404, _error("requested_thread_not_found", "Requested thread not found.")
        # XenForo 2's phrases for a closed thread and a forum that does not allow posting.
        if not thread["discussion_open"]:
            return 403, _error(
                "you_may_not_perform_this_action_because_discussion_is_closed",
                "You may not perform this action because the discussion is closed.",
            )
        if thread["node_id"] in self.no_posting_nodes:
            return 403, _error(
                "you_may_not_perform_this_action_because_forum_does_not_allow_posting",
                "You may not perform this action because the forum does not allow posting.",
            )
        if not message.strip():
            return 400, _error("please_enter_valid_message", "Please enter a valid message.")
        if len(message) > MESSAGE_LIMIT:
            return 400, _error(
                "please_enter_message_with_no_more_than_x_characters",
                f"Please enter a message with no more than {MESSAGE_LIMIT} characters.",
                {"count": MESSAGE_LIMIT},
            )
        post_id = self._create_post(thread_id, message, BOT_ID)
        return 200, {"success": True, "post": self.posts[post_id]}

    def _edit(self, post_id: int, request: Request) -> tuple[int, Json]:
        """`POST posts/{id}/` with `message` (XenForo 2 REST API endpoints, "POST posts/{id}/:
        Updates the specified post"; also `silent`, `clear_edit`, `author_alert`): the
        updated post. Only the author may edit, and only within the edit time limit
        (the `editOwnPostTimeLimit` permission; then 403 with XenForo's phrase)."""
        post = self.posts.get(post_id)
        if post is None or post["message_state"] == "deleted":
            return 404, _error("requested_post_not_found", "Requested post not found.")
        if post["user_id"] != BOT_ID:
            return 403, _error("do_not_have_permission", "You do not have permission.")
        if post_id in self.edit_closed:
            return 403, _error(
                "message_edit_time_limit_expired",
                "The time limit for editing this message has expired.",
            )
        message = request.form.get("message", "")
        if not message.strip():
            return 400, _error("please_enter_valid_message", "Please enter a valid message.")
        post["message"] = message
        post["last_edit_date"] = int(time.time())
        self.edits.append(post_id)
        return 200, {"success": True, "post": {**post, "Thread": self.threads[post["thread_id"]]}}

    def _one_post(self, post_id: int, method: str) -> tuple[int, Json]:
        post = self.posts.get(post_id)
        if post is None or post["message_state"] == "deleted":
            return 404, _error("requested_post_not_found", "Requested post not found.")
        if method == "DELETE":
            if post["user_id"] != BOT_ID:
                return 403, _error("do_not_have_permission", "You do not have permission.")
            post["message_state"] = "deleted"
            return 200, {"success": True}
        return 200, {"post": {**post, "Thread": self.threads[post["thread_id"]]}}


def _paginate(items: list[Json], page: int) -> tuple[list[Json], Json]:
    last = max(1, math.ceil(len(items) / PER_PAGE))
    shown = items[(page - 1) * PER_PAGE : page * PER_PAGE]
    pagination = {
        "current_page": page,
        "last_page": last,
        "per_page": PER_PAGE,
        "shown": len(shown),
        "total": len(items),
    }
    return shown, pagination


def _error(code: str, message: str, params: Json | None = None) -> Json:
    return {"errors": [{"code": code, "message": message, "params": params or {}}]}


def _handler(fake: FakeXenForo) -> type[BaseHTTPRequestHandler]:
    def answer(http: BaseHTTPRequestHandler) -> Answer:
        parts = urlsplit(http.path)
        request = Request(
            method=http.command,
            path=parts.path,
            query=dict(parse_qsl(parts.query)),
            form=dict(parse_qsl(request_body(http), keep_blank_values=True)),
            api_key=http.headers.get("XF-Api-Key"),
            api_user=http.headers.get("XF-Api-User"),
        )
        return fake.handle(request)

    return json_handler(answer)


def running_fake_xenforo() -> AbstractContextManager[FakeXenForo]:
    return running(FakeXenForo())
