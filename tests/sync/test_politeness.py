"""Per-host spacing, robots.txt rules and the fetcher's retries, with a fake clock and
MockTransport under the real polite transport."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from bot.http.limits import HostSpacing, RetryPolicy
from bot.sync.fetcher import FetchFailed, PoliteFetcher, Validators, open_fetcher
from bot.sync.robots import RobotsRules, RobotsUnavailable

AGENT = "evidence-bot/0.1 (+https://example.org)"


class FakeClock:
    """A clock that moves only when something sleeps or the test advances it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.mark.parametrize(
    ("delay", "gap", "expected_wait"),
    [(1.0, 0.0, 1.0), (1.0, 0.4, 0.6), (1.0, 2.0, 0.0), (0.0, 0.0, 0.0)],
)
def test_pacer_waits_out_the_rest_of_the_delay(
    delay: float, gap: float, expected_wait: float
) -> None:
    clock = FakeClock()
    spacing = HostSpacing(delay, clock=clock, sleep=clock.sleep)
    assert spacing.wait("a.org") == 0.0
    clock.now += gap
    assert spacing.wait("a.org") == pytest.approx(expected_wait)
    assert spacing.wait("b.org") == 0.0  # another host has its own spacing


def test_spacing_only_slows_down() -> None:
    spacing = HostSpacing(1.0)
    spacing.slow_down_to("a.org", 0.2)
    assert spacing.delay_for("a.org") == 1.0
    spacing.slow_down_to("a.org", 3.0)
    assert (spacing.delay_for("a.org"), spacing.delay_for("b.org")) == (3.0, 1.0)


def test_spacing_rejects_a_negative_delay() -> None:
    with pytest.raises(ValueError, match="negative"):
        HostSpacing(-1)


ROBOTS = """User-agent: evidence-bot
Disallow: /evidence/private-
Crawl-delay: 5

User-agent: *
Disallow: /
"""


@pytest.mark.parametrize(
    ("status", "text", "url", "allowed"),
    [
        (200, ROBOTS, "https://a.org/evidence/kim-2021-gut", True),
        (200, ROBOTS, "https://a.org/evidence/private-2020-x", False),
        (404, "", "https://a.org/evidence/private-2020-x", True),
        (403, "", "https://a.org/evidence/kim-2021-gut", True),
    ],
)
def test_robots_rules_for_our_agent(status: int, text: str, url: str, allowed: bool) -> None:
    rules = RobotsRules.from_response(status, text, AGENT, "https://a.org/robots.txt")
    assert rules.allows(url) is allowed


@pytest.mark.parametrize(
    ("text", "delay"),
    [(ROBOTS, 5.0), ("User-agent: *\nRequest-rate: 1/10\n", 10.0), ("User-agent: *\n", None)],
)
def test_robots_crawl_delay(text: str, delay: float | None) -> None:
    rules = RobotsRules.from_response(200, text, AGENT, "https://a.org/robots.txt")
    assert rules.crawl_delay == delay


def test_robots_server_error_means_no_crawling() -> None:
    with pytest.raises(RobotsUnavailable, match="HTTP 503"):
        RobotsRules.from_response(503, "", AGENT, "https://a.org/robots.txt")


Handler = Callable[[httpx.Request], httpx.Response]


def fetcher_for(handler: Handler, *, retries: int = 2) -> tuple[PoliteFetcher, FakeClock]:
    clock = FakeClock()
    fetcher = open_fetcher(
        user_agent=AGENT,
        delay=0,
        timeout=10,
        retry=RetryPolicy(max_retries=retries, base_delay=1.0, jitter=lambda _low, high: high),
        inner=httpx.MockTransport(handler),
        clock=clock,
        sleep=clock.sleep,
    )
    return fetcher, clock


def test_fetcher_backs_off_exponentially_between_retries() -> None:
    fetcher, clock = fetcher_for(lambda request: httpx.Response(502))
    fetched = fetcher.get("https://a.org/evidence/x")
    assert (fetched.status, fetched.attempts) == (502, 3)
    assert clock.slept == [1.0, 2.0]


def test_fetcher_honours_a_sane_retry_after() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200)])
    fetcher, clock = fetcher_for(lambda request: next(answers))
    assert fetcher.get("https://a.org/evidence/x").status == 200
    assert clock.slept == [7.0]


def test_fetcher_gives_up_at_once_when_asked_to_come_back_much_later() -> None:
    fetcher, clock = fetcher_for(lambda r: httpx.Response(503, headers={"Retry-After": "86400"}))
    assert fetcher.get("https://a.org/evidence/x").attempts == 1
    assert clock.slept == []


def test_fetcher_turns_repeated_timeouts_into_fetch_failed() -> None:
    def time_out(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    fetcher, _ = fetcher_for(time_out, retries=1)
    with pytest.raises(FetchFailed, match="timed out after 2 attempts"):
        fetcher.get("https://a.org/evidence/x")


@pytest.mark.parametrize(
    ("validators", "expected"),
    [
        (Validators(etag='"abc"'), {"if-none-match": '"abc"'}),
        (Validators(last_modified="Tue, 01 Dec 2026 00:00:00 GMT"),
         {"if-modified-since": "Tue, 01 Dec 2026 00:00:00 GMT"}),
        (Validators(), {}),
    ],
)  # fmt: skip
def test_fetcher_sends_conditional_headers(
    validators: Validators, expected: dict[str, str]
) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(304)

    fetcher, _ = fetcher_for(answer)
    fetcher.get("https://a.org/evidence/x", validators)
    sent = {k: v for k, v in seen[0].headers.items() if k.startswith("if-")}
    assert sent == expected
    assert seen[0].headers["user-agent"] == AGENT


# RFC 9309 section 2.2.2: the most specific (longest) match wins, Allow wins a tie;
# `*` matches any sequence and `$` the end. The standard library's parser gets both wrong.
RFC_ROBOTS = """User-agent: *
Disallow: /evidence/
Allow: /evidence/lee-
Disallow: /evidence/*/print
Disallow: /*.pdf$
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/evidence/lee-2024-brain-regional", True),  # longer Allow beats shorter Disallow
        ("/evidence/kim-2021-gut", False),
        ("/evidence/lee-2024-brain-regional/print", False),  # `*` wildcard
        ("/files/lee.pdf", False),  # `$` anchors the end
        ("/files/lee.pdf.html", True),
        ("/about", True),
    ],
)
def test_robots_rules_follow_rfc_9309_precedence_and_wildcards(path: str, allowed: bool) -> None:
    rules = RobotsRules.from_response(200, RFC_ROBOTS, AGENT, "https://a.org/robots.txt")
    assert rules.allows("https://a.org" + path) is allowed


def test_robots_names_its_sitemaps() -> None:
    text = "Sitemap: https://a.org/sitemap.xml\nUser-agent: *\nAllow: /\n"
    rules = RobotsRules.from_response(200, text, AGENT, "https://a.org/robots.txt")
    assert rules.sitemaps == ["https://a.org/sitemap.xml"]
