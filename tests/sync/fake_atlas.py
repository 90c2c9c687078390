"""A small ME/CFS Atlas stand-in on 127.0.0.1 for end-to-end syncs with the real httpx client.

It serves `/robots.txt`, listing pages `/evidence?offset=N` (a fixed number of studies per
page, a `rel="next"` link on all but the last page, optionally an empty page at the end)
and study pages `/evidence/<slug>` built from the HTML fixtures. Study pages answer
conditional requests (ETag for the new layout, Last-Modified for the old one) with 304.
Tests switch behaviours per page (404, 500, 503 a few times, a slow answer, a broken page)
and read back every request the server received.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "atlas_pages"
NEW_SLUG = "nakamura-2025-cerebral-blood"
NEW_TITLE = "Cerebral blood flow during orthostatic testing in ME/CFS: a systematic review"
OLD_SLUG = "brandt-2019-graded-activity"
OLD_TITLE = "Graded activity versus pacing advice in chronic fatigue: a randomised trial"
RETRACTION_BANNER = '<div class="retraction-banner" role="alert">Retracted by the journal.</div>'
# How long a slow page holds its answer unless the test releases it first.
SLOW_PAGE_HOLD_SECONDS = 10.0
TRICKLE_GAP_SECONDS = 0.2
TRICKLE_BYTES = 40  # then the rest at once: a client without a deadline gets the page late


def study_html(slug: str, title: str, *, layout: str = "new", retracted: bool = False) -> str:
    """A study page in the given layout, for `slug` and `title`."""
    if layout == "new":
        text = (FIXTURES / "new_layout.html").read_text(encoding="utf-8")
        text = text.replace(NEW_SLUG, slug).replace(NEW_TITLE, html.escape(title))
        if retracted:
            text = text.replace('<ul class="badges"', RETRACTION_BANNER + '<ul class="badges"')
        return text
    text = (FIXTURES / "old_layout.html").read_text(encoding="utf-8")
    text = text.replace(OLD_SLUG, slug).replace(OLD_TITLE, html.escape(title))
    if not retracted:
        start = text.index('<div class="alert alert-danger"')
        text = text[:start] + text[text.index("</div>", start) + len("</div>") :]
    return text


@dataclass
class FakePage:
    """One study page and how it behaves."""

    body: str
    status: int = 200
    use_etag: bool = True
    last_modified: str = field(default_factory=lambda: formatdate(1_750_000_000, usegmt=True))
    transient_failures: int = 0
    slow: bool = False
    # Send the body one byte at a time, TRICKLE_GAP_SECONDS apart (until released).
    trickle: bool = False
    redirect_to: str | None = None
    retry_after: str | None = None  # answer 503 with this Retry-After

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body.encode()).hexdigest()[:16] + '"'


@dataclass(frozen=True)
class SeenRequest:
    """A request as the server saw it, and what it answered."""

    path: str
    headers: dict[str, str]
    status: int


class FakeAtlas:
    """The fake site's content, behaviour switches and request log."""

    def __init__(self, *, page_size: int = 3) -> None:
        self.page_size = page_size
        self.pages: dict[str, FakePage] = {}
        self.listing: list[str] = []
        self.robots_txt = "User-agent: *\nDisallow: /evidence/private-\n"
        self.robots_status = 200
        self.robots_redirect: str | None = None  # answer /robots.txt with a 302 to here
        self.listing_status = 200
        self.empty_last_page = False
        # Every listing page shows the first page's studies and a next link, for ever.
        self.repeating_listing = False
        self.sitemaps: dict[str, str] = {}  # path → XML served there
        self.requests: list[SeenRequest] = []
        self.release_slow = threading.Event()
        self.base_url = ""
        self._lock = threading.Lock()

    def add(self, slug: str, page: FakePage | None = None, *, listed: bool = True) -> FakePage:
        """Serve `page` at /evidence/<slug> (a new-layout page by default)."""
        page = page or FakePage(study_html(slug, f"Study {slug}"))
        self.pages[slug] = page
        if listed:
            self.listing.append(slug)
        return page

    def requests_for(self, path: str) -> list[SeenRequest]:
        """Requests whose path (with query) is `path`."""
        return [request for request in self.requests if request.path == path]

    def record(self, request: SeenRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def listing_html(self, offset: int) -> str:
        if self.repeating_listing:
            slugs = self.listing[: self.page_size]
            next_link = f'<a rel="next" href="/evidence?offset={offset + self.page_size}">Next</a>'
            items = "".join(f'<li><a href="/evidence/{slug}">{slug}</a></li>' for slug in slugs)
            return f"<html><body><main><ul>{items}</ul>{next_link}</main></body></html>"
        slugs = self.listing[offset : offset + self.page_size]
        items = "\n".join(
            f'<li><a href="/evidence/{slug}">Study {slug}</a> <span class="badge">E2</span></li>'
            for slug in slugs
        )
        more = offset + self.page_size < len(self.listing) or (self.empty_last_page and bool(slugs))
        next_link = (
            f'<a rel="next" href="/evidence?offset={offset + self.page_size}">Next →</a>'
            if more
            else ""
        )
        return f"""<!DOCTYPE html><html><head><title>Evidence — ME/CFS Atlas</title></head>
<body><nav><a href="/">ME/CFS Atlas</a> <a href="/evidence/about">About the evidence</a></nav>
<main><p class="count" data-total="{len(self.listing)}">{len(self.listing)} studies</p>
<ul class="evidence-list">{items}</ul>
<nav class="pagination"><a rel="prev" href="/evidence?offset=0">Previous</a> {next_link}</nav>
</main></body></html>"""


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""

    def do_GET(self) -> None:
        atlas = self.server.atlas
        parts = urlsplit(self.path)
        status, headers, body = self._answer(atlas, parts.path, parse_qs(parts.query))
        atlas.record(
            SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, status)
        )
        payload = body.encode("utf-8")
        page = atlas.pages.get(parts.path.removeprefix("/evidence/"))
        if page is not None and page.trickle and status == 200:
            self._trickle(payload)
            return
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if status != 304:
            # A client that timed out has left (the slow-page tests intend that).
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(payload)

    def _trickle(self, payload: bytes) -> None:
        """Headers at once, then the body a byte at a time: every read succeeds, slowly."""
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            for index in range(min(TRICKLE_BYTES, len(payload))):
                self.wfile.write(payload[index : index + 1])
                self.wfile.flush()
                if self.server.atlas.release_slow.wait(TRICKLE_GAP_SECONDS):
                    break
            self.wfile.write(payload[index + 1 :])

    def _answer(  # noqa: PLR0911 - one answer per kind of path
        self, atlas: FakeAtlas, path: str, query: dict[str, list[str]]
    ) -> tuple[int, dict[str, str], str]:
        if path == "/robots.txt":
            if atlas.robots_redirect:
                return 302, {"Location": atlas.robots_redirect}, ""
            return atlas.robots_status, {}, atlas.robots_txt
        if path in atlas.sitemaps:
            return 200, {}, atlas.sitemaps[path]
        if path == "/evidence":
            if atlas.listing_status != 200:
                return atlas.listing_status, {}, "listing unavailable"
            return 200, {}, atlas.listing_html(int(query.get("offset", ["0"])[0]))
        slug = path.removeprefix("/evidence/")
        page = atlas.pages.get(slug)
        if page is None or not path.startswith("/evidence/"):
            return 404, {}, "<html><body><h1>Not found</h1></body></html>"
        return self._study(page)

    def _study(self, page: FakePage) -> tuple[int, dict[str, str], str]:  # noqa: PLR0911
        if page.redirect_to:
            return 302, {"Location": page.redirect_to}, ""
        if page.retry_after:
            return 503, {"Retry-After": page.retry_after}, "busy"
        if page.slow:
            self.server.atlas.release_slow.wait(SLOW_PAGE_HOLD_SECONDS)
        if page.transient_failures > 0:
            page.transient_failures -= 1
            return 503, {"Retry-After": "0"}, "busy"
        if page.status != 200:
            return page.status, {}, f"<html><body>error {page.status}</body></html>"
        headers = {"Last-Modified": page.last_modified}
        if page.use_etag:
            headers["ETag"] = page.etag
            if self.headers.get("If-None-Match") == page.etag:
                return 304, headers, ""
        elif self.headers.get("If-Modified-Since") == page.last_modified:
            return 304, headers, ""
        return 200, headers, page.body


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, atlas: FakeAtlas) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.atlas = atlas


@contextmanager
def serve(atlas: FakeAtlas) -> Iterator[FakeAtlas]:
    """Run the fake site on a free 127.0.0.1 port for the duration of the block."""
    server = _Server(atlas)
    host, port = server.server_address[:2]
    atlas.base_url = f"http://{host!s}:{port}"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield atlas
    finally:
        atlas.release_slow.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
