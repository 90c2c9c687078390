"""A small Reddit API stand-in on 127.0.0.1 for driving the real praw client in tests.

It implements what praw and prawcore request for this bot: the password-grant token
endpoint, subreddit listings of new submissions and comments (with Reddit's `before`,
`after` and `limit` paging), `/api/info`, `/api/comment`, `/api/del`, the moderator list,
`/api/v1/me`, `/r/<sub>/about` and a user's comment history. Tests add posts and comments,
switch failures on (5xx, slow answers, RATELIMIT errors, a ban) and read back every request
it received and how many bytes each answer had.

Where real Reddit differs from a tidy model, the fake follows Reddit (as recorded in praw's
test cassettes and described in praw's documentation):
- listings are ordered by creation second; items created in the same second are listed in
  no id order (praw's cassette `TestSubredditStreams.test_comments` lists t1_dbhn10g above
  t1_dbhn10h within one second; here: the one created first is listed first, above later
  ones), and an item indexed or approved late (`created_utc` in the past) appears below
  newer ones;
- `before=<fullname>` of an item no longer listed (deleted, removed) answers an empty
  listing, the same answer as "nothing new" (the cassette's probe `before=t1_dbhn11d`
  answers `children: []`, `after` and `before` null);
- `/r/a+b+c/new` combines subreddits the way reddit's source does (see `_combined_route`);
- an edited item's `edited` is the edit's time, otherwise `false`;
- every answer carries `x-ratelimit-remaining` (a float), `-used` and `-reset` headers
  (recorded in praw's cassettes as e.g. `583.0`, `17`, `511`);
- a reply to a locked submission or comment is refused with 403, like a ban; the
  subreddit's about page tells them apart with `user_is_banned`;
- a private subreddit answers 403 (`reason: private`), one Reddit closed 404
  (`reason: banned`), and an unknown one redirects (302) to the subreddit search;
- `/api/comment` may create the comment and return `things: []` (quarantined subreddits);
- RATELIMIT errors come in several wordings ("Take a break for 9 minutes", "Try again in
  3 seconds", "9m30s"), shaped `["RATELIMIT", "You are doing that too much. Try again in 1
  minute.", "ratelimit"]` as in praw's `tests/unit/test_reddit.py`.

The shapes follow Reddit's JSON (a `Listing` of `t1`/`t3` things, errors as
`{"json": {"errors": [[code, message, field]]}}`), as documented at
https://www.reddit.com/dev/api and as praw's objector expects.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

Json = dict[str, Any]

RATELIMIT_MESSAGE = (
    "Looks like you've been doing that a lot. Take a break for {amount} before trying again."
)
RATELIMIT_TRY_AGAIN = "You are doing that too much. Try again in {amount}."
# A budget large enough that prawcore never spreads the tests' requests out; a test that
# wants Reddit's real window sets it with `set_ratelimit`.
DEFAULT_RATELIMIT_BUDGET = 10_000_000
RATELIMIT_WINDOW_SECONDS = 600
FAKE_CLIENT_ID = "fake-client-id"
FAKE_CLIENT_SECRET = "fake-client-secret"
FAKE_BOT_NAME = "evidence_bot_test"
FAKE_PASSWORD = "fake-password"
_FIRST_CREATED_UTC = 1_700_000_000.0
_PAGE_CAP = 100  # Reddit returns at most 100 things per listing page.


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server saw it."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    authorization: str | None
    user_agent: str


@dataclass
class _Subreddit:
    name: str
    moderators: list[str]
    banned: bool = False
    private: bool = False
    closed: bool = False  # banned by Reddit itself: every page answers 404
    submissions: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


@dataclass
class _Thing:
    kind: str  # "t1" comment or "t3" submission
    data: Json
    sequence: int  # creation order, for same-second ties

    @property
    def sort_key(self) -> tuple[float, int]:
        """Newest second first, then creation order; damaged times sort as the oldest."""
        created = self.data.get("created_utc")
        seconds = float(created) if isinstance(created, int | float) else 0.0
        return (-seconds, self.sequence)

    hidden: bool = False  # deleted or removed: gone from listings


@dataclass
class _Failure:
    status: int
    path_contains: str
    method: str | None
    remaining: int
    after_commit: bool = False
    skip: int = 0


@dataclass
class _Delay:
    seconds: float
    path_contains: str
    remaining: int
    after_work: bool = False


class FakeReddit:
    """The fake server and its state; use as a context manager or call start()/stop()."""

    def __init__(
        self,
        *,
        client_id: str = FAKE_CLIENT_ID,
        client_secret: str = FAKE_CLIENT_SECRET,
        username: str = FAKE_BOT_NAME,
        password: str = FAKE_PASSWORD,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.username = username
        self.password = password
        self.requests: list[RecordedRequest] = []
        self._subreddits: dict[str, _Subreddit] = {}
        self._things: dict[str, _Thing] = {}
        self._tokens: set[str] = set()
        self._issued = 0
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []
        self._ratelimits: list[str] = []
        self._withheld_replies = 0
        self.edits: list[str] = []  # fullnames edited through /api/editusertext, one per edit
        self._ratelimit_used = 0
        self._ratelimit_override: tuple[int, int] | None = None
        self._window_start = time.monotonic()
        self.served: list[tuple[str, int]] = []  # (path, bytes of the answer body)
        self._next_id = 1000
        self._clock = _FIRST_CREATED_UTC
        self._lock = threading.RLock()
        self._release = threading.Event()
        self._holding = 0  # slowed requests whose work or answer is still held back
        self._held_done = threading.Condition(self._lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------

    def start(self) -> FakeReddit:
        """Listen on a free port of 127.0.0.1 in a background thread."""
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release any held (slow) answers and shut the server down."""
        self._release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeReddit:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL, used as both praw's oauth_url and reddit_url."""
        assert self._server is not None, "start() the server first"
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    # -- building the world ---------------------------------------------------------------

    def add_subreddit(
        self,
        name: str,
        *,
        moderators: tuple[str, ...] = (),
        banned: bool = False,
        private: bool = False,
        closed: bool = False,
    ) -> None:
        """A subreddit; `banned` refuses the bot's comments, `private` refuses listings,
        `closed` (banned by Reddit) answers 404 everywhere."""
        with self._lock:
            self._subreddits[name.lower()] = _Subreddit(
                name=name,
                moderators=list(moderators),
                banned=banned,
                private=private,
                closed=closed,
            )

    def set_private(self, subreddit: str, private: bool = True) -> None:
        """Make the subreddit private (or public again)."""
        with self._lock:
            self._subreddits[subreddit.lower()].private = private

    def set_banned(self, subreddit: str, banned: bool = True) -> None:
        """Ban (or unban) the bot from commenting in `subreddit`."""
        with self._lock:
            self._subreddits[subreddit.lower()].banned = banned

    def set_moderators(self, subreddit: str, moderators: tuple[str, ...]) -> None:
        """Replace the subreddit's moderator list."""
        with self._lock:
            self._subreddits[subreddit.lower()].moderators = list(moderators)

    def add_submission(
        self,
        subreddit: str,
        title: str,
        *,
        selftext: str = "",
        url: str | None = None,
        author: str = "alice",
        locked: bool = False,
        archived: bool = False,
        created_utc: float | None = None,
    ) -> str:
        """Post a submission (a link post when `url` is given); return its fullname.

        `created_utc` in the past makes a late item (approved from the mod queue, or indexed
        late); equal to another item's, a same-second tie.
        """
        with self._lock:
            sub = self._subreddits[subreddit.lower()]
            base36 = self._new_id()
            is_self = url is None
            permalink = f"/r/{sub.name}/comments/{base36}/post/"
            data: Json = {
                "id": base36,
                "name": f"t3_{base36}",
                "title": title,
                "selftext": selftext,
                "is_self": is_self,
                "url": f"https://www.reddit.com{permalink}" if is_self else url,
                "domain": f"self.{sub.name}" if is_self else (urlsplit(url or "").hostname or ""),
                "permalink": permalink,
                "created_utc": self._created(created_utc),
                "locked": locked,
                "archived": archived,
                "removed_by_category": None,
                "num_comments": 0,
                "over_18": False,
                "stickied": False,
                **self._common(sub, author),
            }
            self._things[data["name"]] = _Thing("t3", data, self._next_id)
            sub.submissions.append(data["name"])
            return str(data["name"])

    def add_comment(
        self,
        parent: str,
        body: str,
        *,
        author: str = "bob",
        created_utc: float | None = None,
    ) -> str:
        """Comment on a submission or comment (by fullname); return the comment's fullname.

        `created_utc` as for `add_submission`: late items and same-second ties.
        """
        with self._lock:
            return self._create_comment(parent, body, author, created_utc)

    def corrupt(self, fullname: str, *, drop: tuple[str, ...] = (), **fields: Any) -> None:
        """Damage a thing's JSON as Reddit sometimes sends it (e.g. `author=None`)."""
        with self._lock:
            data = self._things[fullname].data
            data.update(fields)
            for name in drop:
                data.pop(name, None)

    def delete(self, fullname: str) -> None:
        """The author deleted the thing: it leaves listings and shows `[deleted]`."""
        with self._lock:
            self._erase(fullname, "[deleted]", "deleted")

    def remove(self, fullname: str) -> None:
        """A moderator removed the thing: it leaves listings and shows `[removed]`."""
        with self._lock:
            self._erase(fullname, "[removed]", "moderator")

    def edit(self, fullname: str, text: str) -> float:
        """The author edits the thing's body (a comment) or self text (a submission).

        Reddit then sends `edited` as the time of the edit, a float, instead of `false`
        (praw's cassette `TestSubredditModeration.test_edited`: `"edited": 1479367978.0`);
        the item keeps its place in the listings (by creation time). Returns the time.
        """
        with self._lock:
            data = self._things[fullname].data
            data["body" if fullname.startswith("t1_") else "selftext"] = text
            data["edited"] = self._tick()
            return float(data["edited"])

    def set_flags(
        self, fullname: str, *, locked: bool | None = None, archived: bool | None = None
    ) -> None:
        """Lock a submission or comment, or archive a submission (with its comments)."""
        with self._lock:
            data = self._things[fullname].data
            if locked is not None:
                data["locked"] = locked
            if archived is not None:
                data["archived"] = archived
                for thing in self._things.values():
                    if thing.data.get("link_id") == fullname:
                        thing.data["archived"] = archived

    # -- failures on demand ---------------------------------------------------------------

    def expire_tokens(self) -> None:
        """Every access token issued so far stops working (401), as after an hour."""
        with self._lock:
            self._tokens.clear()

    def fail_next(
        self,
        status: int,
        *,
        path_contains: str = "",
        method: str | None = None,
        count: int = 1,
        after_commit: bool = False,
        skip: int = 0,
    ) -> None:
        """Answer `count` matching requests with `status`, after letting `skip` through.

        `after_commit` applies the request first (e.g. the comment is created) and only then
        fails, like a gateway timing out after the backend did the work.
        """
        with self._lock:
            self._failures.append(
                _Failure(status, path_contains, method, count, after_commit, skip)
            )

    def slow_next(
        self, seconds: float, *, path_contains: str = "", count: int = 1, after_work: bool = False
    ) -> None:
        """Hold the next `count` matching answers for `seconds` (or until the server stops);
        with `after_work`, the request's work is done first and only its answer is late."""
        with self._lock:
            self._delays.append(_Delay(seconds, path_contains, count, after_work))

    def ratelimit_next(
        self, amount: str = "1 minute", *, count: int = 1, wording: str = RATELIMIT_MESSAGE
    ) -> None:
        """Refuse the next `count` comments with Reddit's RATELIMIT error naming `amount`."""
        with self._lock:
            self._ratelimits.extend([wording.format(amount=amount)] * count)

    def withhold_next_reply(self, count: int = 1) -> None:
        """Create the next `count` comments but answer `things: []`, as Reddit does in a
        quarantined subreddit the account has not opted into."""
        with self._lock:
            self._withheld_replies += count

    def set_ratelimit(self, *, remaining: int, reset_seconds: int) -> None:
        """Send these `x-ratelimit-remaining`/`-reset` values from now on."""
        with self._lock:
            self._ratelimit_override = (remaining, reset_seconds)

    def ratelimit_headers(self) -> dict[str, str]:
        """The `x-ratelimit-*` headers for the next answer, shaped like Reddit's."""
        with self._lock:
            self._ratelimit_used += 1
            used = self._ratelimit_used
            if self._ratelimit_override is not None:
                remaining, reset = self._ratelimit_override
            else:
                elapsed = int(time.monotonic() - self._window_start) % RATELIMIT_WINDOW_SECONDS
                remaining = DEFAULT_RATELIMIT_BUDGET - used
                reset = RATELIMIT_WINDOW_SECONDS - elapsed
            return {
                "x-ratelimit-remaining": f"{float(max(remaining, 0)):.1f}",
                "x-ratelimit-used": str(used),
                "x-ratelimit-reset": str(reset),
            }

    # -- reading back ---------------------------------------------------------------------

    def thing(self, fullname: str) -> Json:
        """A copy of the stored JSON of a thing."""
        with self._lock:
            return dict(self._things[fullname].data)

    def comments_by(self, author: str) -> list[Json]:
        """Every live comment by `author`, oldest first."""
        with self._lock:
            return [
                dict(t.data)
                for t in self._things.values()
                if t.kind == "t1" and t.data["author"] == author and not t.hidden
            ]

    def replies_to(self, parent: str, *, author: str | None = None) -> list[Json]:
        """Live comments whose parent is `parent` (optionally only by `author`)."""
        with self._lock:
            return [
                dict(t.data)
                for t in self._things.values()
                if t.kind == "t1"
                and t.data["parent_id"] == parent
                and not t.hidden
                and (author is None or t.data["author"] == author)
            ]

    def record_served(self, path: str, size: int) -> None:
        """Count the bytes of one answer body (called by the request handler)."""
        with self._lock:
            self.served.append((path, size))

    def bytes_served(self, path_contains: str = "") -> int:
        """Bytes of the answer bodies sent for paths containing `path_contains`."""
        with self._lock:
            return sum(size for path, size in self.served if path_contains in path)

    def requests_to(self, path_contains: str, method: str | None = None) -> list[RecordedRequest]:
        """Recorded requests whose path contains `path_contains`."""
        with self._lock:
            return [
                r
                for r in self.requests
                if path_contains in r.path and (method is None or r.method == method)
            ]

    # -- internals ------------------------------------------------------------------------

    def _new_id(self) -> str:
        self._next_id += 1
        return _base36(self._next_id)

    def _tick(self) -> float:
        self._clock += 1.0
        return self._clock

    def _created(self, created_utc: float | None) -> float:
        """A new item's creation time: the next second, or the one a test asked for."""
        if created_utc is None:
            return self._tick()
        self._clock = max(self._clock, created_utc)
        return created_utc

    def _common(self, sub: _Subreddit, author: str) -> Json:
        return {
            "author": author,
            "author_fullname": f"t2_{author.lower()}",
            "subreddit": sub.name,
            "subreddit_id": f"t5_{sub.name.lower()}",
            "subreddit_name_prefixed": f"r/{sub.name}",
            "score": 1,
            "edited": False,
            "distinguished": None,
        }

    def _create_comment(
        self, parent: str, body: str, author: str, created_utc: float | None = None
    ) -> str:
        parent_data = self._things[parent].data
        link_id = parent if parent.startswith("t3_") else parent_data["link_id"]
        submission = self._things[link_id].data
        sub = self._subreddits[str(submission["subreddit"]).lower()]
        base36 = self._new_id()
        data: Json = {
            "id": base36,
            "name": f"t1_{base36}",
            "body": body,
            "parent_id": parent,
            "link_id": link_id,
            "link_title": submission["title"],
            "permalink": f"/r/{sub.name}/comments/{link_id[3:]}/post/{base36}/",
            "created_utc": self._created(created_utc),
            "locked": False,
            "archived": bool(submission["archived"]),
            "replies": "",
            "stickied": False,
            **self._common(sub, author),
        }
        self._things[data["name"]] = _Thing("t1", data, self._next_id)
        sub.comments.append(data["name"])
        submission["num_comments"] = int(submission["num_comments"]) + 1
        return str(data["name"])

    def _erase(self, fullname: str, marker: str, category: str) -> None:
        thing = self._things[fullname]
        thing.hidden = True
        thing.data["author"] = "[deleted]"
        if thing.kind == "t1":
            thing.data["body"] = marker
        else:
            thing.data["selftext"] = marker
            thing.data["removed_by_category"] = category

    def _listing(self, names: list[str], query: dict[str, str]) -> Json:
        """Reddit's paging over a newest-first list: `before`/`after` are fullnames.

        Newest second first; within one second the item created first is listed first.
        """
        live = [self._things[n] for n in names if not self._things[n].hidden]
        live.sort(key=lambda t: t.sort_key)
        newest_first = [str(t.data["name"]) for t in live]
        limit = max(1, min(int(query.get("limit", "25")), _PAGE_CAP))
        if query.get("after"):
            if query["after"] not in newest_first:
                return _listing_json([], None)
            start = newest_first.index(query["after"]) + 1
            page = newest_first[start : start + limit]
            more = start + limit < len(newest_first)
        elif query.get("before"):
            if query["before"] not in newest_first:
                return _listing_json([], None)  # Reddit's answer when the anchor is gone
            end = newest_first.index(query["before"])
            page = newest_first[max(0, end - limit) : end]
            more = False
        else:
            page = newest_first[:limit]
            more = limit < len(newest_first)
        children = [self._thing_json(name) for name in page]
        return _listing_json(children, page[-1] if (more and page) else None)

    def _thing_json(self, fullname: str) -> Json:
        thing = self._things[fullname]
        return {"kind": thing.kind, "data": dict(thing.data)}

    def _take_failure(self, method: str, path: str) -> _Failure | None:
        for failure in self._failures:
            matches_method = failure.method is None or failure.method == method
            if failure.remaining > 0 and failure.path_contains in path and matches_method:
                if failure.skip > 0:
                    failure.skip -= 1
                    continue
                failure.remaining -= 1
                return failure
        return None

    def _take_delay(self, path: str) -> _Delay | None:
        for delay in self._delays:
            if delay.remaining > 0 and delay.path_contains in path:
                delay.remaining -= 1
                return delay
        return None

    # -- request handling (called from server threads) ------------------------------------

    def handle(self, request: RecordedRequest) -> tuple[int, Json]:
        """Route one request; return (status, JSON body)."""
        with self._lock:
            self.requests.append(request)
            delay = self._take_delay(request.path)
            if delay is not None:
                self._holding += 1
        try:
            return self._handle(request, delay)
        finally:
            if delay is not None:
                with self._lock:
                    self._holding -= 1
                    self._held_done.notify_all()

    def _handle(self, request: RecordedRequest, delay: _Delay | None) -> tuple[int, Json]:
        if delay is not None and not delay.after_work:
            self._release.wait(delay.seconds)
        with self._lock:
            failure = self._take_failure(request.method, request.path)
            if failure is not None and not failure.after_commit:
                return failure.status, {"message": "Server Error", "error": failure.status}
            status, body = self._route(request)
        if delay is not None and delay.after_work:
            self._release.wait(delay.seconds)
        if failure is not None:
            return failure.status, {"message": "Server Error", "error": failure.status}
        return status, body

    def wait_for_held(self, timeout: float = 60.0) -> bool:
        """Wait until every slowed request (`slow_next`) that arrived has been carried out
        (its answer is on its way); False if one is still held after `timeout` seconds."""
        with self._lock:
            return self._held_done.wait_for(lambda: self._holding == 0, timeout)

    def _route(self, request: RecordedRequest) -> tuple[int, Json]:
        path = request.path.rstrip("/")
        if path == "/api/v1/access_token":
            return self._token(request)
        if request.authorization not in {f"bearer {token}" for token in self._tokens}:
            return 401, {"message": "Unauthorized", "error": 401}
        fixed = {
            ("GET", "/api/v1/me"): self._me,
            ("GET", "/api/info"): self._info,
            ("POST", "/api/comment"): self._post_comment,
            ("POST", "/api/del"): self._delete_own,
            ("POST", "/api/editusertext"): self._edit_own,
        }
        if (request.method, path) in fixed:
            return fixed[request.method, path](request)
        parts = path.strip("/").split("/")
        if len(parts) >= 3 and parts[0] == "r":
            return self._subreddit_route(parts[1], parts[2:], request.query)
        if len(parts) == 3 and parts[0] == "user" and parts[2] == "comments":
            return self._user_comments(parts[1], request.query)
        return 404, {"message": "Not Found", "error": 404}

    def _me(self, _request: RecordedRequest) -> tuple[int, Json]:
        return 200, {"name": self.username, "id": self.username.lower(), "is_mod": True}

    def _info(self, request: RecordedRequest) -> tuple[int, Json]:
        names = [n for n in request.query.get("id", "").split(",") if n in self._things]
        return 200, _listing_json([self._thing_json(n) for n in names], None)

    def _user_comments(self, user: str, query: dict[str, str]) -> tuple[int, Json]:
        mine = [n for n, t in self._things.items() if t.kind == "t1" and t.data["author"] == user]
        return 200, self._listing(mine, query)

    def _token(self, request: RecordedRequest) -> tuple[int, Json]:
        expected = base64.b64encode(f"{self.client_id}:{self.client_secret}".encode()).decode()
        if request.authorization != f"Basic {expected}":
            return 401, {"message": "Unauthorized", "error": 401}
        form = request.form
        if form.get("grant_type") != "password" or (
            form.get("username"),
            form.get("password"),
        ) != (self.username, self.password):
            return 200, {"error": "invalid_grant"}
        self._issued += 1
        token = f"token-{self._issued}"
        self._tokens.add(token)
        return 200, {
            "access_token": token,
            "token_type": "bearer",
            "expires_in": 3600,
            "scope": "*",
        }

    def _subreddit_route(
        self, name: str, rest: list[str], query: dict[str, str]
    ) -> tuple[int, Json]:
        if "+" in name:
            return self._combined_route(name.split("+"), rest, query)
        sub = self._subreddits.get(name.lower())
        if sub is None:
            # An unknown subreddit: Reddit redirects to its subreddit search.
            return 302, {"location": f"/subreddits/search.json?q={name}"}
        if sub.closed:
            return 404, {"reason": "banned", "message": "Not Found", "error": 404}
        if sub.private:
            return 403, {"reason": "private", "message": "Forbidden", "error": 403}
        pages = {
            "about": lambda: self._about(sub),
            "new": lambda: self._listing(sub.submissions, query),
            "comments": lambda: self._listing(sub.comments, query),
            "about/moderators": lambda: self._moderator_list(sub),
        }
        page = pages.get("/".join(rest))
        if page is None:
            return 404, {"message": "Not Found", "error": 404}
        return 200, page()

    def _combined_route(
        self, names: list[str], rest: list[str], query: dict[str, str]
    ) -> tuple[int, Json]:
        """`/r/a+b+c/new` and `/comments`, as reddit's own source builds them (r2
        `set_subreddit`): unknown names are dropped; one known name left is that subreddit
        alone (with its 403 or 404); none is a 404. A multi lists nothing of a subreddit
        Reddit banned (`MultiReddit.kept_sr_ids`) or one the account cannot view (a listed
        item is kept only where `Subreddit.keep_item` finds `can_view(user)`)."""
        known = [self._subreddits[n.lower()] for n in names if n.lower() in self._subreddits]
        if len(known) == 1:
            return self._subreddit_route(known[0].name, rest, query)
        if not known:
            return 404, {"message": "Not Found", "error": 404}
        listing = "/".join(rest)
        if listing not in {"new", "comments"}:
            return 404, {"message": "Not Found", "error": 404}
        visible = [sub for sub in known if not (sub.closed or sub.private)]
        names_listed = [
            n for sub in visible for n in (sub.submissions if listing == "new" else sub.comments)
        ]
        return 200, self._listing(names_listed, query)

    def _moderator_list(self, sub: _Subreddit) -> Json:
        children = [
            {"name": mod, "id": f"t2_{mod.lower()}", "mod_permissions": ["all"], "date": 0.0}
            for mod in sub.moderators
        ]
        return {"kind": "UserList", "data": {"children": children}}

    def _about(self, sub: _Subreddit) -> Json:
        """The parts of Reddit's `t5` about data that concern the logged-in account."""
        return {
            "kind": "t5",
            "data": {
                "display_name": sub.name,
                "name": f"t5_{sub.name.lower()}",
                "subreddit_type": "private" if sub.private else "public",
                "user_is_banned": sub.banned,
                "user_is_moderator": False,
                "user_is_contributor": False,
                "quarantine": False,
            },
        }

    def _post_comment(self, request: RecordedRequest) -> tuple[int, Json]:
        parent = self._things.get(request.form.get("thing_id", ""))
        if parent is None:
            return 200, _api_error("INVALID_THING", "that thing does not exist", "parent")
        link_id = parent.data["name"] if parent.kind == "t3" else parent.data["link_id"]
        submission = self._things[link_id].data
        if self._subreddits[str(submission["subreddit"]).lower()].banned:
            return 403, {"message": "Forbidden", "error": 403}
        if parent.data.get("locked") or submission["locked"]:
            # What Reddit answers today for a locked post or comment (praw documents it).
            return 403, {"message": "Forbidden", "error": 403}
        refusal = self._comment_refusal(parent, submission)
        if refusal is not None:
            return 200, refusal
        name = self._create_comment(
            parent.data["name"], request.form.get("text", ""), self.username
        )
        if self._withheld_replies > 0:
            self._withheld_replies -= 1
            return 200, {"json": {"errors": [], "data": {"things": []}}}
        return 200, {"json": {"errors": [], "data": {"things": [self._thing_json(name)]}}}

    def _comment_refusal(self, parent: _Thing, submission: Json) -> Json | None:
        """Reddit's API error for a comment it will not take, in its order of checks."""
        if self._ratelimits:
            return _api_error("RATELIMIT", self._ratelimits.pop(0), "ratelimit")
        if parent.hidden:
            code = "DELETED_COMMENT" if parent.kind == "t1" else "DELETED_LINK"
            return _api_error(code, "that thing has been deleted", "parent")
        if submission["archived"]:
            return _api_error("TOO_OLD", "that's a piece of history now", "parent")
        return None

    def _edit_own(self, request: RecordedRequest) -> tuple[int, Json]:
        """`POST /api/editusertext` with `thing_id` and `text` (Reddit's API docs; praw's
        `Comment.edit` sends exactly these): the edited thing, shaped as `/api/comment`'s
        answer. A deleted thing answers DELETED_COMMENT, another's NOT_AUTHOR."""
        fullname = request.form.get("thing_id", "")
        thing = self._things.get(fullname)
        if thing is None:
            return 200, _api_error("INVALID_THING", "that thing does not exist", "thing_id")
        if thing.hidden:
            return 200, _api_error("DELETED_COMMENT", "that comment has been deleted", "thing_id")
        if thing.data["author"] != self.username:
            return 200, _api_error("NOT_AUTHOR", "you can't do that", "thing_id")
        thing.data["body"] = request.form.get("text", "")
        thing.data["edited"] = float(int(time.time()))
        self.edits.append(fullname)
        return 200, {"json": {"errors": [], "data": {"things": [self._thing_json(fullname)]}}}

    def _delete_own(self, request: RecordedRequest) -> tuple[int, Json]:
        fullname = request.form.get("id", "")
        thing = self._things.get(fullname)
        if thing is not None and thing.data["author"] == self.username:
            self._erase(fullname, "[deleted]", "deleted")
        return 200, {}


