"""Killing the real bot processes at any moment loses no sighting and answers nothing twice.

`evidence-bot run reddit` runs as a child process against the fake Reddit server and a real
SQLite file; SIGKILL (no clean-up at all) hits it while it is sending, while it is between
items and at random moments, and it is started again each time. Likewise a `scan` of a
large posts file is killed half-way and run again.
"""

from __future__ import annotations

import random
import signal
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.cli.scan_cmd import sighting_id
from tests.fakes.stores import aimed, shared_store
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, WALITT_DOI, reddit_environment
from tests.reddit.fake_reddit import FakeReddit
from tests.reliability.conftest import (
    ProgramProcess,
    clean_environment,
    count,
    program,
    run_program,
    wait_until,
)

ITEM_PAIRS = 12  # each pair: a submission and a comment under it, each citing two papers


def rows(db_path: Path, sql: str) -> list[tuple[object, ...]]:
    return shared_store(db_path).rows(sql)


class BotProcess(ProgramProcess):
    """`evidence-bot run reddit` against the fake Reddit; up once it has logged in."""

    def __init__(self, db_path: Path, fake: FakeReddit, workdir: Path) -> None:
        env = clean_environment(
            reddit_environment(
                fake,
                EVBOT_REDDIT__POLL_SECONDS="0.1",
                EVBOT_REPLY__RATE_CAP_PER_HOUR="10000",
                # One process runs at a time here, so any claim still unconfirmed when a
                # new one starts was left by a killed process: take it over at once.
                EVBOT_REPLY__CLAIM_LEASE_SECONDS="0",
            )
        )
        super().__init__(["run", "reddit"], db_path, env, workdir,
                         up=lambda: len(fake.requests_to("/api/v1/me")))  # fmt: skip


