"""The fake Discord: an aiohttp app serving `/api/v10/...` and the gateway WebSocket.

Every HTTP request is recorded (`requests`) so tests can assert on what the bot sent: embeds,
allowed_mentions, message_reference, components, interaction callbacks. A test can make the
next matching request answer 429 (`rate_limit_next`, per route or global) and can refuse
privileged intents (`refuse_privileged_intents`), which the gateway answers with close code 4014.

Switches for fault and load tests: `fail_next` (optionally after creating the message, as when
Discord's answer is lost), `slow_next` (a late answer, or a dropped connection), `hold_posts`
(message POSTs wait until released), `limit_channels` (a per-channel message bucket with
Discord's X-RateLimit headers), `lean` (keep no history, for load tests), `close_gateway` (a socket closed with a code; events sent
meanwhile are replayed on RESUME) and `invalidate_sessions` (op 9). Message creation honours
`nonce` + `enforce_nonce` like Discord: a repeated nonce returns the message already made, for
a few minutes (`NONCE_MEMORY_SECONDS`; `pass_time` moves the server's clock on). Sessions get
what their intents allow (no content without MESSAGE_CONTENT, except DMs, mentions and the
bot's own messages); the HTTP API follows `message_content_enabled`. `create_thread` sends
THREAD_CREATE, `unfurl` a link preview's MESSAGE_UPDATE (new embeds, same edit time), which
`unfurl_links` sends after every message with a link, as Discord does.
The bot can be in several guilds (`add_guild`, optionally on a given shard): IDENTIFY's
`shard` [id, count] decides which guilds a session hears of (READY, GUILD_CREATE) and which
guild events it receives, by Discord's formula (guild_id >> 22) % shard_count
(https://discord.com/developers/docs/events/gateway#sharding).
Protocol reference: https://discord.com/developers/docs/events/gateway
"""

from __future__ import annotations

import asyncio
import json
import re
import secrets
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

from tests.discord.fake_discord.world import (
    FakeUser,
    Snowflakes,
    World,
    iso_now,
    snowflake_time,
)
from tests.discord.waiting import wait_until

API_PREFIX = "/api/v10"
GATEWAY_PATH = "/gateway-ws"
HEARTBEAT_INTERVAL_MS = 41_250
# How long `enforce_nonce` remembers a nonce: "the past few minutes", in Discord's words.
NONCE_MEMORY_SECONDS = 5 * 60
# Intents a bot must switch on in the Developer Portal: members, presences, message content.
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)
INTENT_GUILDS = 1 << 0
INTENT_GUILD_MESSAGES = 1 << 9
INTENT_DIRECT_MESSAGES = 1 << 12
INTENT_MESSAGE_CONTENT = 1 << 15
# The fields a message's content lives in, empty for apps without the intent.
CONTENT_FIELDS: dict[str, Any] = {"content": "", "embeds": [], "attachments": [], "components": []}
EPHEMERAL = 1 << 6

Json = dict[str, Any]
Handler = Callable[[web.Request, "RecordedRequest", re.Match[str]], Awaitable[web.Response]]


@dataclass
class RecordedRequest:
    """One HTTP request the bot made, and the status it got."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class RateLimitRule:
    """Answer the next `times` requests matching `method` and `path` with 429."""

    method: str
    path: re.Pattern[str]
    retry_after: float
    times: int
    is_global: bool = False


@dataclass
class Failure:
    """Answer the next request matching `method` and `path` with an error status.

    `after_create`: the request is carried out first and only its answer is lost (what a
    gateway timeout in front of Discord looks like to the client).
    """

    method: str
    path: re.Pattern[str]
    status: int
    code: int
    after_create: bool = False
    errors: Json | None = None
    content_type: str = "application/json"


@dataclass
class Slowdown:
    """Delay the answer to the next matching request; `drop` closes the connection instead
    of answering (after carrying the request out when `after_create`)."""

    method: str
    path: re.Pattern[str]
    seconds: float
    drop: bool = False
    after_create: bool = True
    answer_late: bool = False  # carry the request out at once; only the answer is late


@dataclass
class ChannelBucket:
    """A fixed-window bucket of `limit` messages per `window` seconds for one channel."""

    limit: int
    window: float
    started: float = 0.0
    used: int = 0

    def take(self, now: float) -> float | None:
        """Use one slot: None when allowed, else the seconds until the window resets."""
        if now - self.started >= self.window:
            self.started, self.used = now, 0
        if self.used >= self.limit:
            return self.window - (now - self.started)
        self.used += 1
        return None

    def headers(self, now: float) -> dict[str, str]:
        """Discord's rate-limit headers for the bucket's current state."""
        reset_after = max(self.window - (now - self.started), 0.0)
        return {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.limit - self.used),
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": "fake-channel-messages",
        }


@dataclass
class GatewaySession:
    """A gateway session; it outlives one WebSocket so that RESUME can replay events."""

    session_id: str
    shard: tuple[int, int] | None
    intents: int
    ws: web.WebSocketResponse | None
    seq: int = 0
    frames: list[Json] = field(default_factory=list)
    # Between a close the server caused and the client's RESUME, events are kept for replay.
    buffering: bool = False

    def owns_guild(self, guild_id: int) -> bool:
        """Discord's shard formula: (guild_id >> 22) % shard_count."""
        if self.shard is None:
            return True
        shard_id, shard_count = self.shard
        return (guild_id >> 22) % shard_count == shard_id


@dataclass
class FakeInteraction:
    """An interaction the test sent, and what the bot answered."""

    id: int
    token: str
    payload: Json
    callbacks: list[Json] = field(default_factory=list)
    followups: list[Json] = field(default_factory=list)
    original: Json | None = None

    def messages(self) -> list[Json]:
        """Every message the bot showed for this interaction: the response, then followups."""
        shown = [self.original] if self.original is not None else []
        return shown + self.followups

    def texts(self) -> list[str]:
        """The content of each shown message."""
        return [str(message.get("content") or "") for message in self.messages()]


