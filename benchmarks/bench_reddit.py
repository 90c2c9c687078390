"""How fast the Reddit bot works through a backlog: real praw, the fake Reddit server on
127.0.0.1, the core and a SQLite file (target: a 1,000-item backlog, Reddit's listing
limit, well within one 30 s poll interval), and what a poll that finds nothing new costs
in bytes sent by the server (target: a few hundred bytes per stream, whatever the
subreddit's size)."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from pydantic import SecretStr

from benchmarks.common import Figure, timed
from bot.core.service import EvidenceService
from bot.reddit_bot.app import run_reddit_bot
from bot.reddit_bot.bot import RedditBot
from bot.reddit_bot.client import build_reddit
from config.settings import RedditSettings, ReplySettings, Settings
from linker import AtlasIndex
from records.atlas_io import GoodRecord, read_records
from records.db import open_db
from tests.fakes.atlas import SAMPLE_ATLAS
from tests.reddit.fake_reddit import FakeReddit

SUBREDDIT = "bench"
BACKLOG = 1000
CITING_EVERY = 4  # one item in four cites a study from the sample atlas
DOIS = ["10.1016/j.autrev.2023.103484", "10.1038/s41467-024-45107-3", "10.7326/M18-1451"]


def run() -> list[Figure]:
    """Start the bot, post a backlog of submissions and comments, time the poll handling it."""
    entries = [r.entry for r in read_records(SAMPLE_ATLAS) if isinstance(r, GoodRecord)]
    index = AtlasIndex.build(entries)
    with FakeReddit() as fake, tempfile.TemporaryDirectory() as folder:
        fake.add_subreddit(SUBREDDIT, moderators=("mod",))
        settings = Settings(
            reddit=_reddit_settings(fake),
            reply=ReplySettings(cooldown_hours=0, rate_cap_per_hour=100_000),
        )
        db = open_db(Path(folder) / "bench.db")
        service = EvidenceService(db, index, settings)
        bot = RedditBot(build_reddit(settings.reddit), service, [SUBREDDIT], sleep=_no_wait)
        bot.poll_once()  # the first run: starting cursors
        with timed() as idle:
            bot.poll_once()
        _post_backlog(fake)
        with timed() as backlog:
            report = bot.poll_once()
        idle_bytes = _idle_poll_bytes(bot, fake)
        sweep_bytes = _sweep_bytes(bot, fake)
        db.close()
    # The comment stream also reads the bot's own replies (and skips them).
    assert report.new_items == BACKLOG + report.replies, report
    assert report.replies == BACKLOG // CITING_EVERY, report
    name = "reddit bot"
    stop_seconds = _stop_during_rate_limit_wait()
    return [
        Figure(name, f"{BACKLOG:,}-item backlog, one poll", f"{backlog.seconds:.1f} s", "< 30 s"),
        Figure(name, "items read/s", f"{report.new_items / backlog.seconds:,.0f}"),
        Figure(name, "replies posted", f"{report.replies}"),
        Figure(name, "idle poll (2 streams)", f"{idle.seconds * 1000:.0f} ms"),
        Figure(name, "bytes per idle poll (2 streams, 1,000 items listed)", f"{idle_bytes:,}"),
        Figure(name, "bytes per sweep (2 streams, every 10 min)", f"{sweep_bytes:,}"),
        Figure(name, "stop during a 600 s rate-limit wait", f"{stop_seconds:.2f} s", "< 2 s"),
    ]


def _sweep_bytes(bot: RedditBot, fake: FakeReddit) -> int:
    """Bytes the server sent for one poll that sweeps back over the overlap window."""
    regular = bot.sweep_seconds
    bot.sweep_seconds = 0.0
    before = fake.bytes_served()
    bot.poll_once()
    bot.sweep_seconds = regular
    return fake.bytes_served() - before


def _stop_during_rate_limit_wait() -> float:
    """Seconds from setting the stop (what SIGTERM does) to `run_reddit_bot` returning,
    while Reddit's headers say no request for ten minutes."""
    with FakeReddit() as fake, tempfile.TemporaryDirectory() as folder:
        fake.add_subreddit(SUBREDDIT, moderators=("mod",))
        fake.set_ratelimit(remaining=0, reset_seconds=600)
        settings = Settings(reddit=_reddit_settings(fake))
        db = open_db(Path(folder) / "bench.db")
        stop = threading.Event()
        runner = threading.Thread(target=run_reddit_bot, args=(settings, db), kwargs={"stop": stop})
        runner.start()
        while not fake.requests_to("/api/v1/me"):
            time.sleep(0.01)
        time.sleep(0.5)  # well into the wait
        started = time.perf_counter()
        stop.set()
        runner.join()
        seconds = time.perf_counter() - started
        db.close()
    return seconds


def _idle_poll_bytes(bot: RedditBot, fake: FakeReddit) -> int:
    """Bytes the server sent for one poll that finds nothing new (the average of ten)."""
    bot.poll_once()  # settle: the backlog poll's own replies are read once more
    before = fake.bytes_served()
    for _ in range(10):
        bot.poll_once()
    return (fake.bytes_served() - before) // 10


def _post_backlog(fake: FakeReddit) -> None:
    """Half submissions, half comments; every CITING_EVERY-th item cites a study."""
    thread = fake.add_submission(SUBREDDIT, "Weekly thread")
    for number in range(BACKLOG - 1):
        cites = number % CITING_EVERY == 0
        text = f"see doi:{DOIS[number % len(DOIS)]}" if cites else f"plain chat {number}"
        if number % 2:
            fake.add_comment(thread, text, author=f"user{number % 50}")
        else:
            fake.add_submission(SUBREDDIT, f"Post {number}", selftext=text)


def _reddit_settings(fake: FakeReddit) -> RedditSettings:
    return RedditSettings(
        client_id=SecretStr(fake.client_id),
        client_secret=SecretStr(fake.client_secret),
        username=fake.username,
        password=SecretStr(fake.password),
        user_agent="linux:evidence-bot-bench:0.1 (by u/evidence_bot_test)",
        subreddits=[SUBREDDIT],
        oauth_url=fake.url,
        reddit_url=fake.url,
    )


def _no_wait(_seconds: float) -> None:
    """Benchmarks measure work, not waiting."""