def _listing_json(children: list[Json], after: str | None) -> Json:
    before = children[0]["data"]["name"] if children else None
    return {
        "kind": "Listing",
        "data": {"after": after, "before": before, "children": children, "dist": len(children)},
    }


def _api_error(code: str, message: str, field_name: str) -> Json:
    return {"json": {"errors": [[code, message, field_name]]}}


def _base36(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
    return text or "0"


def _make_handler(fake: FakeReddit) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            self._answer("GET")

        def do_POST(self) -> None:
            self._answer("POST")

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: the recorded requests are the log."""

        def _answer(self, method: str) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode() if length else ""
            request = RecordedRequest(
                method=method,
                path=parts.path,
                query=dict(parse_qsl(parts.query)),
                form=dict(parse_qsl(raw)),
                authorization=self.headers.get("Authorization"),
                user_agent=self.headers.get("User-Agent", ""),
            )
            status, body = fake.handle(request)
            location = body.pop("location", None) if status == 302 else None
            payload = json.dumps(body).encode()
            fake.record_served(request.path, len(payload))
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=UTF-8")
                if location:
                    self.send_header("Location", f"{fake.url}{location}")
                for name, value in fake.ratelimit_headers().items():
                    self.send_header(name, value)
                if status == 401 and request.path.rstrip("/") != "/api/v1/access_token":
                    # What Reddit sends with a rejected bearer token; prawcore reads it.
                    self.send_header(
                        "www-authenticate", 'Bearer realm="reddit", error="invalid_token"'
                    )
                self.send_header("Content-Length", str(len(payload)))
                # One request per connection: a reused socket that the server closed after a
                # `Connection: close` request would fail the client's next request.
                self.send_header("Connection", "close")
                self.close_connection = True
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (a timeout test); nothing to answer

    return Handler


@contextmanager
def running_fake_reddit(**kwargs: str) -> Iterator[FakeReddit]:
    """Start a FakeReddit for the duration of a `with` block."""
    fake = FakeReddit(**kwargs)
    with fake:
        yield fake