class FakeDiscord:
    """Start with `await start()`; `api_base_url` and `gateway_url` then point at it."""

    def __init__(self, bot_token: str = "fake-token.for-tests") -> None:  # noqa: S107
        self.ids = Snowflakes()
        self.world = World.build(self.ids)
        # Every guild the bot is in, the first one `world`; `add_guild` adds more.
        self.guilds: list[World] = [self.world]
        self.bot_token = bot_token
        self.requests: list[RecordedRequest] = []
        self.messages: dict[int, Json] = {}
        self.deleted: set[int] = set()
        self.interactions: dict[str, FakeInteraction] = {}
        self.commands: dict[str, list[Json]] = {}
        self.identifies: list[Json] = []
        self.resumes: list[Json] = []
        self.sessions: dict[str, GatewaySession] = {}
        self.refuse_privileged_intents = False
        # The Developer Portal's Message Content switch: governs what the HTTP API shows
        # (the gateway follows each session's intents).
        self.message_content_enabled = True
        self.thread_joins: list[int] = []
        self._rate_limits: list[RateLimitRule] = []
        self._failures: list[Failure] = []
        self._slowdowns: list[Slowdown] = []
        self._posts_open = asyncio.Event()
        self._posts_open.set()
        self.held_posts = 0
        self._buckets: dict[int, ChannelBucket] = {}
        self._bucket_shape: tuple[int, float] | None = None
        self.bucket_429s = 0
        self.invalidations = 0
        # (author id, nonce) → (the message made, when); forgotten after a few minutes.
        self._nonces: dict[tuple[str, str], tuple[Json, float]] = {}
        self._clock_offset = 0.0
        self.unfurl_links = False
        # When each message was dispatched and when the bot's reply to it arrived (monotonic).
        self.dispatched_at: dict[int, float] = {}
        self.replied_at: dict[int, float] = {}
        # How many replies the bot made to each message (kept in lean mode too).
        self.reply_counts: Counter[int] = Counter()
        # Lean mode (load tests): keep no request log, message store or replay frames, so the
        # test process's memory growth is the bot's own.
        self.lean = False
        self._runner: web.AppRunner | None = None
        self._sockets: set[web.WebSocketResponse] = set()
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/gateway(/bot)?"), self._get_gateway),
            ("GET", re.compile(r"/users/@me"), self._get_me),
            ("GET", re.compile(r"/(oauth2/)?applications/@me"), self._get_application),
            ("PUT", re.compile(r"/applications/(?P<app>\d+)(/guilds/(?P<guild>\d+))?/commands"),
             self._put_commands),
            ("GET", re.compile(r"/applications/(?P<app>\d+)(/guilds/(?P<guild>\d+))?/commands"),
             self._get_commands),
            ("GET", re.compile(r"/channels/(?P<channel>\d+)"), self._get_channel),
            ("POST", re.compile(r"/channels/(?P<channel>\d+)/messages"), self._post_message),
            ("GET", re.compile(r"/channels/(?P<channel>\d+)/messages"), self._list_messages),
            ("GET", re.compile(r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)"),
             self._get_message),
            ("GET", re.compile(r"/guilds/(?P<guild>\d+)/threads/active"), self._active_threads),
            ("PUT", re.compile(r"/channels/(?P<channel>\d+)/thread-members/@me"),
             self._join_thread),
            ("PATCH", re.compile(r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)"),
             self._patch_message),
            ("DELETE", re.compile(r"/channels/(?P<channel>\d+)/messages/(?P<message>\d+)"),
             self._delete_message),
            ("POST", re.compile(r"/interactions/(?P<id>\d+)/(?P<token>[^/]+)/callback"),
             self._interaction_callback),
            ("POST", re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)"), self._followup),
            ("PATCH", re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original"),
             self._edit_original),
            ("GET", re.compile(r"/webhooks/(?P<app>\d+)/(?P<token>[^/]+)/messages/@original"),
             self._get_original),
        ]  # fmt: skip

    # ---- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on an ephemeral port of 127.0.0.1."""
        app = web.Application()
        app.router.add_get(GATEWAY_PATH, self._gateway)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._http)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        addresses = self._runner.addresses
        self.port = int(addresses[0][1])

    async def stop(self) -> None:
        """Close every WebSocket and the listener."""
        for ws in list(self._sockets):
            await ws.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base_url(self) -> str:
        """What the bot's `api_base_url` setting should be."""
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def web_base(self) -> str:
        """The server's web address, which its message links use (as https://discord.com)."""
        return f"http://127.0.0.1:{self.port}"

    def link(self, message: Json) -> str:
        """The message's link on this server."""
        guild = message.get("guild_id") or "@me"
        return f"{self.web_base}/channels/{guild}/{message['channel_id']}/{message['id']}"

    @property
    def gateway_url(self) -> str:
        """What the bot's `gateway_url` setting should be."""
        return f"ws://127.0.0.1:{self.port}{GATEWAY_PATH}"

    # ---- test controls ---------------------------------------------------------------------

    def rate_limit_next(
        self,
        method: str,
        path_pattern: str,
        *,
        retry_after: float = 0.05,
        times: int = 1,
        is_global: bool = False,
    ) -> None:
        """Answer the next `times` requests matching (full-match regex) with 429; with
        `is_global`, as Discord's global limit (all routes) rather than the route's bucket."""
        self._rate_limits.append(
            RateLimitRule(method, re.compile(path_pattern), retry_after, times, is_global)
        )

    def fail_next(
        self,
        method: str,
        path_pattern: str,
        *,
        status: int = 403,
        code: int = 50013,
        after_create: bool = False,
        errors: Json | None = None,
        content_type: str = "application/json",
    ) -> None:
        """Answer the next matching request with an error (default: Missing Permissions).

        With `after_create` the request is carried out and only its answer is an error;
        `errors` is the body's field-by-field detail (50035 Invalid Form Body).
        `content_type`: Discord sends exactly `application/json`; Express-based
        Discord-compatible servers send `application/json; charset=utf-8` (Express's
        `res.json` adds the charset, https://expressjs.com/en/api.html#res.json).
        """
        failure = Failure(
            method, re.compile(path_pattern), status, code, after_create, errors, content_type
        )
        self._failures.append(failure)

    def slow_next(
        self,
        method: str,
        path_pattern: str,
        *,
        seconds: float,
        drop: bool = False,
        after_create: bool = True,
        answer_late: bool = False,
    ) -> None:
        """Answer the next matching request `seconds` late; with `drop`, close the connection
        without answering (after carrying the request out, unless `after_create` is False);
        with `answer_late`, carry it out at once and send the answer `seconds` later."""
        self._slowdowns.append(
            Slowdown(method, re.compile(path_pattern), seconds, drop, after_create, answer_late)
        )

    def now(self) -> float:
        """The server's clock (monotonic seconds, moved on by `pass_time`)."""
        return time.monotonic() + self._clock_offset

    def pass_time(self, seconds: float) -> None:
        """Let `seconds` pass for the server's memory (nonces are forgotten after a while)."""
        self._clock_offset += seconds

    def hold_posts(self) -> None:
        """Make message POSTs wait (in flight, not yet carried out) until `release_posts()`."""
        self._posts_open.clear()

    def release_posts(self) -> None:
        """Let held message POSTs through."""
        self._posts_open.set()

    def limit_channels(self, limit: int, window: float) -> None:
        """Enforce a bucket of `limit` messages per `window` seconds per channel, announced in
        X-RateLimit headers; a request over the limit gets 429 (counted in `bucket_429s`)."""
        self._bucket_shape = (limit, window)
        self._buckets.clear()

    async def close_gateway(self, code: int, *, keep_events: bool = True) -> None:
        """Close every open gateway socket with `code`; the sessions stay resumable and keep
        the events dispatched until the client RESUMEs (with `keep_events=False` they are
        lost, and the RESUME replays nothing)."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                session.buffering = keep_events
                await session.ws.close(code=code, message=b"closed by the test")

    async def invalidate_sessions(self) -> None:
        """Send op 9 INVALID_SESSION (not resumable): the client must IDENTIFY again."""
        for session_id, session in list(self.sessions.items()):
            if session.ws is not None and not session.ws.closed:
                self.invalidations += 1
                del self.sessions[session_id]
                await session.ws.send_json({"op": 9, "d": False})

    def requests_to(self, method: str, path_pattern: str) -> list[RecordedRequest]:
        """Recorded requests whose path full-matches the pattern, oldest first."""
        pattern = re.compile(path_pattern)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    def bot_messages(self, channel_id: int | None = None) -> list[Json]:
        """Messages the bot posted and has not deleted, oldest first."""
        return [
            message
            for message_id, message in self.messages.items()
            if message["author"]["id"] == str(self.world.bot_user.id)
            and message_id not in self.deleted
            and not message.get("interaction_metadata")
            and (channel_id is None or message["channel_id"] == str(channel_id))
        ]

    def replies_to(self, message_id: int) -> list[Json]:
        """The bot's live messages that reply to `message_id`."""
        return [
            message
            for message in self.bot_messages()
            if (message.get("message_reference") or {}).get("message_id") == str(message_id)
        ]

    async def wait_for_reply(self, message_id: int, *, count: int = 1) -> list[Json]:
        """Wait until the bot has `count` live replies to `message_id`; return them."""
        return await wait_until(
            lambda: found if len(found := self.replies_to(message_id)) >= count else None,
            what=f"{count} bot repl(ies) to message {message_id}",
        )

    async def wait_for_channel_message(self, channel_id: int, *, count: int = 1) -> list[Json]:
        """Wait until the bot has posted `count` messages in a channel; return them."""
        return await wait_until(
            lambda: found if len(found := self.bot_messages(channel_id)) >= count else None,
            what=f"{count} bot message(s) in channel {channel_id}",
        )

    async def wait_for_thread_join(self, thread_id: int) -> None:
        """Wait until the bot has joined the thread."""
        await wait_until(lambda: thread_id in self.thread_joins, what=f"a join of {thread_id}")

    async def wait_connected(self, sessions: int = 1) -> None:
        """Wait until `sessions` gateway sessions have identified and are open."""
        await wait_until(
            lambda: sum(1 for s in self.sessions.values() if s.ws and not s.ws.closed) >= sessions,
            what=f"{sessions} gateway session(s)",
        )

    # ---- guilds ----------------------------------------------------------------------------

    def add_guild(self, shard: tuple[int, int] | None = None) -> World:
        """Another guild the bot is in; with `shard` (id, count) one whose id that shard owns."""
        guild_id = self.ids.next() if shard is None else self.ids.on_shard(*shard)
        world = self.world.another_guild(guild_id)
        self.guilds.append(world)
        return world

    def world_of(self, channel_id: int) -> World:
        """The guild holding the channel or thread (the first guild for one it does not know)."""
        return next((world for world in self.guilds if world.holds(channel_id)), self.world)

    # ---- driving the bot -------------------------------------------------------------------

    def message_payload(
        self,
        channel_id: int,
        author: FakeUser,
        content: str,
        *,
        message_id: int | None = None,
        reference_id: int | None = None,
        **extra: Any,
    ) -> Json:
        """A guild message as MESSAGE_CREATE carries it."""
        message_id = message_id or self.ids.next()
        guild_id = self.world_of(channel_id).guild_id
        payload: Json = {
            "id": str(message_id),
            "channel_id": str(channel_id),
            "guild_id": str(guild_id),
            "author": author.user_payload(),
            "member": author.member_payload(with_user=False),
            "content": content,
            "timestamp": snowflake_time(message_id),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": self._mentions(content),
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "components": [],
            "pinned": False,
            "type": 0 if reference_id is None else 19,
            "flags": 0,
        }
        if reference_id is not None:
            payload["message_reference"] = {
                "message_id": str(reference_id),
                "channel_id": str(channel_id),
                "guild_id": str(guild_id),
            }
            payload["referenced_message"] = self.messages.get(reference_id)
        payload.update(extra)
        return payload

    def _mentions(self, content: str) -> list[Json]:
        """The users a message's `<@id>` mentions name, as Discord lists them."""
        ids = {int(found) for found in re.findall(r"<@!?(\d+)>", content)}
        return [user.user_payload() for user in self.world.users if user.id in ids]

    async def post(self, channel_id: int, author: FakeUser, content: str, **kwargs: Any) -> Json:
        """A member posts a message: store it and dispatch MESSAGE_CREATE."""
        payload = self.message_payload(channel_id, author, content, **kwargs)
        if not self.lean:
            self.messages[int(payload["id"])] = payload
        self.dispatched_at.setdefault(int(payload["id"]), time.monotonic())
        await self.dispatch("MESSAGE_CREATE", payload)
        if self.unfurl_links and not self.lean and re.search(r"https?://", content):
            await self.unfurl(int(payload["id"]))
        return payload

    async def create_thread(
        self, parent_id: int, name: str, owner: FakeUser, first_message: str | None = None
    ) -> Json:
        """A member opens a thread (a forum post when the parent is a forum): THREAD_CREATE
        with `newly_created`, then the first message, which shares the thread's id."""
        thread_id = self.ids.next()
        thread = self.world_of(parent_id).add_thread(thread_id, name, parent_id, owner)
        await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        if first_message is not None:
            await self.post(thread_id, owner, first_message, message_id=thread_id)
        return thread

    def archive_thread(self, thread_id: int) -> None:
        """The thread archives (after inactivity): no longer among the active threads."""
        for thread in self.world_of(thread_id).threads_payload():
            if thread["id"] == str(thread_id):
                thread["thread_metadata"]["archived"] = True

    async def unfurl(self, message_id: int, embeds: list[Json] | None = None) -> Json:
        """Discord resolved the links of a message: MESSAGE_UPDATE with the whole message,
        the preview embeds added, and `edited_timestamp` as it was (null if never edited)."""
        message = self.messages[message_id]
        links = re.findall(r"https?://\S+", str(message.get("content") or ""))
        previews = embeds if embeds is not None else [_preview(link) for link in links]
        payload = {**message, "embeds": previews}
        self.messages[message_id] = payload
        await self.dispatch("MESSAGE_UPDATE", payload)
        return payload

    async def post_with_role_objects(self, channel_id: int, author: FakeUser, content: str) -> Json:
        """A member posts a message and the gateway event lists the author's roles as role
        objects instead of role ids: what a Discord-compatible server sent when a member opened
        a thread (issue 23). Discord's guild member object lists role ids (snowflakes,
        https://discord.com/developers/docs/resources/guild#guild-member-object), and the
        HTTP API here returns the message in Discord's shape."""
        payload = self.message_payload(channel_id, author, content)
        self.messages[int(payload["id"])] = payload
        roles = {role["id"]: role for role in self.world.roles_payload()}
        member = {**payload["member"], "roles": [roles[r] for r in payload["member"]["roles"]]}
        await self.dispatch("MESSAGE_CREATE", {**payload, "member": member})
        return payload

    async def send_raw_frame(self, text: str) -> None:
        """Send `text` as a gateway frame to every open session, as it is (not JSON when a
        test says so): what a proxy that cut or garbled a frame would deliver."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.send_str(text)

    async def redeliver(self, payload: Json) -> None:
        """Dispatch MESSAGE_CREATE again for a stored message (what a gateway replay does)."""
        await self.dispatch("MESSAGE_CREATE", payload)

    async def edit(self, message_id: int, content: str) -> Json:
        """The author edits a message: dispatch MESSAGE_UPDATE with the full new message."""
        payload = {**self.messages[message_id], "content": content, "edited_timestamp": iso_now()}
        self.messages[message_id] = payload
        await self.dispatch("MESSAGE_UPDATE", payload)
        return payload

    async def slash(
        self, user: FakeUser, channel_id: int, subcommand: str, **options: Any
    ) -> FakeInteraction:
        """`/evidence <subcommand> option:value ...` as an APPLICATION_COMMAND interaction."""
        typed = [
            {"name": name, "type": _option_type(value), "value": value}
            for name, value in options.items()
        ]
        data: Json = {
            "id": str(self._command_id("evidence")),
            "name": "evidence",
            "type": 1,
            "options": [{"name": subcommand, "type": 1, "options": typed}],
        }
        return await self.interact(user, channel_id, interaction_type=2, data=data)

    async def context_menu(
        self, user: FakeUser, channel_id: int, name: str, target: Json
    ) -> FakeInteraction:
        """A message context-menu command on `target`."""
        data: Json = {
            "id": str(self._command_id(name)),
            "name": name,
            "type": 3,
            "target_id": target["id"],
            "resolved": {"messages": {target["id"]: target}},
        }
        return await self.interact(user, channel_id, interaction_type=2, data=data)

    async def click(self, user: FakeUser, message: Json, custom_id: str) -> FakeInteraction:
        """Press the button `custom_id` on `message`."""
        data: Json = {"custom_id": custom_id, "component_type": 2}
        return await self.interact(
            user, int(message["channel_id"]), interaction_type=3, data=data, message=message
        )

    async def interact(
        self,
        user: FakeUser,
        channel_id: int,
        *,
        interaction_type: int,
        data: Json,
        message: Json | None = None,
    ) -> FakeInteraction:
        """Dispatch INTERACTION_CREATE from `user` in `channel_id`."""
        interaction_id = self.ids.next()
        token = secrets.token_urlsafe(24)
        world = self.world_of(channel_id)
        payload: Json = {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": interaction_type,
            "data": data,
            "guild_id": str(world.guild_id),
            "channel": world.channel_payload(channel_id),
            "channel_id": str(channel_id),
            "member": {
                **user.member_payload(),
                "permissions": str(world.member_permissions(user)),
            },
            "token": token,
            "version": 1,
            "app_permissions": str(world.member_permissions(world.bot_user)),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": str(world.guild_id)},
            "context": 0,
            "attachment_size_limit": 10_485_760,
        }
        if message is not None:
            payload["message"] = message
        interaction = FakeInteraction(interaction_id, token, payload)
        self.interactions[token] = interaction
        await self.dispatch("INTERACTION_CREATE", payload)
        return interaction

    async def wait_answered(self, interaction: FakeInteraction) -> FakeInteraction:
        """Wait until the bot has shown a message for the interaction (or acknowledged it)."""
        await wait_until(
            lambda: interaction.messages() or _acknowledged_without_message(interaction),
            what=f"an answer to interaction {interaction.id}",
        )
        return interaction

    async def dispatch(self, event: str, data: Json) -> None:
        """Send a DISPATCH to every open session that owns the event's guild (and keep it for
        sessions the server disconnected, to replay on RESUME)."""
        guild_id = int(data.get("guild_id") or self.world.guild_id)
        for session in list(self.sessions.values()):
            is_open = session.ws is not None and not session.ws.closed
            if (is_open or session.buffering) and session.owns_guild(guild_id):
                shown = self._as_seen_by(session, event, data)
                if shown is not None:
                    await self._send_dispatch(session, event, shown)

    def _as_seen_by(self, session: GatewaySession, event: str, data: Json) -> Json | None:
        """The event as Discord sends it to a session with its intents, or None when the
        intents exclude it (https://discord.com/developers/docs/events/gateway#gateway-
        intents): message events need GUILD_MESSAGES (DIRECT_MESSAGES in DMs); thread
        events GUILDS; without MESSAGE_CONTENT a message's content fields arrive empty."""
        if event.startswith("MESSAGE_") and not event.startswith("MESSAGE_REACTION"):
            needed = INTENT_GUILD_MESSAGES if data.get("guild_id") else INTENT_DIRECT_MESSAGES
            if not session.intents & needed:
                return None
            if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not (
                session.intents & INTENT_MESSAGE_CONTENT
            ):
                return without_content(data, self.world.bot_user.id)
        if event.startswith("THREAD_") and not session.intents & INTENT_GUILDS:
            return None
        return data

    async def request_reconnect(self) -> None:
        """Send op 7 RECONNECT: the client closes and RESUMEs on a new connection."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                await session.ws.send_json({"op": 7, "d": None})

    # ---- gateway ---------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._sockets.add(ws)
        try:
            await ws.send_json({"op": 10, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}})
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    break
                await self._gateway_op(ws, json.loads(msg.data))
        finally:
            self._sockets.discard(ws)
        return ws

    async def _gateway_op(self, ws: web.WebSocketResponse, frame: Json) -> None:
        op, data = frame.get("op"), frame.get("d") or {}
        if op == 1:
            await ws.send_json({"op": 11})
        elif op == 2:
            await self._identify(ws, data)
        elif op == 6:
            await self._resume(ws, data)

    async def _identify(self, ws: web.WebSocketResponse, data: Json) -> None:
        self.identifies.append(
            {key: value for key, value in data.items() if key != "token"}
            | {"token_ok": data.get("token") == self.bot_token}
        )
        if data.get("token") != self.bot_token:
            await ws.close(code=4004, message=b"Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        content_refused = not self.message_content_enabled and intents & INTENT_MESSAGE_CONTENT
        if (self.refuse_privileged_intents and intents & PRIVILEGED_INTENTS) or content_refused:
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        shard = (int(data["shard"][0]), int(data["shard"][1])) if data.get("shard") else None
        session = GatewaySession(secrets.token_hex(16), shard, intents, ws)
        self.sessions[session.session_id] = session
        # A shard hears of the guilds Discord's formula gives it, and only of those.
        owned = [world for world in self.guilds if session.owns_guild(world.guild_id)]
        ready: Json = {
            "v": 10,
            "user": self.world.bot_user.user_payload(),
            "guilds": [{"id": str(world.guild_id), "unavailable": True} for world in owned],
            "session_id": session.session_id,
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.world.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await self._send_dispatch(session, "READY", ready)
        for world in owned:
            await self._send_dispatch(session, "GUILD_CREATE", world.guild_payload())

    async def _resume(self, ws: web.WebSocketResponse, data: Json) -> None:
        self.resumes.append({"session_id": data.get("session_id"), "seq": data.get("seq")})
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or data.get("token") != self.bot_token:
            await ws.send_json({"op": 9, "d": False})
            return
        session.ws = ws
        session.buffering = False
        last_seen = int(data.get("seq") or 0)
        for frame in session.frames:
            if frame["s"] > last_seen:
                await ws.send_json(frame)
        await self._send_dispatch(session, "RESUMED", {})

    async def _send_dispatch(self, session: GatewaySession, event: str, data: Json) -> None:
        session.seq += 1
        frame = {"op": 0, "t": event, "s": session.seq, "d": data}
        if not self.lean:
            session.frames.append(frame)
        if session.ws is not None and not session.ws.closed:
            await session.ws.send_json(frame)

    # ---- HTTP ------------------------------------------------------------------------------

    async def _http(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw and request.content_type == "application/json" else raw
        recorded = RecordedRequest(request.method, path, dict(request.query), body)
        if not self.lean:
            self.requests.append(recorded)
        response = await self._answer(request, recorded, path)
        recorded.status = response.status
        return response

    async def _answer(
        self, request: web.Request, recorded: RecordedRequest, path: str
    ) -> web.Response:
        if request.headers.get("Authorization") != f"Bot {self.bot_token}" and not path.startswith(
            ("/interactions/", "/webhooks/")
        ):
            return _error(401, 0, "401: Unauthorized")
        limited = self._rate_limited(request.method, path)
        if limited is not None:
            return limited
        failure = _take_first(self._failures, request.method, path)
        if failure is not None:
            if failure.after_create:
                await self._route(request, recorded, path)
            return _error(
                failure.status,
                failure.code,
                errors=failure.errors,
                content_type=failure.content_type,
            )
        slowdown = _take_first(self._slowdowns, request.method, path)
        if slowdown is not None and slowdown.answer_late:
            answer = await self._route(request, recorded, path)
            await asyncio.sleep(slowdown.seconds)
            return answer
        if slowdown is not None:
            await asyncio.sleep(slowdown.seconds)
            if slowdown.drop:
                if slowdown.after_create:
                    await self._route(request, recorded, path)
                assert request.transport is not None
                request.transport.close()  # no answer at all: the client sees a dropped link
                return web.Response(status=499)
        return await self._route(request, recorded, path)

    async def _route(
        self, request: web.Request, recorded: RecordedRequest, path: str
    ) -> web.Response:
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if method == request.method and match:
                return await handler(request, recorded, match)
        return _error(404, 0, "404: Not Found")

    def _rate_limited(self, method: str, path: str) -> web.Response | None:
        for rule in self._rate_limits:
            if rule.times > 0 and rule.method == method and rule.path.fullmatch(path):
                rule.times -= 1
                return _too_many(rule.retry_after, is_global=rule.is_global)
        return None

    async def _get_gateway(self, *_: Any) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": 1,
                "session_start_limit": {
                    "total": 1000,
                    "remaining": 999,
                    "reset_after": 14_400_000,
                    "max_concurrency": 1,
                },
            }
        )

    async def _get_me(self, *_: Any) -> web.Response:
        return _json(self.world.bot_user.user_payload())

    async def _get_application(self, *_: Any) -> web.Response:
        return _json(
            {
                "id": str(self.world.application_id),
                "name": "evidence-bot",
                "description": "",
                "icon": None,
                "bot_public": False,
                "bot_require_code_grant": False,
                "owner": self.world.moderator.user_payload(),
                "team": None,
                "verify_key": "0" * 64,
                "flags": 0,
                "rpc_origins": [],
                "interactions_endpoint_url": None,
            }
        )

    async def _put_commands(
        self, _: web.Request, recorded: RecordedRequest, match: re.Match[str]
    ) -> web.Response:
        scope = match["guild"] or "global"
        stored = []
        for command in recorded.body or []:
            stored.append(
                {
                    **command,
                    "id": str(self._command_id(command["name"])),
                    "application_id": str(self.world.application_id),
                    "version": str(self.ids.next()),
                    "default_member_permissions": command.get("default_member_permissions"),
                    "options": command.get("options", []),
                    "description": command.get("description", ""),
                }
            )
        self.commands[scope] = stored
        return _json(stored)

    async def _get_commands(self, _: web.Request, __: Any, match: re.Match[str]) -> web.Response:
        return _json(self.commands.get(match["guild"] or "global", []))

    def _command_id(self, name: str) -> int:
        for command in self.commands.get("global", []):
            if command["name"] == name:
                return int(command["id"])
        return self.ids.next()

    async def _get_channel(self, _: web.Request, __: Any, match: re.Match[str]) -> web.Response:
        try:
            channel_id = int(match["channel"])
            return _json(self.world_of(channel_id).channel_payload(channel_id))
        except StopIteration:
            return _error(404, 10003, "Unknown Channel")

    async def _post_message(
        self, _: web.Request, recorded: RecordedRequest, match: re.Match[str]
    ) -> web.Response:
        channel_id = int(match["channel"])
        body = recorded.body or {}
        bucket_headers: dict[str, str] = {}
        if self._bucket_shape is not None:
            bucket = self._buckets.setdefault(channel_id, ChannelBucket(*self._bucket_shape))
            now = time.monotonic()
            wait = bucket.take(now)
            if wait is not None:
                self.bucket_429s += 1
                return _too_many(wait, headers=bucket.headers(now))
            bucket_headers = bucket.headers(now)
        if not self._posts_open.is_set():
            self.held_posts += 1
            try:
                await self._posts_open.wait()
            finally:
                self.held_posts -= 1
        nonce = str(body.get("nonce")) if body.get("enforce_nonce") and body.get("nonce") else None
        key = (str(self.world.bot_user.id), nonce or "")
        remembered = self._nonces.get(key) if nonce is not None else None
        if remembered is not None and self.now() - remembered[1] < NONCE_MEMORY_SECONDS:
            # https://discord.com/developers/docs/resources/message#create-message: with
            # enforce_nonce, a nonce the same author used in the past few minutes returns
            # that message and creates none.
            return _json(remembered[0], headers=bucket_headers)
        reference = body.get("message_reference")
        reference_id = int(reference["message_id"]) if reference else None
        payload = self.message_payload(
            channel_id,
            self.world.bot_user,
            body.get("content") or "",
            reference_id=reference_id,
            embeds=body.get("embeds") or [],
            components=_with_types(body.get("components") or []),
            flags=body.get("flags", 0),
        )
        if not self.lean:
            self.messages[int(payload["id"])] = payload
        if nonce is not None and not self.lean:
            self._nonces[key] = (payload, self.now())
        if reference_id is not None:
            self.replied_at.setdefault(reference_id, time.monotonic())
            self.reply_counts[reference_id] += 1
        # Discord echoes the bot's own messages on the gateway; the bot must ignore them.
        await self.dispatch("MESSAGE_CREATE", payload)
        return _json(payload, headers=bucket_headers)

    async def _list_messages(
        self, _: web.Request, recorded: RecordedRequest, match: re.Match[str]
    ) -> web.Response:
        """A channel's messages (https://discord.com/developers/docs/resources/message#get-
        channel-messages): with `after`, the `limit` oldest after it; with `before` (or
        neither), the `limit` newest before it; always sent newest first."""
        channel_id = str(match["channel"])
        query = recorded.query
        if sum(key in query for key in ("before", "after", "around")) > 1:
            return _error(400, 50035, "Invalid Form Body")
        limit = int(query.get("limit", "50"))
        if not 1 <= limit <= 100:
            return _error(400, 50035, "Invalid Form Body")
        ids = sorted(
            message_id
            for message_id, message in self.messages.items()
            if message["channel_id"] == channel_id and message_id not in self.deleted
        )
        if "after" in query:
            after = int(query["after"])
            found = [m for m in ids if m > after][:limit]
        else:
            before = int(query.get("before", str(2**64)))
            found = [m for m in ids if m < before][-limit:]
        return _json([self.rest_message(self.messages[m]) for m in reversed(found)])

    def rest_message(self, message: Json) -> Json:
        """A message as the HTTP API returns it: without MESSAGE_CREATE's extra fields
        (`guild_id`, `member`), and without content when the app lacks the intent."""
        if not self.message_content_enabled:
            message = without_content(message, self.world.bot_user.id)
        return {k: v for k, v in message.items() if k not in ("guild_id", "member")}

    async def _active_threads(self, _: web.Request, __: Any, match: re.Match[str]) -> web.Response:
        """GET /guilds/{id}/threads/active: every active thread with the bot's memberships."""
        world = next((w for w in self.guilds if w.guild_id == int(match["guild"])), None)
        if world is None:
            return _error(404, 10004, "Unknown Guild")
        threads = [t for t in world.threads_payload() if not t["thread_metadata"]["archived"]]
        members = [
            {"id": t["id"], "user_id": str(world.bot_user.id),
             "join_timestamp": iso_now(), "flags": 0}
            for t in threads
            if int(t["id"]) in world.bot_thread_ids
        ]  # fmt: skip
        return _json({"threads": threads, "members": members})

    async def _join_thread(self, _: web.Request, __: Any, match: re.Match[str]) -> web.Response:
        """PUT /channels/{id}/thread-members/@me: the bot joins a thread."""
        thread_id = int(match["channel"])
        world = self.world_of(thread_id)
        if not any(t["id"] == str(thread_id) for t in world.threads_payload()):
            return _error(404, 10003, "Unknown Channel")
        world.bot_thread_ids.add(thread_id)
        self.thread_joins.append(thread_id)
        return web.Response(status=204)

    async def _get_message(self, _: web.Request, __: Any, match: re.Match[str]) -> web.Response:
        message = self._live_message(int(match["message"]), int(match["channel"]))
        return _json(self.rest_message(message)) if message else _error(404, 10008)

    async def _patch_message(
        self, _: web.Request, recorded: RecordedRequest, match: re.Match[str]
    ) -> web.Response:
        message = self._live_message(int(match["message"]), int(match["channel"]))
        if message is None:
            return _error(404, 10008, "Unknown Message")
        message.update(_message_fields(recorded.body or {}))
        message["edited_timestamp"] = iso_now()
        await self.dispatch("MESSAGE_UPDATE", message)
        return _json(message)

    async def _delete_message(self, _: web.Request, __: Any, match: re.Match[str]) -> web.Response:
        message_id, channel_id = int(match["message"]), int(match["channel"])
        if self._live_message(message_id, channel_id) is None:
            return _error(404, 10008, "Unknown Message")
        self.deleted.add(message_id)
        await self.dispatch(
            "MESSAGE_DELETE",
            {"id": str(message_id), "channel_id": str(channel_id),
             "guild_id": str(self.world_of(channel_id).guild_id)},
        )  # fmt: skip
        return web.Response(status=204)

    def _live_message(self, message_id: int, channel_id: int) -> Json | None:
        message = self.messages.get(message_id)
        if message is None or message_id in self.deleted:
            return None
        return message if message["channel_id"] == str(channel_id) else None

    async def _interaction_callback(
        self, _: web.Request, recorded: RecordedRequest, match: re.Match[str]
    ) -> web.Response:
        interaction = self.interactions.get(match["token"])
        if interaction is None or str(interaction.id) != match["id"]:
            return _error(404, 10062, "Unknown interaction")
        body = recorded.body or {}
        interaction.callbacks.append(body)
        callback_type = int(body.get("type", 0))
        data = body.get("data") or {}
        message: Json | None = None
        if callback_type == 4:  # CHANNEL_MESSAGE_WITH_SOURCE
            message = self._interaction_message(interaction, data)
            interaction.original = message
        elif callback_type == 7 and "message" in interaction.payload:  # UPDATE_MESSAGE
            message = interaction.payload["message"]
            message.update(_message_fields(data))
        result: Json = {
            "interaction": {
                "id": str(interaction.id),
                "type": interaction.payload["type"],
                "response_message_loading": callback_type == 5,
                "response_message_ephemeral": bool(int(data.get("flags", 0)) & EPHEMERAL),
            }
        }
        if message is not None:
            result["interaction"]["response_message_id"] = message["id"]
            result["resource"] = {"type": callback_type, "message": message}
        return _json(result)

    async def _followup(
        self, _: web.Request, recorded: RecordedRequest, match: re.Match[str]
    ) -> web.Response:
        interaction = self.interactions.get(match["token"])
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        message = self._interaction_message(interaction, recorded.body or {})
        interaction.followups.append(message)
        return _json(message)

    async def _edit_original(
        self, _: web.Request, recorded: RecordedRequest, match: re.Match[str]
    ) -> web.Response:
        interaction = self.interactions.get(match["token"])
        if interaction is None:
            return _error(404, 10015, "Unknown Webhook")
        if interaction.original is None:
            # Editing the original after a deferral is how the deferred answer appears.
            interaction.original = self._interaction_message(interaction, recorded.body or {})
        else:
            interaction.original.update(_message_fields(recorded.body or {}))
        return _json(interaction.original)

    async def _get_original(self, _: web.Request, __: Any, match: re.Match[str]) -> web.Response:
        interaction = self.interactions.get(match["token"])
        if interaction is None or interaction.original is None:
            return _error(404, 10008, "Unknown Message")
        return _json(interaction.original)

    def _interaction_message(self, interaction: FakeInteraction, data: Json) -> Json:
        channel_id = int(interaction.payload["channel_id"])
        deferred_ephemeral = any(
            int((cb.get("data") or {}).get("flags", 0)) & EPHEMERAL
            for cb in interaction.callbacks
            if cb.get("type") == 5
        )
        flags = int(data.get("flags", 0)) | (EPHEMERAL if deferred_ephemeral else 0)
        message = self.message_payload(
            channel_id,
            self.world.bot_user,
            data.get("content") or "",
            embeds=data.get("embeds") or [],
            components=_with_types(data.get("components") or []),
            flags=flags,
            interaction_metadata={
                "id": str(interaction.id),
                "type": interaction.payload["type"],
                "user": interaction.payload["member"]["user"],
                "authorizing_integration_owners": {},
            },
        )
        self.messages[int(message["id"])] = message
        return message


