"""Feeds served from 127.0.0.1 the way forums serve them: RSS 2.0 and Atom, with validators.

Bodies come from `feed_templates` (plain RSS/Atom, Discourse's and phpBB's own templates).
Each feed answers a conditional GET (`If-None-Match` against its ETag, `If-Modified-Since`
against its Last-Modified) with 304 as RFC 9110 describes; tests change items, reorder and
repeat them, break a feed (an error status, a body that is not XML, a slow answer, 429 with
Retry-After), and any POST records what a Discord webhook would receive. Discord's "Execute
Webhook" (discord-api-docs, docs/resources/Webhook.md) is `POST /api/webhooks/{id}/{token}`:
the token is in the path, so the whole address is a secret. It answers 204 without `?wait=true`
and, when rate limited, 429 with a Retry-After header and a JSON body naming `retry_after`
(docs/topics/Rate_Limits.md).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from tests.feeds.feed_templates import RENDERERS, Item
from tests.local_server import send_json, serve, shut

# A webhook's address as Discord hands it out: /api/webhooks/{webhook id}/{webhook token}.
WEBHOOK_TOKEN = "sekrit-webhook-token"
WEBHOOK_PATH = f"/api/webhooks/1180000000000000000/{WEBHOOK_TOKEN}"


@dataclass
class Feed:
    items: list[Item] = field(default_factory=list)
    style: str = "rss"  # a key of feed_templates.RENDERERS
    status: int = 200
    body: bytes | None = None  # served instead of the feed (a broken one)
    delay: float = 0.0
    headers: dict[str, str] = field(default_factory=dict)
    version: int = 1
    fail_times: int | None = None  # answer `status` this many times, then 200 (None: always)


@dataclass
class FakeFeeds:
    feeds: dict[str, Feed] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    webhook: list[dict[str, Any]] = field(default_factory=list)
    webhook_status: int = 204
    webhook_limited: int = 0  # answer this many POSTs with Discord's 429 first
    _server: ThreadingHTTPServer | None = None

    def start(self) -> FakeFeeds:
        self._server = serve(_handler(self))
        return self

    def stop(self) -> None:
        shut(self._server)

    def url(self, path: str) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}{path}"

    def add(self, path: str, *items: Item, atom: bool = False, style: str = "rss") -> str:
        self.feeds[path] = Feed(list(items), style="atom" if atom else style)
        return self.url(path)

    def change(self, path: str, items: list[Item]) -> None:
        feed = self.feeds[path]
        feed.items = items
        feed.version += 1

    def requests_to(self, path: str) -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]

    def render(self, feed: Feed) -> bytes:
        return RENDERERS[feed.style](feed.items)


def _handler(fake: FakeFeeds) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            if fake.webhook_limited > 0:
                fake.webhook_limited -= 1
                limited = {"message": "You are being rate limited.", "retry_after": 0.2,
                           "global": False}  # fmt: skip
                send_json(self, 429, limited, {"Retry-After": "1"})
                return
            fake.webhook.append(json.loads(body or b"{}"))
            self.send_response(fake.webhook_status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            fake.requests.append((self.path, dict(self.headers.items())))
            feed = fake.feeds.get(self.path)
            if feed is None:
                return self._send(404, b"not found", {})
            if feed.delay:
                time.sleep(feed.delay)
            etag = f'"v{feed.version}"'
            modified = formatdate(1_780_000_000 + feed.version, usegmt=True)
            failing = feed.status != 200 or feed.body is not None
            if failing and feed.fail_times is not None:
                failing, feed.fail_times = feed.fail_times > 0, feed.fail_times - 1
            if failing:
                return self._send(feed.status, feed.body or b"error", feed.headers)
            if self.headers.get("If-None-Match") == etag or (
                "If-None-Match" not in self.headers
                and self.headers.get("If-Modified-Since") == modified
            ):
                return self._send(304, b"", {"ETag": etag})
            atom = feed.style in {"atom", "phpbb"}
            kind = "application/atom+xml" if atom else "application/rss+xml"
            headers = {"ETag": etag, "Last-Modified": modified, "Content-Type": kind}
            return self._send(200, fake.render(feed), headers)

        def _send(self, status: int, body: bytes, headers: dict[str, str]) -> None:
            try:
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


@contextmanager
def running_fake_feeds() -> Iterator[FakeFeeds]:
    fake = FakeFeeds().start()
    try:
        yield fake
    finally:
        fake.stop()
