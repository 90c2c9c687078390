"""The feeds process: read every feed each round, write the digest when one is due."""

from __future__ import annotations

import logging
import threading
import time
from datetime import UTC, datetime, timedelta

import httpx
import sqlite_utils

from bot.core.factory import build_service
from bot.core.service import EvidenceService
from bot.feeds.digest import gather, post_to_discord, write_digest
from bot.feeds.fetch import feeds_http
from bot.feeds.watcher import PLATFORM, FeedWatcher
from config.settings import FeedsSettings, Settings
from records.streams import Streams

log = logging.getLogger(__name__)

DIGEST_STREAM = "digest"


class FeedsConfigError(ValueError):
    """The feed settings cannot work."""


def run_feeds(
    settings: Settings,
    db: sqlite_utils.Database,
    *,
    stop: threading.Event | None = None,
    max_polls: int | None = None,
) -> None:
    """Read `settings.feeds.urls` every `poll_seconds` until stopped (or `max_polls` rounds)."""
    config = settings.feeds
    if not config.urls:
        raise FeedsConfigError("set EVBOT_FEEDS__URLS (the RSS/Atom feeds to read)")
    halt = stop or threading.Event()

    def wait(seconds: float) -> None:
        halt.wait(seconds)

    http = feeds_http(user_agent=settings.atlas.user_agent, timeout=config.timeout_seconds,
                      delay_seconds=config.delay_seconds, sleep=wait)  # fmt: skip
    with http:
        service = build_service(db, settings)
        watcher = FeedWatcher(http, service, config.urls, clock=time.monotonic)
        rounds = 0
        while not halt.is_set():
            report = watcher.read_all()
            rounds += 1
            log.info("round %d: %d new entries, %d citations, %d unmatched, %d broken feeds",
                     rounds, report.entries, report.citations, report.unmatched,
                     len(report.broken))  # fmt: skip
            digest_if_due(service, config, http)
            if max_polls is not None and rounds >= max_polls:
                return
            wait(config.poll_seconds)


def digest_if_due(
    service: EvidenceService, config: FeedsSettings, http: httpx.Client, now: datetime | None = None
) -> bool:
    """Write (and post) the digest when the last one is `digest_hours` old; True if written."""
    now = now or datetime.now(UTC)
    streams = Streams(service.db, PLATFORM)
    last = streams.cursor(DIGEST_STREAM)
    period = timedelta(hours=config.digest_hours)
    since = datetime.fromisoformat(last) if last else now - period
    if last and now - since < period:
        return False
    studies = gather(service, since)
    markdown, page = write_digest(studies, since, now, config.digest_dir)
    log.info("digest of %d studies written to %s and %s", len(studies), markdown, page)
    if config.discord_webhook_url is not None:
        post_to_discord(http, config.discord_webhook_url.get_secret_value(), studies, since, now)
    streams.save_cursor(DIGEST_STREAM, now.isoformat())
    return True
