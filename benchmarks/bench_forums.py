"""How fast the forum processes work through a backlog, against the fakes on 127.0.0.1.

XenForo: 50 threads with 10 new posts each (one in four cites a study) handled in one poll,
and the requests an idle poll costs. Discourse: 1,000 new posts paged back in one poll, and
the poll after a flood of posts too large to list together.
Feeds: ten feeds of 50 entries read, then read again (every answer a 304). Target: a
backlog well within one poll interval (60 s for the forums, 900 s for feeds).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from benchmarks.common import Figure, timed
from bot.core.service import EvidenceService
from bot.feeds.fetch import feeds_http
from bot.feeds.watcher import FeedWatcher
from config.settings import ReplySettings, Settings
from linker import AtlasIndex
from records.atlas_io import GoodRecord, read_records
from records.db import open_db
from tests.discourse.fake_discourse import running_fake_discourse
from tests.fakes.atlas import SAMPLE_ATLAS
from tests.fakes.discourse_harness import CATEGORY
from tests.fakes.discourse_harness import HarnessFactory as DiscourseFactory
from tests.fakes.xenforo_harness import NODE
from tests.fakes.xenforo_harness import HarnessFactory as XenForoFactory
from tests.feeds.fake_feeds import running_fake_feeds
from tests.feeds.feed_templates import Item
from tests.xenforo.fake_xenforo import running_fake_xenforo

DOIS = ["10.1016/j.autrev.2023.103484", "10.1038/s41467-024-45107-3", "10.7326/M18-1451"]
REPLY = {"cooldown_hours": 0, "rate_cap_per_hour": 100_000}


def text(n: int) -> str:
    return f"see doi:{DOIS[n % 3]} please" if n % 4 == 0 else f"just chatting, post {n}"


def run() -> list[Figure]:
    index = AtlasIndex.build(
        r.entry for r in read_records(SAMPLE_ATLAS) if isinstance(r, GoodRecord)
    )
    with tempfile.TemporaryDirectory() as folder:
        return [
            *_xenforo(index, Path(folder) / "xf.db"),
            *_discourse(index, Path(folder) / "dc.db"),
            *_discourse_flood(index, Path(folder) / "dc-flood.db"),
            *_feeds(index, Path(folder) / "feeds.db"),
        ]


def _xenforo(index: AtlasIndex, db_path: Path) -> list[Figure]:
    with running_fake_xenforo() as fake:
        fake.add_user(10, "member")
        threads = [fake.add_thread(NODE, f"T{n}", "hello") for n in range(50)]
        harness = XenForoFactory(fake, index, db_path).build(edit_check_seconds=300, reply=REPLY)
        harness.poll()
        for n in range(500):
            fake.add_post(threads[n % 50], text(n))
        before = len(fake.requests)
        with timed() as backlog:
            report = harness.poll()
        requests = len(fake.requests) - before
        harness.poll()  # reads the bot's own replies, which bumped their threads
        before = len(fake.requests)
        harness.poll()
        idle = len(fake.requests) - before
    assert report.replies == 125, report
    name = "xenforo bot"
    return [
        Figure(name, "500-post backlog, one poll", f"{backlog.seconds:.1f} s", "< 60 s"),
        Figure(name, "requests for that poll", f"{requests} ({report.replies} replies)"),
        Figure(name, "requests of an idle poll (2 forums)", str(idle)),
    ]


def _discourse_poll(
    index: AtlasIndex, db_path: Path, texts: list[str]
) -> tuple[float, int, int, list[int]]:
    """A started Discourse bot's one poll after `texts` were posted in one topic: its
    seconds, requests and replies, and the bot's reply count per new post."""
    with running_fake_discourse() as fake:
        topic = fake.posts[fake.add_topic(CATEGORY, "Busy", "hello")]["topic_id"]
        harness = DiscourseFactory(fake, index, db_path).build(reply=REPLY)
        harness.poll()
        posted = [fake.add_post(topic, raw) for raw in texts]
        before = len(fake.requests)
        with timed() as poll:
            report = harness.poll()
        requests = len(fake.requests) - before
        answered = [len(fake.bot_replies(post)) for post in posted]
    return poll.seconds, requests, report.replies, answered


def _discourse(index: AtlasIndex, db_path: Path) -> list[Figure]:
    seconds, requests, replies, _ = _discourse_poll(index, db_path, [text(n) for n in range(1000)])
    assert replies == 250, replies
    name = "discourse bot"
    return [
        Figure(name, "1,000-post backlog, one poll", f"{seconds:.1f} s", "< 60 s"),
        Figure(name, "requests for that poll", f"{requests} ({replies} replies)"),
    ]


def _discourse_flood(index: AtlasIndex, db_path: Path) -> list[Figure]:
    """25 posts of 32,000 `"` (over 6 MB as one /posts.json page) and a citing post after."""
    texts = ['"' * 32_000] * 25 + [text(0)]
    seconds, requests, _, answered = _discourse_poll(index, db_path, texts)
    assert answered[-1] == 1, answered
    name = "discourse bot"
    return [
        Figure(name, "poll after a 25-post flood", f"{seconds:.1f} s", "< 60 s"),
        Figure(name, "requests for that poll", str(requests)),
    ]


def feed_items(feed: int) -> list[Item]:
    return [Item(f"{feed}-{n}", f"T{n}", f"http://f.test/{feed}/{n}", text(n)) for n in range(50)]


def _feeds(index: AtlasIndex, db_path: Path) -> list[Figure]:
    db = open_db(db_path)
    service = EvidenceService(db, index, Settings(reply=ReplySettings(**REPLY)))
    http = feeds_http(user_agent="evidence-bot-bench", timeout=5, delay_seconds=0)
    with running_fake_feeds() as fake, http:
        urls = [fake.add(f"/f{f}", *feed_items(f)) for f in range(10)]
        watcher = FeedWatcher(http, service, urls, clock=lambda: 0.0)
        with timed() as first:
            report = watcher.read_all()
        with timed() as again:
            watcher.read_all()
    db.close()
    assert report.entries == 500, report
    name = "feeds"
    return [
        Figure(name, "10 feeds x 50 entries, first read", f"{first.seconds:.1f} s", "< 900 s"),
        Figure(name, "the same feeds again (all 304)", f"{again.seconds * 1000:.0f} ms"),
    ]
