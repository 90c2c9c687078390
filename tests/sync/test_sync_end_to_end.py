"""End-to-end syncs against the fake atlas on 127.0.0.1 with the real httpx client."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.sync.crawler import AtlasSync, SyncStopped
from bot.sync.state import SyncReport
from records.atlas_store import count_entries, get_entry, upsert_entries
from records.db import Database, open_db
from records.entry_gaps import PARTS, SUMMARY
from records.models import AtlasEntry
from tests.sync.conftest import SLOW_PAGE_TIMEOUT, USER_AGENT, MakeSync, make_fetcher, standard_site
from tests.sync.fake_atlas import FakeAtlas, FakePage, serve, study_html


@dataclass
class FirstSync:
    """The standard site after one complete sync."""

    atlas: FakeAtlas
    report: SyncReport
    db: Database


@pytest.fixture(scope="module")
def first_sync(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FirstSync]:
    """One full sync of the standard site (404, 500, slow, flaky, broken, robots-disallowed)."""
    db = open_db(tmp_path_factory.mktemp("sync") / "records.db")
    with serve(standard_site(FakeAtlas(page_size=3))) as atlas:
        fetcher = make_fetcher(timeout=SLOW_PAGE_TIMEOUT)
        report = AtlasSync(db, fetcher, atlas.base_url).run()
        yield FirstSync(atlas, report, db)
        fetcher.close()
    db.close()


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("new", 5),
        ("changed", 0),
        ("unchanged", 0),
        ("newly_retracted", ["retracted-2020-gone"]),
        ("complete", True),
        ("listing_pages", 4),
    ],
)
def test_first_sync_report(first_sync: FirstSync, outcome: str, expected: object) -> None:
    assert getattr(first_sync.report, outcome) == expected


@pytest.mark.parametrize(
    ("slug", "reason"),
    [
        ("missing-2020-gone", "HTTP 404 (not found)"),
        ("broken-2020-error", "HTTP 500 after 3 attempts"),
        ("slow-2020-wait", "timed out after 3 attempts"),
        ("garbage-2020-noise", "could not parse: garbage-2020-noise: no title"),
    ],
)
def test_first_sync_reports_each_failed_page_with_its_reason(
    first_sync: FirstSync, slug: str, reason: str
) -> None:
    reasons = dict(first_sync.report.failed)
    assert reasons[slug].startswith(reason)
    assert get_entry(first_sync.db, slug) is None


def test_first_sync_skips_the_page_robots_txt_disallows_without_requesting_it(
    first_sync: FirstSync,
) -> None:
    assert first_sync.report.skipped == [("private-2020-hidden", "disallowed by robots.txt")]
    assert first_sync.atlas.requests_for("/evidence/private-2020-hidden") == []


@pytest.mark.parametrize(
    "slug",
    [
        "alpha-2020-one",
        "beta-2021-two",
        "flaky-2020-retry",
        "retracted-2020-gone",
        "gamma-2022-three",
    ],
)
def test_first_sync_stores_each_readable_page(first_sync: FirstSync, slug: str) -> None:
    entry = get_entry(first_sync.db, slug)
    assert entry is not None
    assert (
        entry.url
        == f"https://{'cfsmeatlas.com' if slug.startswith('beta') else 'www.mecfsatlas.com'}/evidence/{slug}"
    )
    assert entry.summary
    assert entry.authors


def test_first_sync_stores_nothing_else(first_sync: FirstSync) -> None:
    assert count_entries(first_sync.db) == 5


def test_first_sync_keeps_old_layout_badges(first_sync: FirstSync) -> None:
    entry = get_entry(first_sync.db, "beta-2021-two")
    assert entry is not None
    assert (entry.title, entry.pem, entry.evidence_level, entry.retracted) == (
        "Beta",
        "unclear",
        "E1",
        False,
    )


def test_first_sync_retries_a_page_that_was_briefly_unavailable(first_sync: FirstSync) -> None:
    statuses = [r.status for r in first_sync.atlas.requests_for("/evidence/flaky-2020-retry")]
    assert statuses == [503, 200]


def test_first_sync_gives_up_on_a_failing_page_after_its_retries(first_sync: FirstSync) -> None:
    assert len(first_sync.atlas.requests_for("/evidence/broken-2020-error")) == 3
    assert len(first_sync.atlas.requests_for("/evidence/missing-2020-gone")) == 1


def test_first_sync_reads_robots_txt_once(first_sync: FirstSync) -> None:
    assert len(first_sync.atlas.requests_for("/robots.txt")) == 1


def test_first_sync_sends_our_user_agent_on_every_request(first_sync: FirstSync) -> None:
    agents = {request.headers.get("user-agent") for request in first_sync.atlas.requests}
    assert agents == {USER_AGENT}


def test_first_sync_requests_are_unconditional(first_sync: FirstSync) -> None:
    conditional = [
        r for r in first_sync.atlas.requests
        if "if-none-match" in r.headers or "if-modified-since" in r.headers
    ]  # fmt: skip
    assert conditional == []


def test_first_sync_forgets_its_crawl_state_when_complete(first_sync: FirstSync) -> None:
    assert first_sync.db.execute("SELECT count(*) FROM stream_state").fetchone()[0] == 0
    assert first_sync.db.execute("SELECT count(*) FROM seen_items").fetchone()[0] == 0


def test_second_sync_uses_conditional_requests_and_reports_the_changed_page(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    make_sync(site).run()
    site.pages["gamma-2022-three"].body = study_html("gamma-2022-three", "Gamma, revised")
    site.requests.clear()

    report = make_sync(site).run()

    assert (report.new, report.changed, report.unchanged) == (0, 1, 2)
    assert report.changed_fields == [("gamma-2022-three", "title")]
    statuses = {r.path: r.status for r in site.requests if r.path.startswith("/evidence/")}
    assert statuses == {
        "/evidence/alpha-2020-one": 304,
        "/evidence/beta-2021-two": 304,
        "/evidence/gamma-2022-three": 200,
    }


@pytest.mark.parametrize(
    ("slug", "header"),
    [("alpha-2020-one", "if-none-match"), ("beta-2021-two", "if-modified-since")],
)
def test_second_sync_sends_the_validator_each_page_gave(
    site: FakeAtlas, make_sync: MakeSync, slug: str, header: str
) -> None:
    make_sync(site).run()
    site.requests.clear()
    make_sync(site).run()
    (request,) = site.requests_for(f"/evidence/{slug}")
    assert header in request.headers


def test_second_sync_reports_a_page_that_became_retracted(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    make_sync(site).run()
    site.pages["alpha-2020-one"].body = study_html("alpha-2020-one", "Alpha", retracted=True)

    report = make_sync(site).run()

    assert report.newly_retracted == ["alpha-2020-one"]
    entry = get_entry(db, "alpha-2020-one")
    assert entry is not None
    assert entry.retracted is True


def test_entry_deleted_locally_is_fetched_again_in_full(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    make_sync(site).run()
    db.execute("DELETE FROM atlas_entries WHERE id = 'alpha-2020-one'")
    db.conn.commit()
    site.requests.clear()

    report = make_sync(site).run()

    assert report.new == 1
    (request,) = site.requests_for("/evidence/alpha-2020-one")
    assert "if-none-match" not in request.headers


def test_limit_stops_early_and_the_next_run_resumes_without_refetching(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    first = make_sync(site, limit=2).run()
    assert (first.new, first.complete) == (2, False)
    assert first.stopped_reason is not None

    second = make_sync(site).run()

    assert (second.new, second.complete) == (3, True)
    study_requests = [r.path for r in site.requests if r.path.startswith("/evidence/")]
    assert sorted(study_requests) == sorted(set(study_requests))


def test_interrupted_sync_resumes_where_it_stopped(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    ticks = 0

    def interrupt_after_two() -> None:
        nonlocal ticks
        ticks += 1
        if ticks == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        make_sync(site).run(interrupt_after_two)
    assert count_entries(db) == 2

    resumed = make_sync(site)
    assert resumed.state.resumed is True
    report = resumed.run()

    assert (report.new, report.complete) == (3, True)
    study_requests = [r.path for r in site.requests if r.path.startswith("/evidence/")]
    assert len(study_requests) == 3


def test_restart_discards_an_interrupted_crawl(site: FakeAtlas, make_sync: MakeSync) -> None:
    make_sync(site, limit=1).run()
    restarted = make_sync(site, restart=True)
    assert restarted.state.resumed is False
    assert restarted.run().unchanged == 1


def test_progress_total_and_ticks_cover_only_the_pages_left(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    make_sync(site, limit=1).run()
    resumed = make_sync(site)
    ticks: list[int] = []
    assert resumed.start() == 2
    resumed.run(lambda: ticks.append(1))
    assert len(ticks) == 2


def test_empty_listing_page_ends_the_crawl(site: FakeAtlas, make_sync: MakeSync) -> None:
    site.empty_last_page = True
    site.add("delta-2023-four")
    report = make_sync(site).run()
    assert (report.new, report.complete) == (4, True)
    assert site.requests_for("/evidence?offset=4") != []


def test_robots_txt_server_error_stops_before_any_page(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    site.robots_status = 500
    with pytest.raises(SyncStopped, match=r"robots\.txt"):
        make_sync(site).start()
    assert [r.path for r in site.requests] == ["/robots.txt"] * 3


def test_missing_robots_txt_allows_every_page(site: FakeAtlas, make_sync: MakeSync) -> None:
    site.robots_status = 404
    site.add("private-2020-hidden")
    report = make_sync(site).run()
    assert (report.new, report.skipped) == (4, [])


def test_failing_listing_stops_the_sync_and_keeps_its_place(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    make_sync(site, limit=2).run()
    site.listing_status = 500
    with pytest.raises(SyncStopped, match="HTTP 500"):
        make_sync(site).run()
    assert db.execute("SELECT count(*) FROM stream_state").fetchone()[0] == 1


def test_crawl_delay_from_robots_txt_spaces_every_request(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    site.robots_txt = "User-agent: *\nCrawl-delay: 2\n"
    make_sync(site, delay=0.5, clock=lambda: now[0], sleep=sleep).run()

    assert set(slept) == {2.0}  # the Crawl-delay beat our own 0.5 s before the first page
    assert len(slept) == len(site.requests) - 1


def test_sync_database_file_is_reusable_by_a_new_connection(
    site: FakeAtlas, make_sync: MakeSync, db_path: Path
) -> None:
    make_sync(site).run()
    other = open_db(db_path)
    try:
        assert count_entries(other) == 3
    finally:
        other.close()


def test_page_that_now_fails_to_parse_keeps_the_stored_entry(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    make_sync(site).run()
    site.pages["alpha-2020-one"] = FakePage("<html><body><main><p>Oops</p></main></body></html>")
    report = make_sync(site).run()
    assert [slug for slug, _ in report.failed] == ["alpha-2020-one"]
    entry = get_entry(db, "alpha-2020-one")
    assert entry is not None
    assert entry.title == "Study alpha-2020-one"


def test_full_sync_ignores_validators_and_reads_every_page_again(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    make_sync(site).run()
    site.requests.clear()
    report = make_sync(site, full=True).run()
    assert report.unchanged == 3
    statuses = [r.status for r in site.requests if r.path.startswith("/evidence/")]
    assert statuses == [200, 200, 200]


def test_complete_crawl_names_local_entries_the_atlas_no_longer_lists(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    make_sync(site).run()
    site.listing.remove("beta-2021-two")
    report = make_sync(site).run()
    assert report.not_listed == ["beta-2021-two"]


def test_unfinished_crawl_names_no_unlisted_entries(site: FakeAtlas, make_sync: MakeSync) -> None:
    make_sync(site).run()
    assert make_sync(site, limit=1).run().not_listed == []


BARE_PAGE = "<html><head><title>Bare — ME/CFS Atlas</title></head><body><h1>Bare</h1></body></html>"


def test_page_with_only_title_and_slug_is_imported_and_counted_with_its_warnings(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    site.add("bare-2020-title", FakePage(BARE_PAGE))
    report = make_sync(site).run()
    assert get_entry(db, "bare-2020-title") is not None
    everything = {part: ["bare-2020-title"] for part in PARTS}
    assert report.lacking == everything
    assert SyncReport.from_json(report.to_json()).lacking == everything


def test_a_resumed_crawl_keeps_the_lacking_counts_of_the_pages_read_before(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    site.add("bare-2020-title", FakePage(BARE_PAGE))
    site.listing.remove("bare-2020-title")
    site.listing.insert(0, "bare-2020-title")  # read before the first run stops
    first = make_sync(site, limit=1).run()
    assert not first.complete
    report = make_sync(site).run()
    assert report.complete
    assert report.lacking[SUMMARY] == ["bare-2020-title"]


def test_a_page_lacking_a_field_keeps_the_stored_value(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    make_sync(site).run()
    synced = get_entry(db, "gamma-2022-three")
    assert synced is not None
    assert synced.pmcid is None
    curated = synced.model_copy(update={"pmcid": "PMC1234567"})
    upsert_entries(db, [AtlasEntry.model_validate(curated.to_json_dict())])
    site.pages["gamma-2022-three"].body = study_html("gamma-2022-three", "Gamma, revised")

    report = make_sync(site).run()

    after = get_entry(db, "gamma-2022-three")
    assert report.changed == 1
    assert after is not None
    assert (after.title, after.pmcid) == ("Gamma, revised", "PMC1234567")
    assert after.summary == synced.summary
    assert after.summary
