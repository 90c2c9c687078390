"""Where a crawl stands, kept in the records database so an interrupted sync resumes.

- `stream_state` (platform `atlas`, stream `sync`): the crawl's site, the listing offset
  being worked on and the running report, as JSON.
- `seen_items` (platform `atlas-sync`): one row per study page handled in this crawl, so a
  resumed crawl skips them; cleared when the crawl completes.
- `http_cache`: the ETag / Last-Modified of each evidence page last imported, for
  conditional requests next time (no body is kept: a 304 means the stored entry stands).

The SQL is in records/ (`records.streams`, `records.http_cache`); this module decides what
is kept.

A page's entry, its validators, its seen mark and the report are written in one
transaction: an interruption loses at most the page in flight, never half of one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.sync.fetcher import Validators
from records.db import Database, write_transaction
from records.http_cache import forget_cached, get_cached, put_cached
from records.streams import Streams

PLATFORM = "atlas"
STREAM = "sync"
SEEN_PLATFORM = "atlas-sync"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class SyncReport:
    """What a crawl did, accumulated across resumed runs."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    newly_retracted: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Updated entries and the fields that changed ("summary, pem"), as atlas import says.
    changed_fields: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    # Pages read and imported that lack what every atlas page shows (records.entry_gaps.PARTS:
    # a PEM badge, a summary, a caveat): part -> slugs. Kept across resumed runs.
    lacking: dict[str, list[str]] = field(default_factory=dict)
    listing_pages: int = 0  # listing pages read (a resumed crawl re-reads its current one)
    sitemaps: int = 0  # sitemap files read
    # Local entries this complete crawl never met: gone from the atlas, or imported elsewhere.
    not_listed: list[str] = field(default_factory=list)
    complete: bool = False
    stopped_reason: str | None = None

    @property
    def pages_done(self) -> int:
        """Evidence pages handled, whatever the outcome."""
        return self.new + self.changed + self.unchanged + len(self.failed) + len(self.skipped)

    def to_json(self) -> dict[str, Any]:
        """The JSON kept in the crawl state."""
        data = asdict(self)
        for transient in ("complete", "stopped_reason", "not_listed"):
            data.pop(transient)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SyncReport:
        """The report saved by an earlier run of the same crawl."""
        return cls(
            new=int(data.get("new", 0)),
            changed=int(data.get("changed", 0)),
            unchanged=int(data.get("unchanged", 0)),
            newly_retracted=[str(slug) for slug in data.get("newly_retracted", [])],
            failed=[(str(a), str(b)) for a, b in data.get("failed", [])],
            changed_fields=[(str(a), str(b)) for a, b in data.get("changed_fields", [])],
            skipped=[(str(a), str(b)) for a, b in data.get("skipped", [])],
            lacking={
                str(part): [str(slug) for slug in slugs]
                for part, slugs in dict(data.get("lacking", {})).items()
            },
            listing_pages=int(data.get("listing_pages", 0)),
            sitemaps=int(data.get("sitemaps", 0)),
        )


@dataclass
class CrawlState:
    """A crawl in progress: the site, the listing offset to read next, the report so far."""

    base_url: str
    offset: int = 0
    started_at: str = field(default_factory=_now)
    report: SyncReport = field(default_factory=SyncReport)
    resumed: bool = False


class CrawlStore:
    """Reading and writing the crawl state, seen pages and page validators."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._state = Streams(db, PLATFORM)
        self._seen = Streams(db, SEEN_PLATFORM)

    def load(self, base_url: str) -> CrawlState | None:
        """The unfinished crawl of `base_url`, or None (a crawl of another site is dropped)."""
        cursor = self._state.cursor(STREAM)
        if not cursor:
            return None
        data = json.loads(cursor)
        if data.get("base_url") != base_url:
            self.forget()
            return None
        return CrawlState(
            base_url=base_url,
            offset=int(data.get("offset", 0)),
            started_at=str(data.get("started_at", _now())),
            report=SyncReport.from_json(data.get("report", {})),
            resumed=True,
        )

    def save(self, state: CrawlState) -> None:
        """Record where the crawl stands (inside the caller's transaction, if any)."""
        cursor = json.dumps(
            {
                "base_url": state.base_url,
                "offset": state.offset,
                "started_at": state.started_at,
                "report": state.report.to_json(),
            }
        )
        self._state.save_cursor(STREAM, cursor)

    def forget(self) -> None:
        """Drop the crawl state and its seen pages (a finished or abandoned crawl)."""
        with write_transaction(self.db):
            self._state.forget(STREAM)
            self._seen.forget()

    def seen(self, slug: str) -> bool:
        """True when this crawl already handled the page."""
        return self._seen.is_seen(slug)

    def mark_seen(self, slug: str) -> None:
        """Remember that this crawl handled the page."""
        self._seen.mark_seen([slug])

    def unseen_entries(self) -> list[str]:
        """Slugs of local atlas entries that this crawl did not handle."""
        return self._seen.unseen_atlas_entries()

    def seen_count(self) -> int:
        """Pages this crawl handled so far."""
        return self._seen.seen_count()

    def validators(self, url: str) -> Validators:
        """The validators stored for a page (empty when none)."""
        row = get_cached(self.db, url)
        return Validators(row.etag, row.last_modified) if row else Validators()

    def save_validators(self, url: str, status: int, validators: Validators) -> None:
        """Store a page's validators (or drop them when the server sent none)."""
        if not validators:
            forget_cached(self.db, url)
            return
        put_cached(
            self.db, url, status, etag=validators.etag, last_modified=validators.last_modified
        )