def _preview(link: str) -> Json:
    """A link preview embed as Discord adds it (type `link` or `article`)."""
    return {"type": "link", "url": link.rstrip(").,"), "title": "Preview", "description": ""}


def without_content(message: Json, app_user_id: int) -> Json:
    """The message as an app without the Message Content intent sees it: `content`,
    `embeds`, `attachments` and `components` empty and no `poll`, except in the app's own
    messages, direct messages and messages that mention the app
    (https://discord.com/developers/docs/events/gateway#message-content-intent)."""
    author = (message.get("author") or {}).get("id")
    mentioned = any(m.get("id") == str(app_user_id) for m in message.get("mentions") or [])
    if author == str(app_user_id) or not message.get("guild_id") or mentioned:
        return message
    shown = {**message, **CONTENT_FIELDS}
    shown.pop("poll", None)
    referenced = message.get("referenced_message")
    if referenced:
        inner = without_content({**referenced, "guild_id": message["guild_id"]}, app_user_id)
        if "guild_id" not in referenced:
            del inner["guild_id"]
        shown["referenced_message"] = inner
    return shown


def _acknowledged_without_message(interaction: FakeInteraction) -> bool:
    """A deferred component update (type 6) acknowledges without showing a message."""
    return any(cb.get("type") == 6 for cb in interaction.callbacks)


