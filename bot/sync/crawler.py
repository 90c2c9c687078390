"""Walking the atlas: each study page once, politely, resumably, within bounds.

`AtlasSync.start()` reads robots.txt and finds the study pages: from the sitemaps robots.txt
names (sitemap indexes followed), else from the listing page where the crawl stands (so the
caller can size a progress bar). `run()` handles every study page, following the listing's
next links to the end. Each page is one transaction (entry, validators, seen mark, report),
so stopping at any moment loses at most the page in flight; the next run resumes there.

Bounds a hostile or broken site cannot lift: `limit` caps study pages and listing pages
read in one run, a listing that only repeats itself or runs past MAX_LISTING_PAGES stops,
sitemaps are read up to MAX_SITEMAPS files and MAX_SITEMAP_PAGES pages, and a run stops at
its deadline (the rest is left for the next run).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from bot.errors import FetchFailed, SitemapError
from bot.errors import SyncStopped as SyncStopped  # noqa: PLC0414 - tests import it here
from bot.sync.fetcher import MAX_PAGE_BYTES, Fetched, PoliteFetcher, RobotsUnavailable
from bot.sync.listing import ListingPage, listing_url, offset_of, parse_listing
from bot.sync.sitemap import Sitemap, decode_sitemap, parse_sitemap
from bot.sync.state import CrawlState, CrawlStore, SyncReport
from records.atlas_page import parse_atlas_page, slug_from_url
from records.atlas_store import get_entry, upsert_entries
from records.db import Database, write_transaction
from records.entry_gaps import missing_parts
from records.errors import AtlasPageError
from records.wording import counted

log = logging.getLogger(__name__)

# The atlas has about 6,100 studies; at 10 a listing page that is ~610 pages.
MAX_LISTING_PAGES = 2_000
MAX_SITEMAPS = 50
MAX_SITEMAP_PAGES = 100_000


class AtlasSync:
    """One sync of the local atlas copy against the atlas site at `base_url`."""

    def __init__(
        self,
        db: Database,
        fetcher: PoliteFetcher,
        base_url: str,
        *,
        limit: int | None = None,
        restart: bool = False,
        full: bool = False,
        deadline_seconds: float | None = None,
        clock: Callable[[], float] = time.monotonic,
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
        self._sitemap_slugs: list[str] | None = None
        self._started = False
        self._fetched_this_run = 0
        self._listings_this_run = 0
        # Study pages this run knows it still has to read (None: the listing gives no total
        # and none has been read yet); grows as a listing without a total is followed.
        self.known: int | None = None
        self._clock = clock
        self._deadline = None if deadline_seconds is None else clock() + deadline_seconds

    @property
    def report(self) -> SyncReport:
        """The report so far (covering earlier runs of a resumed crawl)."""
        return self.state.report

    def start(self) -> int | None:
        """Read robots.txt and find the study pages; return the pages left, if known."""
        self._started = True
        if self.state.offset == 0:  # a crawl resumed mid-listing keeps to the listing
            self._sitemap_slugs = self._slugs_from_sitemaps()
        if self._sitemap_slugs is not None:
            self.known = sum(1 for slug in self._sitemap_slugs if not self.store.seen(slug))
            return self.known
        self._listing = self._read_listing(self.state.offset)
        if self._listing.total is None:
            self._count_listed(self._listing)
            return None
        self.known = max(0, self._listing.total - self.store.seen_count())
        return self.known

    @property
    def fetched(self) -> int:
        """Study pages handled this run."""
        return self._fetched_this_run

    def _count_listed(self, listing: ListingPage) -> None:
        """Without a total, the pages known are those the listing showed so far."""
        unseen = sum(1 for slug in listing.slugs if not self.store.seen(slug))
        self.known = (self.known or 0) + unseen

    def run(self, advance: Callable[[], None] = lambda: None) -> SyncReport:
        """Handle every study page from where the crawl stands; `advance` ticks per page fetched."""
        if not self._started:
            self.start()
        if self._sitemap_slugs is not None:
            if not self._sync_pages(self._sitemap_slugs, advance):
                return self.report
            return self._complete()
        return self._run_listing(advance)

    def _run_listing(self, advance: Callable[[], None]) -> SyncReport:
        """Follow the listing's next links from where the crawl stands, within bounds."""
        listing = self._listing or self._read_listing(self.state.offset)
        visited = {self.state.offset}
        listed: set[str] = set()
        while True:
            if not self._sync_pages(listing.slugs, advance):
                return self.report
            fresh = set(listing.slugs) - listed
            listed.update(listing.slugs)
            next_offset = offset_of(listing.next_url) if listing.next_url else None
            if not listing.slugs or next_offset is None or next_offset in visited:
                return self._complete()
            stop = self._listing_bound(fresh, len(visited))
            if stop:
                return self._stop(stop)
            visited.add(next_offset)
            with write_transaction(self.db):
                self.state.offset = next_offset
                self.store.save(self.state)
            listing = self._read_listing(next_offset)
            if self._listing_total_unknown:
                self._count_listed(listing)

    @property
    def _listing_total_unknown(self) -> bool:
        return self._listing is not None and self._listing.total is None

    def _listing_bound(self, fresh: set[str], pages: int) -> str | None:
        """Why the listing must not be followed further this run, if it must not."""
        if not fresh:
            return "the listing only repeats studies it listed before"
        if pages >= MAX_LISTING_PAGES:
            return f"the listing runs past {MAX_LISTING_PAGES} pages"
        if self.limit is not None and self._listings_this_run >= self.limit:
            return f"stopped after {self.limit} listing pages (--limit); run sync again to continue"
        return None

    def _sync_pages(self, slugs: list[str], advance: Callable[[], None]) -> bool:
        """Handle each slug not yet seen; False when the limit or the deadline stopped it."""
        for slug in slugs:
            if self.store.seen(slug):
                continue  # handled before an interruption; not in start()'s count
            if self.limit is not None and self._fetched_this_run >= self.limit:
                self._stop(
                    f"stopped after {counted(self.limit, 'page')} (--limit); "
                    "run sync again to continue"
                )
                return False
            if self._deadline is not None and self._clock() >= self._deadline:
                self._stop("the run reached its deadline; run sync again to continue")
                return False
            self._sync_page(slug)
            self._fetched_this_run += 1
            advance()
        return True

    def _stop(self, reason: str) -> SyncReport:
        self.report.stopped_reason = reason
        log.info("sync stopped: %s", reason)
        return self.report

    def _complete(self) -> SyncReport:
        self.report.complete = True
        self.report.not_listed = self.store.unseen_entries()
        self.store.forget()
        return self.report

    def _slugs_from_sitemaps(self) -> list[str] | None:
        """Study slugs from the sitemaps robots.txt names (None: none, or none usable)."""
        try:
            queue = self.fetcher.sitemaps(self.base_url + "/")
        except RobotsUnavailable as exc:
            raise SyncStopped(str(exc)) from exc
        host = urlsplit(self.base_url).hostname
        read: set[str] = set()
        slugs: dict[str, None] = {}
        while queue and len(read) < MAX_SITEMAPS and len(slugs) < MAX_SITEMAP_PAGES:
            url = queue.pop(0)
            if url in read or urlsplit(url).hostname != host:
                continue  # another site's sitemap says nothing about this one
            read.add(url)
            sitemap = self._read_sitemap(url)
            if sitemap is None:
                continue
            self.report.sitemaps += 1
            if sitemap.is_index:
                queue.extend(sitemap.locations)
                continue
            for location in sitemap.locations:
                slug = slug_from_url(location) if urlsplit(location).hostname == host else None
                if slug and urlsplit(location).path.rstrip("/").count("/") == 2:
                    slugs.setdefault(slug)
        if not slugs:
            if read:
                log.info("the sitemaps name no study pages; reading the listing instead")
            return None
        return list(slugs)[:MAX_SITEMAP_PAGES]

    def _read_sitemap(self, url: str) -> Sitemap | None:
        try:
            if not self.fetcher.allowed(url):
                return None
            fetched = self.fetcher.get(url)
        except (FetchFailed, RobotsUnavailable) as exc:
            log.info("sitemap %s: %s", url, exc)
            return None
        if fetched.status != 200:
            log.info("sitemap %s: %s", url, _http_failure(fetched))
            return None
        try:
            return parse_sitemap(decode_sitemap(fetched.content, max_bytes=MAX_PAGE_BYTES))
        except SitemapError as exc:
            log.info("sitemap %s: %s", url, exc)
            return None

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
        self._listings_this_run += 1
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
        except Exception as exc:  # one hostile page must not stop every sync
            # Left unmarked, the page would crash each resumed run at the same place.
            log.exception("%s: the parser failed", slug)
            self._finish(slug, failed=f"could not parse (parser error: {type(exc).__name__})")
            return
        for note in parsed.notes:
            log.debug("%s: %s", slug, note)
        entry = parsed.entry
        if lacking := missing_parts(entry):
            # Counted in the report's summary; named one by one only with -v.
            log.info("%s imported lacking: %s", slug, ", ".join(lacking))
        for part in lacking:
            if entry.id not in (slugs := self.report.lacking.setdefault(part, [])):
                slugs.append(entry.id)
        before = stored if entry.id == slug else get_entry(self.db, entry.id)
        with write_transaction(self.db):
            counts = upsert_entries(self.db, [entry])
            self.store.save_validators(url, fetched.status, fetched.validators)
            self.report.new += counts.added
            self.report.changed += counts.updated
            self.report.changed_fields.extend(
                (entry_id, ", ".join(fields)) for entry_id, fields in counts.changed_fields
            )
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
    if fetched.retry_after_refused is not None:
        return (
            f"HTTP {fetched.status}, asked to come back in {fetched.retry_after_refused:.0f}s: "
            "left for the next run"
        )
    if fetched.status == 404:
        return "HTTP 404 (not found)"
    if fetched.attempts > 1:
        return f"HTTP {fetched.status} after {counted(fetched.attempts, 'attempt')}"
    return f"HTTP {fetched.status}"
