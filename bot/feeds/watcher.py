"""Reading feeds into the records: every citation logged with the post's link, nothing sent.

Each entry becomes a Post (title, summary and content as text, with the links of the HTML
kept, since a DOI is often only in an href; quotes of other posts left out). Its atlas
studies go to `cited_studies` for the digest and its unmatched papers to the unmatched log,
with the entry's link. Entries are marked seen by their key (`bot.feeds.entries`: the
permalink first), so a feed that repeats or reorders entries, or two feeds showing one
post, log each post once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from bot.core.service import EvidenceService
from bot.feeds.entries import entry_key, entry_text, entry_title, legacy_key
from bot.feeds.fetch import FeedProblem, Validators, fetch_feed
from records.citations import record_citations
from records.models import Post
from records.streams import Streams

log = logging.getLogger(__name__)

PLATFORM = "feeds"


@dataclass
class FeedReport:
    """What one round over the feeds did."""

    entries: int = 0
    citations: int = 0
    unmatched: int = 0
    broken: dict[str, str] = field(default_factory=dict)


class FeedWatcher:
    """Reads every configured feed once per round over the polite client it is given."""

    def __init__(
        self,
        http: httpx.Client,
        service: EvidenceService,
        urls: list[str],
        *,
        clock: Callable[[], float],
    ) -> None:
        self._http = http
        self._service = service
        self._urls = urls
        self._clock = clock
        self._streams = Streams(service.db, PLATFORM)
        self._not_before: dict[str, float] = {}

    def read_all(self) -> FeedReport:
        """One round: each feed fetched (unless it asked us to wait), entries logged.

        The client spaces requests to one host; feeds on different hosts go one after another.
        """
        report = FeedReport()
        for url in self._urls:
            if self._clock() < self._not_before.get(url, 0.0):
                report.broken[url] = "waiting as the feed asked"
                continue
            self._read(url, report)
        return report

    def _read(self, url: str, report: FeedReport) -> None:
        known = Validators.from_text(self._streams.cursor(url))
        fetched = fetch_feed(self._http, url, known)
        if isinstance(fetched, FeedProblem):
            report.broken[url] = fetched.reason
            if fetched.retry_after:
                self._not_before[url] = self._clock() + fetched.retry_after
            log.warning("feed %s: %s; the others go on", url, fetched.reason)
            return
        for entry in fetched.entries:
            self._entry(url, entry, report)
        self._streams.save_cursor(url, fetched.validators.to_text())

    def _entry(self, url: str, entry: Any, report: FeedReport) -> None:
        key = entry_key(url, entry)
        if self._streams.is_seen(key):
            return
        legacy = legacy_key(url, entry)
        if legacy is not None and self._streams.is_seen(legacy):
            self._streams.mark_seen([key])  # logged by the first release, under its old key
            return
        report.entries += 1
        post = entry_post(url, key, entry)
        outcome = self._service.evaluate(post)
        cited = [m.entry.id for m in outcome.matches if m.entry is not None]
        report.citations += record_citations(
            self._service.db,
            platform=PLATFORM,
            place=post.place,
            message_id=key,
            entry_ids=cited,
            permalink=post.permalink,
            title=entry_title(entry) or None,
            at=datetime.now(UTC),
        )
        report.unmatched += outcome.logged
        self._streams.mark_seen([key])


def entry_post(url: str, key: str, entry: Any) -> Post:
    """An entry as a Post (read-only: nobody is answered)."""
    link = str(entry.get("link") or "") or None
    return Post(
        platform=PLATFORM,
        place=urlsplit(url).netloc or url,
        thread=link or key,
        message_id=key,
        author_id=str(entry.get("author") or "unknown")[:200],
        author_name=str(entry.get("author") or "")[:200],
        text=entry_text(entry),
        permalink=link,
    )
