"""The feed watcher and digest against feeds served from 127.0.0.1."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr

from bot.core.service import EvidenceService
from bot.feeds.app import digest_if_due
from bot.feeds.fetch import feeds_http
from config.settings import FeedsSettings
from tests.conftest import FakeSleep
from tests.feeds.conftest import LEE_ID, UNKNOWN_DOI, USER_AGENT, Clock, lee_item, rows, watcher
from tests.feeds.fake_feeds import FakeFeeds


@pytest.mark.parametrize("atom", [False, True])
def test_citations_in_rss_and_atom_are_logged_with_the_posts_link(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, atom: bool
) -> None:
    url = fake.add("/feed", lee_item(), atom=atom)
    report = watcher(http, service, [url]).read_all()
    assert (report.entries, report.citations, report.unmatched) == (1, 1, 1)
    assert rows(service.db, "SELECT entry_id, permalink FROM cited_studies") == [
        (LEE_ID, "http://forum.test/posts/1/")
    ]
    assert rows(service.db, "SELECT paper_key, permalink FROM sightings") == [
        (f"doi:{UNKNOWN_DOI}", "http://forum.test/posts/1/")
    ]


def test_an_unchanged_feed_costs_a_304_and_logs_nothing_new(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client
) -> None:
    url = fake.add("/feed", lee_item())
    reader = watcher(http, service, [url])
    reader.read_all()
    second = reader.read_all()
    assert second.entries == 0
    assert fake.requests_to("/feed")[1].get("If-None-Match") == '"v1"'
    assert rows(service.db, "SELECT count(*) FROM cited_studies") == [(1,)]


def test_repeated_and_reordered_items_are_logged_once(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client
) -> None:
    url = fake.add("/feed", lee_item(1), lee_item(2))
    reader = watcher(http, service, [url])
    reader.read_all()
    fake.change("/feed", [lee_item(3), lee_item(2), lee_item(1), lee_item(2)])
    report = reader.read_all()
    assert report.entries == 1
    assert rows(service.db, "SELECT count(*) FROM cited_studies") == [(3,)]
    assert rows(service.db, "SELECT mention_count FROM unmatched_papers") == [(3,)]


BROKEN = [
    (500, None, 0.0, "HTTP 500"),
    (200, b"<html><body>maintenance</body", 0.0, "not a feed"),
    (200, None, 2.0, "ReadTimeout"),
]


@pytest.mark.parametrize("case", BROKEN)
def test_a_broken_feed_is_reported_and_the_others_go_on(
    fake: FakeFeeds,
    service: EvidenceService,
    http: httpx.Client,
    case: tuple[int, bytes | None, float, str],
) -> None:
    status, body, delay, reason = case
    broken = fake.add("/broken", lee_item(9))
    fake.feeds["/broken"].status, fake.feeds["/broken"].body = status, body
    fake.feeds["/broken"].delay = delay
    good = fake.add("/good", lee_item(1))
    report = watcher(http, service, [broken, good]).read_all()
    assert report.broken[broken].startswith(reason)
    assert report.entries == 1


def test_feeds_on_one_host_are_spaced_and_carry_the_user_agent(
    fake: FakeFeeds, service: EvidenceService, sleep: FakeSleep
) -> None:
    first, second = fake.add("/one", lee_item(1)), fake.add("/two", lee_item(2))
    # A clock that stands still: the whole spacing between the two requests is waited.
    with feeds_http(user_agent=USER_AGENT, timeout=0.5, delay_seconds=2.0, sleep=sleep,
                    clock=lambda: 1000.0) as http:  # fmt: skip
        watcher(http, service, [first, second]).read_all()
    assert sleep.calls == [2.0]
    assert fake.requests_to("/two")[0]["User-Agent"] == USER_AGENT


def test_a_server_error_is_retried_with_backoff_then_reported(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, sleep: FakeSleep
) -> None:
    url = fake.add("/down", lee_item())
    fake.feeds["/down"].status = 503
    report = watcher(http, service, [url]).read_all()
    assert report.broken[url] == "HTTP 503"
    assert len(fake.requests_to("/down")) == 3  # the first try and two retries
    # The policy's backoff: 1 s then 2 s, each jittered down to as little as half.
    first, second = sleep.calls
    assert 0.5 <= first <= 1.0 <= second <= 2.0


def test_a_short_retry_after_is_waited_within_the_round(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, sleep: FakeSleep
) -> None:
    url = fake.add("/busy", lee_item())
    fake.feeds["/busy"].status = 429
    fake.feeds["/busy"].headers = {"Retry-After": "30"}
    fake.feeds["/busy"].fail_times = 1
    report = watcher(http, service, [url]).read_all()
    assert 30.0 in sleep.calls
    assert report.entries == 1


def test_a_feed_asking_to_wait_is_left_alone_until_then(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client
) -> None:
    url = fake.add("/busy", lee_item())
    fake.feeds["/busy"].status = 429
    fake.feeds["/busy"].headers = {"Retry-After": "600"}
    clock = Clock()
    reader = watcher(http, service, [url], clock)
    reader.read_all()
    reader.read_all()
    assert len(fake.requests_to("/busy")) == 1
    clock.now += 601
    fake.feeds["/busy"].status = 200
    assert reader.read_all().entries == 1


def test_the_digest_lists_the_studies_with_cards_and_the_posts(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, tmp_path: Path
) -> None:
    hostile = "<script>alert(1)</script> [x](javascript:alert(1)) @everyone"
    url = fake.add("/feed", lee_item(1), lee_item(2, title=hostile, link="javascript:alert(1)"))
    watcher(http, service, [url]).read_all()
    config = FeedsSettings(urls=[url], digest_dir=tmp_path)
    assert digest_if_due(service, config, http)
    (markdown,) = tmp_path.glob("*.md")
    (page,) = tmp_path.glob("*.html")
    text, html = markdown.read_text(), page.read_text()
    assert "Brain-regional characteristics" in text
    assert "**What this study does not prove:**" in text
    assert "Cited in 2 posts:" in text
    assert "(http://forum.test/posts/1/)" in text
    assert "<script>" not in html
    assert 'href="javascript' not in html
    assert "](javascript" not in text
    assert '<a href="http://forum.test/posts/1/">Thread 1</a>' in html


def test_digests_are_owner_only_like_exports(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, tmp_path: Path
) -> None:
    url = fake.add("/feed", lee_item())
    watcher(http, service, [url]).read_all()
    folder = tmp_path / "digests"
    previous = os.umask(0o022)  # a common umask: new files readable by everyone
    try:
        assert digest_if_due(service, FeedsSettings(urls=[url], digest_dir=folder), http)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    modes = {path.suffix: stat.S_IMODE(path.stat().st_mode) for path in folder.iterdir()}
    assert modes == {".md": 0o600, ".html": 0o600}


def test_the_next_digest_waits_for_its_period(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, tmp_path: Path
) -> None:
    config = FeedsSettings(urls=["x"], digest_dir=tmp_path, digest_hours=24)
    start = datetime(2026, 5, 1, tzinfo=UTC)
    assert digest_if_due(service, config, http, now=start)
    assert not digest_if_due(service, config, http, now=start + timedelta(hours=23))
    assert digest_if_due(service, config, http, now=start + timedelta(hours=24))
    assert len(list(tmp_path.glob("*.md"))) == 2


def test_the_digest_goes_to_a_discord_webhook_pinging_nobody(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, tmp_path: Path
) -> None:
    url = fake.add("/feed", lee_item())
    watcher(http, service, [url]).read_all()
    webhook = SecretStr(fake.url("/webhook"))
    config = FeedsSettings(urls=[url], digest_dir=tmp_path, discord_webhook_url=webhook)
    digest_if_due(service, config, http)
    (message,) = fake.webhook
    assert message["allowed_mentions"] == {"parse": []}
    assert "Brain-regional characteristics" in message["content"]
    assert len(message["content"]) <= 2000


def test_a_failing_webhook_still_writes_the_files(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, tmp_path: Path
) -> None:
    fake.webhook_status = 500
    config = FeedsSettings(urls=["x"], digest_dir=tmp_path,
                           discord_webhook_url=SecretStr(fake.url("/webhook")))  # fmt: skip
    assert digest_if_due(service, config, http)
    assert len(list(tmp_path.glob("*.html"))) == 1


def test_reading_feeds_answers_nobody(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client
) -> None:
    url = fake.add("/feed", lee_item())
    watcher(http, service, [url]).read_all()
    assert rows(service.db, "SELECT count(*) FROM replies") == [(0,)]
    assert rows(service.db, "SELECT count(*) FROM cited_studies") == [(1,)]
