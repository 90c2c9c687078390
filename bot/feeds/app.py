"""The feeds process: read every feed each round, write the digest when one is due."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bot.core.factory import build_service
from bot.core.service import EvidenceService
from bot.errors import FeedsConfigError as FeedsConfigError  # noqa: PLC0414 - tests import it here
from bot.feeds.digest import gather, post_to_discord, write_digest
from bot.feeds.fetch import feeds_http
from bot.feeds.watcher import PLATFORM, FeedReport, FeedWatcher
from bot.forums.polling import ForumProcess, Poll, PollReport, Wait
from config.settings import FeedsSettings, Settings
from records.db import Database
from records.streams import Streams
from records.wording import counted

log = logging.getLogger(__name__)

DIGEST_STREAM = "digest"


@dataclass
class FeedsRun:
    """What a run of the feeds process did, for its one-line result."""

    feeds: int
    rounds: int = 0
    entries: int = 0
    citations: int = 0
    unmatched: int = 0
    broken: int = 0  # feeds that gave nothing in the last round
    digest: Path | None = None  # the last digest written

    def add(self, report: FeedReport) -> None:
        """Count one round."""
        self.rounds += 1
        self.entries += report.entries
        self.citations += report.citations
        self.unmatched += report.unmatched
        self.broken = len(report.broken)

    def line(self) -> str:
        """One line: rounds, entries, citations, unread feeds and the digest."""
        rounds = f"{self.rounds} round{'s' if self.rounds != 1 else ''}"
        text = (f"feeds: {rounds}, {self.entries} new entries, {self.citations} atlas citations, "
                f"{self.unmatched} unmatched papers logged")  # fmt: skip
        if self.broken:
            text += f"; {self.broken} of {self.feeds} feeds unread (see the log)"
        if self.digest is not None:
            text += f"; digest {self.digest}"
        return text


@contextmanager
def _started(settings: Settings, db: Database, wait: Wait) -> Iterator[tuple[FeedsRun, Poll]]:
    """What the run does (`FeedsRun.line()` is the process's one-line result) and its round:
    read every feed in `settings.feeds.urls`, then write the digest when one is due."""
    config = settings.feeds
    http = feeds_http(user_agent=settings.atlas.user_agent, timeout=config.timeout_seconds,
                      delay_seconds=config.delay_seconds, sleep=wait)  # fmt: skip
    done = FeedsRun(feeds=len(config.urls))
    with http:
        service = build_service(db, settings)
        watcher = FeedWatcher(http, service, config.urls, clock=time.monotonic)

        def one_round() -> PollReport:
            report = watcher.read_all()
            done.add(report)
            log.info("round %d: %s, %s, %d unmatched, %s", done.rounds,
                     counted(report.entries, "new entry", "new entries"),
                     counted(report.citations, "citation"), report.unmatched,
                     counted(len(report.broken), "broken feed"))  # fmt: skip
            done.digest = digest_if_due(service, config, http) or done.digest
            return PollReport(posts=report.entries, failures=len(report.broken))

        yield done, one_round


# Read the feeds every `poll_seconds` until stopped (or after `max_polls` rounds); returns
# what the run did.
run_feeds = ForumProcess("feeds", FeedsConfigError, _started)


def digest_if_due(
    service: EvidenceService, config: FeedsSettings, http: httpx.Client, now: datetime | None = None
) -> Path | None:
    """Write (and post) the digest when the last one is `digest_hours` old; its Markdown file."""
    now = now or datetime.now(UTC)
    streams = Streams(service.db, PLATFORM)
    last = streams.cursor(DIGEST_STREAM)
    period = timedelta(hours=config.digest_hours)
    since = datetime.fromisoformat(last) if last else now - period
    if last and now - since < period:
        return None
    studies = gather(service, since)
    markdown, page = write_digest(studies, since, now, config.digest_dir)
    log.info("digest of %s written to %s and %s", counted(len(studies), "study"), markdown, page)
    if config.discord_webhook_url is not None:
        post_to_discord(http, config.discord_webhook_url.get_secret_value(), studies, since, now)
    streams.save_cursor(DIGEST_STREAM, now.isoformat())
    return markdown
