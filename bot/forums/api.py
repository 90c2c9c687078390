"""A forum's JSON REST API (XenForo, Discourse) on the polite HTTP stack.

Waiting and retrying are the transport's (`bot.http`): a 429 waits as long as the forum
asks (`Retry-After`, or a wait its error body names: `wait_hint`) within the cap and tries
again; 5xx answers and timeouts are retried with growing pauses for reads and deletions. A
write that creates something (a new post) is never re-sent after a 5xx or a timeout,
because the forum may have saved it: `ApiError.ambiguous` tells the caller to look before
trying again. Each forum says how to read its error bodies (`ErrorReader`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from bot.errors import TOO_LARGE, ApiError, ResponseTooLarge
from bot.http.limits import HostSpacing, RetryPolicy, Sleep
from bot.http.stack import open_polite_client
from bot.http.transport import WaitHint

log = logging.getLogger(__name__)

# A forum's API answer is a page of posts or threads: a few hundred kilobytes at most.
MAX_ANSWER_BYTES = 5_000_000
# Between two requests to the forum: none beyond the forum's own limits, which it states
# in its 429s (a poll makes dozens of requests as the forum's own keyed user, and a fixed
# pause per request made a poll of a busy forum take minutes).
REQUEST_SPACING_SECONDS = 0.0
BACKOFF_SECONDS = 2.0


ErrorReader = Callable[[int, Any], ApiError]


class ApiClient:
    """GET, POST, PUT and DELETE against the forum's API address, as the bot's key."""

    def __init__(self, http: httpx.Client, *, read_error: ErrorReader) -> None:
        self._http = http
        self._read_error = read_error

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        """A read (the transport retries it on 429, 5xx and timeouts)."""
        return self._request("GET", path, params=params)

    def post(
        self, path: str, data: dict[str, Any] | None = None, json: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A write (form-encoded `data` or a `json` body); retried only when surely not done."""
        return self._request("POST", path, data=data, json=json)

    def put(self, path: str, json: dict[str, Any]) -> dict[str, Any]:
        """A replacing write (an edit): sent once, like a POST."""
        return self._request("PUT", path, json=json)

    def delete(self, path: str) -> dict[str, Any]:
        """A deletion (repeating one is harmless, so it is retried like a read)."""
        return self._request("DELETE", path)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        try:
            response = self._http.request(method, path, params=params, data=data, json=json)
        except ResponseTooLarge as exc:
            raise ApiError(0, TOO_LARGE, str(exc)) from exc
        except httpx.HTTPError as exc:
            raise ApiError(0, type(exc).__name__, str(exc)) from exc
        if response.status_code >= 400:
            raise self._read_error(response.status_code, _body(response))
        return _json(response)


def _json(response: httpx.Response) -> dict[str, Any]:
    body = _body(response)
    if not isinstance(body, dict):
        raise ApiError(response.status_code, "invalid_json", "not a JSON object")
    return body


def _body(response: httpx.Response) -> Any:
    """The JSON body, or None when there is none."""
    try:
        return response.json()
    except ValueError:
        return None


def build_http(
    base_url: str,
    headers: dict[str, str],
    timeout: float,
    user_agent: str,
    *,
    max_retries: int,
    sleep: Sleep = time.sleep,
    wait_hint: WaitHint | None = None,
    inner: httpx.BaseTransport | None = None,
) -> httpx.Client:
    """The polite client for a forum's API: its address, the key headers, the retry policy.

    Redirects stay on the forum's host: the key headers would otherwise go along.
    """
    return open_polite_client(
        user_agent=user_agent,
        timeout=timeout,
        retry=RetryPolicy(max_retries=max_retries, base_delay=BACKOFF_SECONDS),
        max_bytes=MAX_ANSWER_BYTES,
        spacing=HostSpacing(REQUEST_SPACING_SECONDS, sleep=sleep),
        headers=headers,
        base_url=base_url,
        wait_hint=wait_hint,
        inner=inner,
        sleep=sleep,
    )
