"""The bot core on an atlas the size of the real one (6,100 studies): how long one message
takes from text to a claimed, rendered reply, and how long each renderer needs.

Targets: p99 handling well under 50 ms per message (a busy Discord server sends a few
messages a second); a typical reply renders in about a millisecond, and even the extreme
50-study reply with 10,000-character texts in tens of milliseconds at most.
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.common import Figure, peak_rss_mb, timed
from benchmarks.synthetic_atlas import synthetic_entries
from bot.core.cards import Reply, card_from_entry
from bot.core.factory import build_service
from bot.core.render_markdown import render_markdown
from bot.core.render_text import render_text
from bot.discord_bot.render import render_discord
from config.settings import Settings
from records.atlas_store import upsert_entries
from records.db import open_db
from records.models import AtlasEntry, Post

ATLAS_SIZE = 6_100
MESSAGES = 2_000
RENDERS = 2_000
NAME = "bot core"


def _posts(entries: list[AtlasEntry], rng: random.Random) -> list[Post]:
    """Forum-like messages: most cite nothing, some one study, a few several or unknown ones."""
    posts = []
    for number in range(MESSAGES):
        roll = rng.random()
        chosen = rng.sample(entries, 3)
        if roll < 0.5:
            text = "Pacing has helped me a lot this month, PEM is less frequent. " * 3
        elif roll < 0.8:
            text = f"Interesting paper: https://doi.org/{chosen[0].doi} worth a read."
        elif roll < 0.95:
            text = "Reading list: " + ", ".join(f"PMID {e.pmid}" for e in chosen)
        else:
            text = f"Not sure this one is indexed: 10.9999/unknown.{number}"
        posts.append(
            Post(
                platform="discord",
                place=f"channel-{number % 20}",
                thread=f"thread-{number % 200}",
                message_id=str(number),
                author_id=f"member-{number % 300}",
                text=text,
            )
        )
    return posts


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _handling(folder: Path) -> list[Figure]:
    entries = [AtlasEntry.model_validate(e) for e in synthetic_entries(ATLAS_SIZE)]
    db = open_db(folder / "bench.db")
    upsert_entries(db, entries)
    settings = Settings(reply={"rate_cap_per_hour": 1_000_000})
    with timed() as startup:
        service = build_service(db, settings)
    posts = _posts(entries, random.Random(11))
    latencies: list[float] = []
    replies = 0
    with timed() as total:
        for post in posts:
            start = time.perf_counter()
            plan = service.handle_post(post)
            if plan is not None and (claimed := service.claim(plan)) is not None:
                render_discord(claimed.reply)
                service.confirm(claimed, f"r{post.message_id}")
                replies += 1
            latencies.append(time.perf_counter() - start)
    db.close()
    return [
        Figure(NAME, f"index build ({ATLAS_SIZE:,} studies)", f"{startup.seconds:.2f} s"),
        Figure(NAME, f"{MESSAGES:,} messages, {replies} replies", f"{total.seconds:.2f} s"),
        Figure(NAME, "messages/s (decide, claim, render)", f"{MESSAGES / total.seconds:,.0f}"),
        Figure(NAME, "median per message", f"{statistics.median(latencies) * 1000:.2f} ms"),
        Figure(NAME, "p99 per message", f"{_percentile(latencies, 0.99) * 1000:.2f} ms", "< 50 ms"),
    ]


def _rendering() -> list[Figure]:
    base = "https://www.mecfsatlas.com"
    typical = [card_from_entry(AtlasEntry.model_validate(e), base) for e in synthetic_entries(3)]
    long_text = "inflammation " * 800
    extreme = [
        card_from_entry(
            AtlasEntry.model_validate(
                {
                    "id": f"x-2020-long-{n}",
                    "title": long_text[:2000],
                    "summary": long_text,
                    "does_not_prove": long_text,
                }
            ),
            base,
        )
        for n in range(50)
    ]
    figures = []
    for label, reply in (
        ("3-study reply", Reply.from_cards(typical, max_cards=3)),
        ("50 studies, 10k-char texts", Reply.from_cards(extreme, max_cards=3)),
    ):
        for fmt, render in (
            ("discord", render_discord),
            ("markdown", render_markdown),
            ("text", render_text),
        ):
            with timed() as clock:
                for _ in range(RENDERS // 10 if "50" in label else RENDERS):
                    render(reply)
            count = RENDERS // 10 if "50" in label else RENDERS
            figures.append(
                Figure(NAME, f"render {fmt}: {label}", f"{clock.seconds / count * 1e6:,.0f} µs")
            )
    return figures


def run() -> list[Figure]:
    """Handle a stream of forum messages on a full-size atlas, then time each renderer."""
    with tempfile.TemporaryDirectory() as folder:
        figures = _handling(Path(folder))
    figures += _rendering()
    figures.append(Figure(NAME, "peak memory", f"{peak_rss_mb():.0f} MB"))
    return figures
