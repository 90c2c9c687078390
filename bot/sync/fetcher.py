"""Fetching the atlas's pages the way a considerate crawler does, on the polite HTTP stack.

The transport spaces requests per host (a robots.txt Crawl-delay raises the spacing),
retries what may pass, caps each answer at 10 MB and each request at a deadline. This
module adds what only a crawler needs: robots.txt per host (read once; a redirect to
another host is followed only when that host's robots.txt allows the page), conditional
requests, and a Crawl-delay cap (a site asking for more is reported, not obeyed for days).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from bot.errors import CrawlDelayTooLong, FetchFailed, RobotsUnavailable
from bot.http.client import polite_client, same_host
from bot.http.deadline import network_transport
from bot.http.limits import Clock, HostSpacing, RetryPolicy, Sleep
from bot.http.stack import request_deadline
from bot.http.transport import ATTEMPTS_HEADER, RETRY_AFTER_REFUSED_HEADER, PoliteTransport
from bot.http.validators import Validators as Validators  # noqa: PLC0414 - re-exported
from bot.sync.robots import RobotsRules

log = logging.getLogger(__name__)

# An atlas page is tens of kilobytes; a sitemap of 50,000 URLs about 10 MB (the protocol's cap).
MAX_PAGE_BYTES = 10_000_000
# A Crawl-delay above this would make one sync take weeks: report it and do not crawl now.
MAX_CRAWL_DELAY = 60.0


@dataclass(frozen=True)
class Fetched:
    """A final answer: its status, address (after redirects), body and validators."""

    url: str
    status: int
    content: bytes
    validators: Validators
    attempts: int = 1
    # The server asked us to come back after this many seconds, more than we wait.
    retry_after_refused: float | None = None

    @property
    def text(self) -> str:
        """The body as text (UTF-8, undecodable bytes replaced)."""
        return self.content.decode("utf-8", "replace")


class PoliteFetcher:
    """Fetch pages of one site (and hosts it redirects to) politely, within bounds."""

    def __init__(
        self,
        transport: httpx.BaseTransport,
        *,
        user_agent: str,
        spacing: HostSpacing,
        timeout: float = 30.0,
        max_crawl_delay: float = MAX_CRAWL_DELAY,
    ) -> None:
        self._user_agent = user_agent
        self._spacing = spacing
        self._max_crawl_delay = max_crawl_delay
        self._robots: dict[str, RobotsRules] = {}
        self._client = polite_client(
            transport, user_agent=user_agent, timeout=timeout, may_redirect=self._may_redirect
        )

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def allowed(self, url: str) -> bool:
        """True when the site's robots.txt lets us fetch `url` (read once per site).

        Raises RobotsUnavailable when robots.txt cannot be read or asks too much.
        """
        return self.rules_for(url).allows(url)

    def sitemaps(self, url: str) -> list[str]:
        """The sitemaps the robots.txt of `url`'s site names."""
        return list(self.rules_for(url).sitemaps)

    def rules_for(self, url: str) -> RobotsRules:
        """The robots.txt rules of `url`'s site."""
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
            delay = rules.crawl_delay
            if delay is not None and delay > self._max_crawl_delay:
                raise CrawlDelayTooLong(
                    f"{robots_url} asks for a Crawl-delay of {delay:g}s, more than the "
                    f"{self._max_crawl_delay:g}s we accept; not crawling now"
                )
            if delay is not None:
                self._spacing.slow_down_to(parts.hostname or "", delay)
            self._robots[origin] = rules
        return self._robots[origin]

    def _may_redirect(self, origin: httpx.URL, target: httpx.URL) -> bool:
        """Same host: yes; another host: only where its robots.txt allows the page.

        A robots.txt may be redirected anywhere (RFC 9309 section 2.3.1.2): asking that
        host's robots.txt first would loop when two sites redirect theirs to each other.
        """
        if same_host(origin, target) or target.path == "/robots.txt":
            return True
        try:
            return self.allowed(str(target))
        except RobotsUnavailable:
            return False

    def get(self, url: str, validators: Validators | None = None) -> Fetched:
        """GET `url` (conditionally when validators are given).

        Returns the final answer whatever its status; raises FetchFailed when no answer
        came (timeouts, network errors after the retries, too large, a refused redirect).
        """
        headers = validators.headers() if validators else {}
        try:
            response = self._client.get(url, headers=headers)
        except httpx.HTTPError as exc:
            raise FetchFailed(str(exc) or type(exc).__name__) from exc
        refused = response.headers.get(RETRY_AFTER_REFUSED_HEADER)
        return Fetched(
            url=str(response.url),
            status=response.status_code,
            content=response.content,
            validators=Validators(
                etag=response.headers.get("etag"),
                last_modified=response.headers.get("last-modified"),
            ),
            attempts=int(response.headers.get(ATTEMPTS_HEADER, "1")),
            retry_after_refused=float(refused) if refused else None,
        )


def open_fetcher(
    *,
    user_agent: str,
    delay: float,
    timeout: float,
    retry: RetryPolicy,
    inner: httpx.BaseTransport | None = None,
    deadline_seconds: float | None = None,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
) -> PoliteFetcher:
    """A fetcher on the polite stack: `delay` seconds between requests to one host at least.

    `inner` is the network transport (tests pass an httpx.MockTransport); each request
    ends within `deadline_seconds` (default: twice the timeout, at least a minute).
    """
    spacing = HostSpacing(delay, clock=clock, sleep=sleep)
    transport = PoliteTransport(
        inner or network_transport(),
        retry=retry,
        spacing=spacing,
        max_bytes=MAX_PAGE_BYTES,
        deadline_seconds=deadline_seconds or request_deadline(timeout),
        sleep=sleep,
        clock=clock,
    )
    return PoliteFetcher(transport, user_agent=user_agent, spacing=spacing, timeout=timeout)


__all__ = [
    "CrawlDelayTooLong",
    "FetchFailed",
    "Fetched",
    "PoliteFetcher",
    "RobotsUnavailable",
    "Validators",
    "open_fetcher",
]
