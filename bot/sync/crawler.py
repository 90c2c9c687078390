"""Walking the atlas: listing pages in order, each study page once, politely, resumably.

`AtlasSync.start()` reads robots.txt and the listing page where the crawl stands (so the
caller can size a progress bar); `run()` handles every study page and follows the listing's
next links to the end. Each page is one transaction (entry, validators, seen mark, report),
so stopping at any moment loses at most the page in flight; the next run resumes there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from urllib.parse import urljoin

import sqlite_utils

from bot.sync.fetcher import Fetched, FetchFailed, PoliteFetcher, RobotsUnavailable
from bot.sync.listing import ListingPage, listing_url, offset_of, parse_listing
from bot.sync.state import CrawlState, CrawlStore, SyncReport
from linker.atlas_page import AtlasPageError, parse_atlas_page
from records.atlas_store import get_entry, upsert_entries
from records.db import write_transaction

log = logging.getLogger(__name__)


class SyncStopped(RuntimeError):
    """The crawl cannot go on (robots.txt unreadable, a listing page failing); state is kept."""


class AtlasSync:
    """One sync of the local atlas copy against the atlas site at `base_url`."""

    def __init__(
        self,
        db: sqlite_utils.Database,
        fetcher: PoliteFetcher,
        base_url: str,
        *,
        limit: int | None = None,
        restart: bool = False,
        full: bool = False,
    ) -> None:
        self.db = db
        self.fetcher = fetcher
        self.base_url = base_url.rstrip("/")
        self.limit = limit
        # Ignore stored validators: every page is read and parsed again (after a parser fix).
        self.full = full
        self.store = CrawlStore(db)
        if restart:
            self.store.forget()
        self.state: CrawlState = self.store.load(self.base_url) or CrawlState(self.base_url)
        self._listing: ListingPage | None = None
        self._fetched_this_run = 0

    @property
    def report(self) -> SyncReport:
        """The report so far (covering earlier runs of a resumed crawl)."""
        return self.state.report

    def start(self) -> int | None:
        """Read robots.txt and the current listing page; return the pages left, if known."""
        self._listing = self._read_listing(self.state.offset)
        if self._listing.total is None:
            return None
        return max(0, self._listing.total - self.store.seen_count())

    def run(self, advance: Callable[[], None] = lambda: None) -> SyncReport:
        """Handle every study page from where the crawl stands; `advance` ticks per page fetched."""
        listing = self._listing or self._read_listing(self.state.offset)
        visited = {self.state.offset}
        while True:
            for slug in listing.slugs:
                if self.store.seen(slug):
                    continue  # handled before an interruption; not in start()'s count
                if self.limit is not None and self._fetched_this_run >= self.limit:
                    self.report.stopped_reason = (
                        f"stopped after {self.limit} pages (--limit); run sync again to continue"
                    )
                    return self.report
                self._sync_page(slug)
                self._fetched_this_run += 1
                advance()
            next_offset = offset_of(listing.next_url) if listing.next_url else None
            if not listing.slugs or next_offset is None or next_offset in visited:
                break
            visited.add(next_offset)
            with write_transaction(self.db):
                self.state.offset = next_offset
                self.store.save(self.state)
            listing = self._read_listing(next_offset)
        self.report.complete = True
        self.report.not_listed = self.store.unseen_entries()
        self.store.forget()
        return self.report

    def _read_listing(self, offset: int) -> ListingPage:
        url = listing_url(self.base_url, offset)
        try:
            if not self.fetcher.allowed(url):
                raise SyncStopped(f"robots.txt does not allow the listing page {url}")
            fetched = self.fetcher.get(url)
        except (FetchFailed, RobotsUnavailable) as exc:
            raise SyncStopped(f"listing page {url}: {exc}") from exc
        if fetched.status != 200:
            raise SyncStopped(f"listing page {url}: {_http_failure(fetched)}")
        self.report.listing_pages += 1
        return parse_listing(fetched.text, fetched.url)

    def page_url(self, slug: str) -> str:
        """`<base>/evidence/<slug>`."""
        return urljoin(self.base_url + "/", f"evidence/{slug}")

    def _sync_page(self, slug: str) -> None:
        url = self.page_url(slug)
        try:
            if not self.fetcher.allowed(url):
                self._finish(slug, skipped="disallowed by robots.txt")
                return
        except RobotsUnavailable as exc:
            raise SyncStopped(str(exc)) from exc
        stored = get_entry(self.db, slug)
        validators = None if stored is None or self.full else self.store.validators(url)
        try:
            fetched = self.fetcher.get(url, validators)
        except FetchFailed as exc:
            self._finish(slug, failed=str(exc))
            return
        if fetched.status == 304 and stored is not None:
            self.report.unchanged += 1
            self._finish(slug)
            return
        if fetched.status != 200:
            self._finish(slug, failed=_http_failure(fetched))
            return
        try:
            parsed = parse_atlas_page(fetched.text, url=fetched.url)
        except AtlasPageError as exc:
            self._finish(slug, failed=f"could not parse: {exc}")
            return
        for note in parsed.notes:
            log.debug("%s: %s", slug, note)
        entry = parsed.entry
        if parsed.warnings:
            log.warning("%s imported with warnings: %s", slug, "; ".join(parsed.warnings))
            self.report.incomplete.append((entry.id, "; ".join(parsed.warnings)))
        before = stored if entry.id == slug else get_entry(self.db, entry.id)
        with write_transaction(self.db):
            counts = upsert_entries(self.db, [entry])
            self.store.save_validators(url, fetched.status, fetched.validators)
            self.report.new += counts.added
            self.report.changed += counts.updated
            self.report.unchanged += counts.unchanged
            if entry.retracted and (before is None or not before.retracted):
                self.report.newly_retracted.append(entry.id)
            self._finish(slug)

    def _finish(self, slug: str, *, failed: str | None = None, skipped: str | None = None) -> None:
        """Record the page's outcome, its seen mark and the crawl state together."""
        if failed is not None:
            log.info("%s failed: %s", slug, failed)
            self.report.failed.append((slug, failed))
        if skipped is not None:
            self.report.skipped.append((slug, skipped))
        with write_transaction(self.db):
            self.store.mark_seen(slug)
            self.store.save(self.state)


def _http_failure(fetched: Fetched) -> str:
    if fetched.status == 404:
        return "HTTP 404 (not found)"
    if fetched.attempts > 1:
        return f"HTTP {fetched.status} after {fetched.attempts} attempts"
    return f"HTTP {fetched.status}"