def _message_fields(body: Json) -> Json:
    """The parts of an edit body that change a message."""
    fields: Json = {key: body[key] for key in ("content", "embeds", "flags") if key in body}
    if "components" in body:
        fields["components"] = _with_types(body["components"] or [])
    return fields


def _with_types(components: list[Json]) -> list[Json]:
    """Components as Discord returns them (ids filled in)."""
    return [dict(component) for component in components]


def _option_type(value: Any) -> int:
    """Application command option types: STRING 3, INTEGER 4, BOOLEAN 5, NUMBER 10."""
    if isinstance(value, bool):
        return 5
    if isinstance(value, int):
        return 4
    if isinstance(value, float):
        return 10
    return 3


def _take_first(rules: list[Any], method: str, path: str) -> Any:
    """Remove and return the first rule (Failure or Slowdown) matching the request."""
    for rule in rules:
        if rule.method == method and rule.path.fullmatch(path):
            rules.remove(rule)
            return rule
    return None


def _too_many(
    retry_after: float, *, is_global: bool = False, headers: dict[str, str] | None = None
) -> web.Response:
    """A 429 as Discord sends it (https://discord.com/developers/docs/topics/rate-limits)."""
    body = {
        "message": "You are being rate limited.",
        "retry_after": retry_after,
        "global": is_global,
    }
    limit_headers = headers or {
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset-After": f"{retry_after}",
        "X-RateLimit-Bucket": "fake-bucket",
    }
    all_headers = {
        **limit_headers,
        "Retry-After": f"{retry_after}",
        "X-RateLimit-Scope": "global" if is_global else "user",
        # discord.py treats a 429 without Via as a Cloudflare ban.
        "Via": "1.1 google",
    }
    if is_global:
        all_headers["X-RateLimit-Global"] = "true"
    return _json_body(body, 429, all_headers)


