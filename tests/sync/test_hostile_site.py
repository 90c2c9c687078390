"""A crawled site can be hostile (issue 17): every answer, wait and walk is bounded.

Each test runs a real sync against the fake atlas on 127.0.0.1 behaving badly.
"""

from __future__ import annotations

import pytest

from bot.sync import crawler
from bot.sync.crawler import AtlasSync, SyncStopped
from bot.sync.state import CrawlState, CrawlStore
from records.atlas_page import ParsedPage, parse_atlas_page
from records.atlas_store import get_entry
from records.db import Database
from tests.sync.conftest import MakeSync, make_fetcher
from tests.sync.fake_atlas import FakeAtlas, FakePage, serve, study_html


def test_a_page_trickled_a_byte_at_a_time_fails_at_the_request_deadline(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    site.add("drip-2020-slow", FakePage(study_html("drip-2020-slow", "Drip"), trickle=True))
    report = make_sync(site, deadline_seconds=1.0, retries=0).run()
    assert ("drip-2020-slow", "no complete answer within 1s (request deadline)") in report.failed
    assert get_entry(db, "drip-2020-slow") is None
    assert report.new == 3  # the other pages went on


def test_a_page_larger_than_the_cap_is_refused(
    site: FakeAtlas, make_sync: MakeSync, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("bot.sync.fetcher.MAX_PAGE_BYTES", 50_000)
    huge = study_html("huge-2020-page", "Huge").replace("</body>", "x" * 60_000 + "</body>")
    site.add("huge-2020-page", FakePage(huge))
    report = make_sync(site).run()
    assert [slug for slug, _ in report.failed] == ["huge-2020-page"]
    assert "more than 50000 allowed" in report.failed[0][1]


def test_a_retry_after_beyond_the_cap_leaves_the_page_for_the_next_run(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    site.add(
        "busy-2020-later", FakePage(study_html("busy-2020-later", "Busy"), retry_after="86400")
    )
    report = make_sync(site).run()
    assert report.failed == [
        ("busy-2020-later", "HTTP 503, asked to come back in 86400s: left for the next run")
    ]
    assert len(site.requests_for("/evidence/busy-2020-later")) == 1


def test_a_crawl_delay_beyond_the_cap_is_reported_and_nothing_is_crawled(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    site.robots_txt = "User-agent: *\nCrawl-delay: 86400\n"
    with pytest.raises(SyncStopped, match=r"Crawl-delay of 86400s, more than the 60s"):
        make_sync(site).run()
    assert [request.path for request in site.requests] == ["/robots.txt"]


@pytest.mark.parametrize("allowed", [False, True])
def test_a_redirect_to_another_host_follows_that_hosts_robots_txt(
    site: FakeAtlas, make_sync: MakeSync, db: Database, allowed: bool
) -> None:
    other = FakeAtlas()
    other.add("moved-2020-away", listed=False)
    other.robots_txt = "User-agent: *\n" + ("Allow: /\n" if allowed else "Disallow: /evidence/\n")
    with serve(other):
        site.add(
            "moved-2020-away",
            FakePage("", redirect_to=f"{other.base_url}/evidence/moved-2020-away"),
        )
        report = make_sync(site).run()
    assert other.requests[0].path == "/robots.txt"
    if allowed:
        assert get_entry(db, "moved-2020-away") is not None
        assert [r.path for r in other.requests] == ["/robots.txt", "/evidence/moved-2020-away"]
    else:
        assert get_entry(db, "moved-2020-away") is None
        assert [r.path for r in other.requests] == ["/robots.txt"]
        assert "not followed" in dict(report.failed)["moved-2020-away"]


def test_an_endless_repeating_listing_stops(site: FakeAtlas, make_sync: MakeSync) -> None:
    site.repeating_listing = True
    report = make_sync(site).run()
    assert report.stopped_reason == "the listing only repeats studies it listed before"
    assert report.listing_pages == 2
    assert not report.complete


def test_a_listing_longer_than_the_cap_stops(
    make_sync: MakeSync, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crawler, "MAX_LISTING_PAGES", 3)
    atlas = FakeAtlas(page_size=1)
    for number in range(6):
        atlas.add(f"study-{number}-page")
    with serve(atlas):
        report = make_sync(atlas).run()
    assert report.stopped_reason == "the listing runs past 3 pages"
    assert report.listing_pages == 3


def test_limit_bounds_listing_pages_even_when_their_studies_were_handled(
    make_sync: MakeSync, db: Database
) -> None:
    atlas = FakeAtlas(page_size=1)
    for number in range(8):
        atlas.add(f"study-{number}-page")
    with serve(atlas):
        store = CrawlStore(db)
        store.save(CrawlState(atlas.base_url))  # an interrupted crawl that handled 7 pages
        for number in range(7):
            store.mark_seen(f"study-{number}-page")
        report = make_sync(atlas, limit=2).run()
    assert report.listing_pages == 2
    assert report.stopped_reason is not None
    assert "2 listing pages (--limit)" in report.stopped_reason


def test_a_run_stops_at_its_deadline_and_the_next_resumes(site: FakeAtlas, db: Database) -> None:
    now = [0.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    fetcher = make_fetcher(delay=10.0, clock=lambda: now[0], sleep=sleep)
    try:
        sync = AtlasSync(db, fetcher, site.base_url, deadline_seconds=25.0, clock=lambda: now[0])
        report = sync.run()
    finally:
        fetcher.close()
    assert report.stopped_reason == "the run reached its deadline; run sync again to continue"
    assert 0 < report.pages_done < 3


def test_two_sites_redirecting_their_robots_txt_to_each_other_stop_the_sync_cleanly(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    other = FakeAtlas()
    with serve(other):
        site.robots_redirect = f"{other.base_url}/robots.txt"
        other.robots_redirect = f"{site.base_url}/robots.txt"
        with pytest.raises(SyncStopped, match=r"robots\.txt could not be read"):
            make_sync(site).run()
    assert not any(request.path.startswith("/evidence") for request in site.requests)


def test_a_robots_txt_redirected_to_another_host_is_read_there(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    other = FakeAtlas()
    other.robots_txt = "User-agent: *\nDisallow: /evidence/beta-\n"
    with serve(other):
        site.robots_redirect = f"{other.base_url}/robots.txt"
        report = make_sync(site).run()
    assert report.skipped == [("beta-2021-two", "disallowed by robots.txt")]
    assert report.new == 2


DEEP = 20_000


def test_a_page_nested_twenty_thousand_levels_deep_is_read(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    deep = (
        study_html("deep-2020-nest", "Deep")
        .replace("<main", "<div>" * DEEP + "<main")
        .replace("</main>", "</main>" + "</div>" * DEEP)
    )
    site.add("deep-2020-nest", FakePage(deep))
    report = make_sync(site).run()
    assert report.failed == []
    entry = get_entry(db, "deep-2020-nest")
    assert entry is not None
    assert entry.title == "Deep"


def test_a_data_blob_nested_beyond_pythons_limit_is_ignored_not_fatal(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    blob = '<script id="__NEXT_DATA__" type="application/json">' + "[" * 100_000 + "]" * 100_000
    page = study_html("blob-2020-deep", "Blob").replace("</head>", blob + "</script></head>")
    site.add("blob-2020-deep", FakePage(page))
    report = make_sync(site).run()
    assert report.failed == []
    assert get_entry(db, "blob-2020-deep") is not None


def test_a_page_the_parser_chokes_on_fails_alone_and_the_sync_goes_on(
    site: FakeAtlas, make_sync: MakeSync, monkeypatch: pytest.MonkeyPatch
) -> None:
    def choke(text: str, **options: str | None) -> ParsedPage:
        if "choke-2020-page" in text:
            raise MemoryError("simulated")
        return parse_atlas_page(text, **options)

    monkeypatch.setattr("bot.sync.crawler.parse_atlas_page", choke)
    site.add("choke-2020-page")
    report = make_sync(site).run()
    assert report.failed == [("choke-2020-page", "could not parse (parser error: MemoryError)")]
    assert (report.new, report.complete) == (3, True)