@pytest.fixture
def bot(atlas_db: Path, fake_reddit: FakeReddit, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(atlas_db, fake_reddit, tmp_path)
    yield process
    process.kill_if_running()


def post_items(fake: FakeReddit) -> dict[str, str]:
    """Post submissions and comments citing an atlas study and an unknown paper each.

    Returns {item fullname: the unknown paper's log key}.
    """
    unknown: dict[str, str] = {}
    for n in range(ITEM_PAIRS):
        doi = f"10.5555/restart.sub.{n}"
        submission = fake.add_submission(
            SUBREDDIT, f"Question {n}", selftext=f"Is doi:{LEE_DOI} like https://doi.org/{doi} ?"
        )
        unknown[submission] = f"doi:{doi}"
        doi = f"10.5555/restart.comment.{n}"
        comment = fake.add_comment(submission, f"Compare {WALITT_DOI} with doi:{doi} please")
        unknown[comment] = f"doi:{doi}"
    return unknown


def seen(db_path: Path) -> int:
    return count(db_path, "SELECT count(*) FROM seen_items")


def test_sigkill_at_any_moment_never_answers_twice_and_loses_no_sighting(
    bot: BotProcess, fake_reddit: FakeReddit, atlas_db: Path
) -> None:
    bot.start()
    assert wait_until(lambda: count(atlas_db, "SELECT count(*) FROM stream_state") == 2)
    unknown = post_items(fake_reddit)

    def comment_posts() -> int:
        return len(fake_reddit.requests_to("/api/comment", "POST"))

    # 1. Killed while its first reply is in flight: Reddit creates the comment afterwards.
    fake_reddit.slow_next(1.0, path_contains="/api/comment")
    assert wait_until(lambda: comment_posts() >= 1)
    bot.kill()
    # It lands before the next start, as any request does within the lease (120 s).
    assert wait_until(lambda: bool(fake_reddit.comments_by(fake_reddit.username)))
    # 2. Killed at whatever it is doing once a few more replies went out.
    bot.start()
    assert wait_until(lambda: comment_posts() >= 6)
    bot.kill()
    # 3. Killed right after it marked items handled.
    before = seen(atlas_db)
    bot.start()
    assert wait_until(lambda: seen(atlas_db) >= before + 3)
    bot.kill()
    # 4. Runs to the end and is stopped politely.
    bot.start()
    assert wait_until(lambda: seen(atlas_db) >= len(unknown)), bot.logs()
    assert bot.stop() == 0

    assert_answered_once_and_nothing_lost(fake_reddit, atlas_db, unknown)


@pytest.mark.parametrize("seed", [1, 2])
def test_sigkill_at_random_moments_never_answers_twice_and_loses_no_sighting(
    bot: BotProcess, fake_reddit: FakeReddit, atlas_db: Path, seed: int
) -> None:
    pause = threading.Event()
    moments = random.Random(seed)
    bot.start()
    assert wait_until(lambda: count(atlas_db, "SELECT count(*) FROM stream_state") == 2)
    unknown = post_items(fake_reddit)
    kills = 0
    while seen(atlas_db) < len(unknown) and kills < 5:
        pause.wait(moments.uniform(0.0, 1.5))  # starting up, polling, sending, recording
        bot.kill()
        kills += 1
        bot.start()
    assert wait_until(lambda: seen(atlas_db) >= len(unknown)), bot.logs()
    assert bot.stop() == 0
    assert_answered_once_and_nothing_lost(fake_reddit, atlas_db, unknown)


def assert_answered_once_and_nothing_lost(
    fake: FakeReddit, db_path: Path, unknown: dict[str, str]
) -> None:
    """Every item has exactly one reply; every unknown paper has exactly its sighting.

    A kill between claiming and confirming leaves a claim behind; the next process takes it
    over (past the lease), finds the reply among its own comments or posts it, and confirms.
    """
    answered = {item: fake.replies_to(item, author=fake.username) for item in unknown}
    counts = {item: len(replies) for item, replies in answered.items()}
    assert set(counts.values()) == {1}, counts
    unconfirmed = rows(db_path, "SELECT message_id FROM replies WHERE reply_id IS NULL")
    assert unconfirmed == []
    confirmed = {
        str(item): str(reply)
        for item, reply in rows(db_path, "SELECT message_id, reply_id FROM replies")
    }
    assert confirmed == {item: replies[0]["name"] for item, replies in answered.items()}
    sightings = rows(db_path, "SELECT paper_key, message_id FROM sightings")
    assert sorted(sightings) == sorted((key, item) for item, key in unknown.items())
    assert rows(db_path, "SELECT DISTINCT mention_count FROM unmatched_papers") == [(1,)]


SCAN_POSTS = 20_000


def test_killed_scan_run_again_logs_every_sighting_exactly_once(
    atlas_db: Path, tmp_path: Path
) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        "".join(
            f'{{"id": "p{n}", "text": "Lee et al. doi:{LEE_DOI} and doi:10.5555/scan.{n}"}}\n'
            for n in range(SCAN_POSTS)
        ),
        encoding="utf-8",
    )
    args, env = aimed(["--db", str(atlas_db), "scan", str(posts)], {})
    scanning = subprocess.Popen(  # noqa: S603 - our own program
        [*program(), *args],
        cwd=tmp_path,
        env=clean_environment(env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        assert wait_until(lambda: count(atlas_db, "SELECT count(*) FROM sightings") >= 500)
    finally:
        scanning.send_signal(signal.SIGKILL)
        scanning.wait(timeout=30)
    partial = count(atlas_db, "SELECT count(*) FROM sightings")
    assert 0 < partial < SCAN_POSTS  # the kill really came mid-way

    again = run_program("--db", str(atlas_db), "scan", str(posts), cwd=tmp_path, timeout=600)
    assert again.returncode == 0, again.stderr
    sightings = rows(atlas_db, "SELECT paper_key, message_id FROM sightings")
    source = str(posts.resolve())
    assert sorted(sightings) == sorted(
        (f"doi:10.5555/scan.{n}", sighting_id(source, {"id": f"p{n}"}, n + 1))
        for n in range(SCAN_POSTS)
    )
    assert rows(atlas_db, "SELECT DISTINCT mention_count FROM unmatched_papers") == [(1,)]