def _json(payload: Any, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # A generous bucket unless `limit_channels` gave real ones: discord.py never slows
    # itself down unless a test asks for it.
    generous = {
        "X-RateLimit-Limit": "10000",
        "X-RateLimit-Remaining": "9999",
        "X-RateLimit-Reset-After": "1.0",
    }
    return _json_body(payload, status, headers or generous)


# The `message` Discord's JSON error bodies carry for the codes the tests use
# (https://discord.com/developers/docs/topics/opcodes-and-status-codes#json); code 0 is a
# general error, whose message is the HTTP status line.
ERROR_MESSAGES = {
    10003: "Unknown Channel",
    10008: "Unknown Message",
    10015: "Unknown Webhook",
    10062: "Unknown interaction",
    50001: "Missing Access",
    50013: "Missing Permissions",
    50035: "Invalid Form Body",
}
STATUS_LINES = {
    400: "400: Bad Request",
    401: "401: Unauthorized",
    403: "403: Forbidden",
    404: "404: Not Found",
    500: "500: Internal Server Error",
    502: "502: Bad Gateway",
    503: "503: Service Unavailable",
}


def _error(
    status: int,
    code: int,
    message: str | None = None,
    *,
    errors: Json | None = None,
    content_type: str = "application/json",
) -> web.Response:
    """A JSON error body as Discord sends it: `{"message", "code"}`, and `errors` (each
    field's problems, nested by path, `_errors` lists at the leaves) for an invalid form
    (https://discord.com/developers/docs/reference#error-messages)."""
    text = message or ERROR_MESSAGES.get(code) or STATUS_LINES.get(status, f"{status}: Error")
    body: Json = {"message": text, "code": code}
    if errors is not None:
        body["errors"] = errors
    return _json_body(body, status, {}, content_type)


def _json_body(
    payload: Any, status: int, headers: dict[str, str], content_type: str = "application/json"
) -> web.Response:
    # discord.py compares Content-Type to exactly `application/json`, without a charset.
    return web.Response(
        body=json.dumps(payload).encode(),
        status=status,
        headers={**headers, "Content-Type": content_type},
    )
