"""Polite HTTP for the crawler: one httpx client, robots.txt, pacing, retries, validators.

Every request (robots.txt included) waits its turn with the Pacer. Timeouts, network errors,
429 and 5xx are retried with exponential backoff (a sane Retry-After wins); what is still
failing after the retries is reported, never raised as a crash.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from bot.enrich.limits import RetryPolicy, parse_retry_after
from bot.sync.pacing import Pacer
from bot.sync.robots import RobotsRules, RobotsUnavailable

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class FetchFailed(RuntimeError):
    """A request that still failed after its retries (the message says how)."""


@dataclass(frozen=True)
class Validators:
    """What a server said identifies a page version (for a conditional request)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """If-None-Match / If-Modified-Since for a conditional GET (RFC 9110 section 13)."""
        found = {}
        if self.etag:
            found["If-None-Match"] = self.etag
        if self.last_modified:
            found["If-Modified-Since"] = self.last_modified
        return found

    def __bool__(self) -> bool:
        return bool(self.etag or self.last_modified)


@dataclass(frozen=True)
class Fetched:
    """A final answer: its status, address (after redirects), body and validators."""

    url: str
    status: int
    text: str
    validators: Validators
    attempts: int = 1


class PoliteFetcher:
    """Fetch pages of one site the way a considerate crawler does."""

    def __init__(
        self,
        client: httpx.Client,
        *,
        user_agent: str,
        pacer: Pacer,
        retry: RetryPolicy,
    ) -> None:
        self._client = client
        self._user_agent = user_agent
        self._pacer = pacer
        self._retry = retry
        self._robots: dict[str, RobotsRules] = {}

    @property
    def delay(self) -> float:
        """The current delay between requests (raised by a Crawl-delay)."""
        return self._pacer.delay

    def allowed(self, url: str) -> bool:
        """True when the site's robots.txt lets us fetch `url` (read once per site).

        Raises RobotsUnavailable when robots.txt cannot be read.
        """
        return self._rules_for(url).allows(url)

    def _rules_for(self, url: str) -> RobotsRules:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            robots_url = urljoin(origin, "/robots.txt")
            try:
                answer = self.get(robots_url)
            except FetchFailed as exc:
                raise RobotsUnavailable(f"{robots_url} could not be read ({exc})") from exc
            rules = RobotsRules.from_response(
                answer.status, answer.text, self._user_agent, robots_url
            )
            if rules.crawl_delay is not None:
                self._pacer.slow_down_to(rules.crawl_delay)
            self._robots[origin] = rules
        return self._robots[origin]

    def get(self, url: str, validators: Validators | None = None) -> Fetched:
        """GET `url` (conditionally when validators are given), retrying what may pass.

        Returns the final answer whatever its status; raises FetchFailed when no answer
        came (timeouts, network errors) after the retries.
        """
        headers = {"User-Agent": self._user_agent}
        if validators:
            headers.update(validators.headers())
        attempt = 0
        while True:
            self._pacer.wait()
            try:
                response = self._client.get(url, headers=headers)
            except httpx.TransportError as exc:
                delay = self._retry.delay(attempt, None)
                if delay is None:
                    raise FetchFailed(_describe(exc, attempt + 1)) from exc
                log.info("%s: %s; retry in %.1fs", url, type(exc).__name__, delay)
            else:
                if response.status_code not in RETRY_STATUSES:
                    return _fetched(response, attempt + 1)
                retry_after = parse_retry_after(response.headers.get("retry-after"))
                delay = self._retry.delay(attempt, retry_after)
                if delay is None:
                    return _fetched(response, attempt + 1)
                log.info("%s: HTTP %d; retry in %.1fs", url, response.status_code, delay)
            self._pacer.pause(delay)
            attempt += 1


def _fetched(response: httpx.Response, attempts: int) -> Fetched:
    return Fetched(
        attempts=attempts,
        url=str(response.url),
        status=response.status_code,
        text=response.text,
        validators=Validators(
            etag=response.headers.get("etag"),
            last_modified=response.headers.get("last-modified"),
        ),
    )


def _describe(exc: httpx.TransportError, attempts: int) -> str:
    kind = "timed out" if isinstance(exc, httpx.TimeoutException) else type(exc).__name__
    tries = "attempt" if attempts == 1 else "attempts"
    return f"{kind} after {attempts} {tries}"


__all__ = [
    "FetchFailed",
    "Fetched",
    "PoliteFetcher",
    "RobotsUnavailable",
    "Validators",
]
