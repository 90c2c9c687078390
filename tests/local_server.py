"""Serving a fake platform on 127.0.0.1 for the tests: start, stop, and a JSON answer."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol, TypeVar

Answer = tuple[int, Any, dict[str, str]]  # status, JSON body, headers


class FakeServer(Protocol):
    def start(self) -> object: ...

    def stop(self) -> None: ...


Fake = TypeVar("Fake", bound=FakeServer)


def serve(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """A server on a free port of 127.0.0.1, answering from a daemon thread."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def shut(server: ThreadingHTTPServer | None) -> None:
    """Stop serving and free the port (nothing to do for a server never started)."""
    if server is not None:
        server.shutdown()
        server.server_close()


def send_json(
    handler: BaseHTTPRequestHandler, status: int, answer: Any, headers: dict[str, str]
) -> None:
    """Answer with `answer` as JSON; a client that gave up waiting (a timeout test) is fine."""
    data = json.dumps(answer).encode()
    try:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass


def json_handler(
    answer: Callable[[BaseHTTPRequestHandler], Answer],
) -> type[BaseHTTPRequestHandler]:
    """A quiet handler class that answers GET, POST, PUT and DELETE with `answer(request)`
    as JSON."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            send_json(self, *answer(self))

        do_POST = do_GET
        do_DELETE = do_GET
        do_PUT = do_GET

        def log_message(self, format: str, *args: Any) -> None:
            """Quiet."""

    return Handler


def request_body(request: BaseHTTPRequestHandler) -> str:
    """The request's body as text ("" when it has none)."""
    length = int(request.headers.get("Content-Length") or 0)
    return request.rfile.read(length).decode() if length else ""


@contextmanager
def running(fake: Fake) -> Iterator[Fake]:
    """`fake` serving, and stopped afterwards even when the test fails."""
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
