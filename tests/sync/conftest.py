"""Fixtures for atlas sync: a fake atlas site on 127.0.0.1 and a crawler wired to it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from bot.http.limits import Clock, RetryPolicy, Sleep
from bot.sync.crawler import AtlasSync
from bot.sync.fetcher import PoliteFetcher, open_fetcher
from records.db import Database
from tests.sync.fake_atlas import FakeAtlas, FakePage, serve, study_html

USER_AGENT = "evidence-bot-test/1.0 (+https://example.org/evidence-bot)"
# Small enough that the slow page times out at once; the fake holds it far longer.
SLOW_PAGE_TIMEOUT = 0.5
# Generous for every other answer, so a busy machine cannot turn a page into a failure.
CLIENT_TIMEOUT = 10.0
RETRIES = 2

MakeSync = Callable[..., AtlasSync]


def standard_site(atlas: FakeAtlas) -> FakeAtlas:
    """Ten listed studies over four listing pages, one of each behaviour."""
    atlas.add("alpha-2020-one")
    atlas.add("beta-2021-two", FakePage(study_html("beta-2021-two", "Beta", layout="old"),
                                         use_etag=False))  # fmt: skip
    atlas.add("private-2020-hidden")
    atlas.add("missing-2020-gone", FakePage("", status=404))
    atlas.add("broken-2020-error", FakePage("", status=500))
    atlas.add("slow-2020-wait", FakePage(study_html("slow-2020-wait", "Slow"), slow=True))
    atlas.add("flaky-2020-retry", FakePage(study_html("flaky-2020-retry", "Flaky"),
                                           transient_failures=1))  # fmt: skip
    atlas.add(
        "garbage-2020-noise", FakePage("<html><body><p>Down for maintenance</p></body></html>")
    )
    atlas.add("retracted-2020-gone", FakePage(study_html("retracted-2020-gone", "Gone",
                                                          retracted=True)))  # fmt: skip
    atlas.add("gamma-2022-three")
    return atlas


@pytest.fixture
def site() -> Iterator[FakeAtlas]:
    """A fake atlas with three plain studies (two new-layout with ETag, one old with dates)."""
    atlas = FakeAtlas(page_size=2)
    atlas.add("alpha-2020-one")
    atlas.add("beta-2021-two", FakePage(study_html("beta-2021-two", "Beta", layout="old"),
                                         use_etag=False))  # fmt: skip
    atlas.add("gamma-2022-three")
    with serve(atlas):
        yield atlas


def make_fetcher(
    *,
    timeout: float = CLIENT_TIMEOUT,
    retries: int = RETRIES,
    delay: float = 0.0,
    clock: Clock = time.monotonic,
    sleep: Sleep = time.sleep,
    inner: httpx.BaseTransport | None = None,
    deadline_seconds: float | None = None,
) -> PoliteFetcher:
    """A fetcher with no delay and no backoff unless asked, as tests want."""
    return open_fetcher(
        user_agent=USER_AGENT,
        delay=delay,
        timeout=timeout,
        retry=RetryPolicy(max_retries=retries, base_delay=0),
        inner=inner,
        deadline_seconds=deadline_seconds,
        clock=clock,
        sleep=sleep,
    )


@pytest.fixture
def make_sync(db: Database) -> Iterator[MakeSync]:
    """Build an AtlasSync against a site with the real httpx client (closed afterwards)."""
    fetchers: list[PoliteFetcher] = []

    def build(
        atlas: FakeAtlas,
        *,
        limit: int | None = None,
        restart: bool = False,
        full: bool = False,
        **fetcher_options: Any,
    ) -> AtlasSync:
        fetcher = make_fetcher(**fetcher_options)
        fetchers.append(fetcher)
        return AtlasSync(db, fetcher, atlas.base_url, limit=limit, restart=restart, full=full)

    yield build
    for fetcher in fetchers:
        fetcher.close()
