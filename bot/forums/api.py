"""A forum's JSON REST API over httpx, with patient retries (XenForo, Discourse).

A 429 waits as long as the forum asks (`Retry-After`, or a wait the error body names) and
tries again; 5xx answers and timeouts are retried with growing pauses for reads and
deletions. A write that creates something (a new post) is never re-sent after a 5xx or a
timeout, because the forum may have saved it: `ApiError.ambiguous` tells the caller to look
before trying again. Each forum says how to read its error bodies (`ErrorReader`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import httpx

from bot.http.limits import parse_retry_after

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_WAIT_SECONDS = 300.0


class ApiError(Exception):
    """The forum answered with an error (or not at all: `status` 0 for a timeout).

    `wait` is how long the forum asked us to wait before trying again, when it said.
    """

    def __init__(self, status: int, code: str, message: str = "", wait: float | None = None):
        super().__init__(f"HTTP {status} {code}: {message}" if status else code)
        self.status = status
        self.code = code
        self.wait = wait

    @property
    def ambiguous(self) -> bool:
        """True when a write may have happened although no success came back."""
        return self.status == 0 or self.status >= 500


ErrorReader = Callable[[int, Any], ApiError]


class ApiClient:
    """GET, POST and DELETE against the forum's API address, as the bot's key."""

    def __init__(
        self,
        http: httpx.Client,
        *,
        read_error: ErrorReader,
        sleep: Callable[[float], None],
        max_retries: int = 4,
        backoff_seconds: float = 2.0,
    ) -> None:
        self._http = http
        self._read_error = read_error
        self._sleep = sleep
        self._max_retries = max_retries
        self._backoff = backoff_seconds

    def get(self, path: str, **params: Any) -> dict[str, Any]:
        """A read, retried on 429, 5xx and timeouts."""
        return self._request("GET", path, params=params, retry_ambiguous=True)

    def post(
        self, path: str, data: dict[str, Any] | None = None, json: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A write (form-encoded `data` or a `json` body); retried only when surely not done."""
        return self._request("POST", path, data=data, json=json, retry_ambiguous=False)

    def delete(self, path: str) -> dict[str, Any]:
        """A deletion (repeating one is harmless, so it is retried like a read)."""
        return self._request("DELETE", path, retry_ambiguous=True)

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        data: dict[str, Any] | None = None,
        json: dict[str, Any] | None = None,
        retry_ambiguous: bool,
    ) -> dict[str, Any]:
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._http.request(method, path, params=params, data=data, json=json)
            except httpx.TransportError as exc:
                error = ApiError(0, type(exc).__name__)
                wait = self._backoff * 2 ** (attempt - 1)
            else:
                if response.status_code < 400:
                    return _json(response)
                error = self._read_error(response.status_code, _body(response))
                wait = _wait(response, error, self._backoff * 2 ** (attempt - 1))
                if response.status_code not in RETRY_STATUSES:
                    raise error
            if attempt > self._max_retries or (error.ambiguous and not retry_ambiguous):
                raise error
            log.info("%s %s: %s; trying again in %.0f s", method, path, error, wait)
            self._sleep(wait)


def _wait(response: httpx.Response, error: ApiError, backoff: float) -> float:
    """Retry-After (seconds or a date), else the wait the body named, else the backoff."""
    after = parse_retry_after(response.headers.get("retry-after"))
    wait = after if after is not None else error.wait
    return min(wait if wait is not None else backoff, MAX_WAIT_SECONDS)


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
    base_url: str, headers: dict[str, str], timeout: float, user_agent: str
) -> httpx.Client:
    """The httpx client for a forum's API: its address, the key headers, a timeout."""
    return httpx.Client(
        base_url=base_url.rstrip("/") + "/",
        headers={**headers, "User-Agent": user_agent},
        timeout=timeout,
    )
