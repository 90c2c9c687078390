"""A locked or full records database never loses a sighting or a reply, and the bot lives on.

The Reddit bot runs in-process (real praw, the fake Reddit server, a real SQLite file). A
second connection holds `BEGIN EXCLUSIVE` longer than the bot's busy timeout; a full disk is
SQLite's own SQLITE_FULL, forced with `PRAGMA max_page_count` on the bot's connection and a
paper whose key needs fresh (overflow) pages (https://www.sqlite.org/pragma.html#pragma_max_page_count).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.core.service import EvidenceService, ReplyPlan
from bot.reddit_bot.bot import PollReport, RedditBot
from bot.reddit_bot.client import build_reddit
from config.settings import RedditSettings, Settings
from linker import AtlasIndex
from records.db import Database, open_db
from tests.postgres_store import OtherWriter
from tests.reddit.conftest import (
    LEE_DOI,
    SUBREDDIT,
    TEST_TIMEOUT_SECONDS,
    FakeClock,
    FakeSleep,
)
from tests.reddit.fake_reddit import FakeReddit

BUSY_TIMEOUT_MS = 100
# DOIs run to about a thousand characters; three such papers (each stored with its key,
# value and text) cannot fit in the pages the file already has, so logging them needs new
# pages (https://www.sqlite.org/fileformat2.html#overflow_pages).
LONG_DOIS = [f"10.5555/{n}" + "full" * 240 for n in range(3)]


@dataclass
class Running:
    bot: RedditBot
    db: Database
    fake: FakeReddit

    def poll(self) -> PollReport:
        return self.bot.poll_once()

    def sightings(self) -> list[tuple[str, str]]:
        return [
            (str(row["paper_key"]), str(row["message_id"]))
            for row in self.db.query("SELECT paper_key, message_id FROM sightings")
        ]

    def bot_replies(self, fullname: str) -> int:
        return len(self.fake.replies_to(fullname, author=self.fake.username))


@pytest.fixture
def running(
    fake_reddit: FakeReddit,
    reddit_settings: RedditSettings,
    sample_index: AtlasIndex,
    db_path: Path,
) -> Iterator[Running]:
    """A started bot (cursors stored) whose database waits only briefly for a lock."""
    db = open_db(db_path, busy_timeout_ms=BUSY_TIMEOUT_MS)
    service = EvidenceService(db, sample_index, Settings(reddit=reddit_settings))
    reddit = build_reddit(reddit_settings, timeout_seconds=TEST_TIMEOUT_SECONDS)
    bot = RedditBot(reddit, service, [SUBREDDIT], sleep=FakeSleep(), clock=FakeClock())
    bot.poll_once()
    yield Running(bot, db, fake_reddit)
    db.close()


@pytest.fixture
def exclusive_lock(db_path: Path) -> Iterator[OtherWriter]:
    """Another process's connection holding the write lock until the test releases it."""
    other = OtherWriter(db_path)
    other.take()
    yield other
    other.close()


def test_locked_database_while_logging_a_sighting_is_logged_and_nothing_is_lost(
    running: Running, exclusive_lock: OtherWriter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.reddit_bot")
    item = running.fake.add_submission(
        SUBREDDIT, "Seen this?", selftext=f"doi:{LEE_DOI} and doi:10.5555/locked.1"
    )
    report = running.poll()
    assert report.failed
    assert any("records database" in error for error in report.stream_errors)
    assert f"records database refused a write for {item}" in caplog.text
    assert "database is locked" in caplog.text
    assert running.bot_replies(item) == 0

    exclusive_lock.release()  # the other process finishes
    report = running.poll()
    assert not report.failed
    assert running.bot_replies(item) == 1
    assert running.sightings() == [("doi:10.5555/locked.1", item)]


def test_a_lock_taken_while_a_reply_is_in_flight_posts_it_once_and_loses_nothing(
    running: Running, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.reddit_bot")
    first = running.fake.add_submission(SUBREDDIT, "One", selftext=f"{LEE_DOI} 10.5555/flight.1")
    second = running.fake.add_submission(SUBREDDIT, "Two", selftext=f"{LEE_DOI} 10.5555/flight.2")
    other = OtherWriter(db_path)
    service = running.bot.service
    confirm = service.confirm

    def locked_out_confirm(plan: ReplyPlan, reply_id: str) -> None:
        # Another process takes the lock after the reply went out, before its id is stored.
        if not other.holding:
            other.take()
        confirm(plan, reply_id)

    service.confirm = locked_out_confirm  # type: ignore[method-assign]
    try:
        report = running.poll()
        assert report.failed
        assert f"records database refused a write for {first}" in caplog.text
    finally:
        service.confirm = confirm  # type: ignore[method-assign]
        other.close()
    assert running.bot_replies(first) == 1
    report = running.poll()
    assert not report.failed
    assert (running.bot_replies(first), running.bot_replies(second)) == (1, 1)
    assert sorted(running.sightings()) == [
        ("doi:10.5555/flight.1", first),
        ("doi:10.5555/flight.2", second),
    ]


def fill_to_the_brim(db: Database) -> None:
    """Let the file grow no more: every later write that needs a new page fails (SQLITE_FULL)."""
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    pages = db.execute("PRAGMA page_count").fetchone()[0]
    db.execute(f"PRAGMA max_page_count = {int(pages)}")


@pytest.mark.sqlite_only
def test_full_disk_while_logging_is_logged_the_bot_keeps_serving_and_logs_it_later(
    running: Running, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="bot.reddit_bot")
    fill_to_the_brim(running.db)
    item = running.fake.add_submission(
        SUBREDDIT,
        "Big one",
        selftext=f"doi:{LEE_DOI} and " + " ".join(f"https://doi.org/{doi}" for doi in LONG_DOIS),
    )
    for _ in range(2):
        report = running.poll()
        assert report.failed
    assert "database or disk is full" in caplog.text
    assert f"records database refused a write for {item}" in caplog.text
    assert running.sightings() == []
    assert running.bot_replies(item) == 0

    running.db.execute("PRAGMA max_page_count = 1073741823")  # space freed
    report = running.poll()
    assert not report.failed
    assert sorted(running.sightings()) == [(f"doi:{doi}", item) for doi in LONG_DOIS]
    assert running.bot_replies(item) == 1
