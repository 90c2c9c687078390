"""`evidence-bot run feeds` as a real process: one round, the digest, secrets, restarts."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_ATLAS
from tests.fakes.stores import aimed
from tests.feeds.conftest import lee_item
from tests.feeds.fake_feeds import WEBHOOK_PATH, WEBHOOK_TOKEN, FakeFeeds, running_fake_feeds
from tests.reliability.conftest import clean_environment, count, program, run_program, wait_until

ITEMS = 30


@pytest.fixture
def fake() -> Iterator[FakeFeeds]:
    with running_fake_feeds() as feeds:
        yield feeds


@pytest.fixture
def atlas_db(db_path: Path, tmp_path: Path) -> Path:
    done = run_program("--db", str(db_path), "atlas", "import", str(SAMPLE_ATLAS), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return db_path


def environment(fake: FakeFeeds, tmp_path: Path) -> dict[str, str]:
    return {
        "EVBOT_FEEDS__URLS": f"{fake.url('/a')},{fake.url('/missing')}",
        "EVBOT_FEEDS__DELAY_SECONDS": "0",
        "EVBOT_FEEDS__DIGEST_DIR": str(tmp_path / "digests"),
        "EVBOT_FEEDS__DISCORD_WEBHOOK_URL": fake.url(WEBHOOK_PATH),
    }


def test_one_round_logs_citations_and_writes_the_digest(
    fake: FakeFeeds, atlas_db: Path, tmp_path: Path
) -> None:
    fake.add("/a", *(lee_item(n) for n in range(3)))
    env = environment(fake, tmp_path)
    done = run_program("--db", str(atlas_db), "run", "feeds", "--max-polls", "1", cwd=tmp_path,
                       env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert count(atlas_db, "SELECT count(*) FROM cited_studies") == 3
    assert len(list((tmp_path / "digests").glob("*.html"))) == 1
    (digest,) = (tmp_path / "digests").glob("*.md")
    # One line says what the run did (issue 28).
    assert done.stdout.splitlines() == [
        "feeds: 1 round, 3 new entries, 3 atlas citations, 3 unmatched papers logged; "
        f"1 of 2 feeds unread (see the log); digest {digest}"
    ]
    assert len(fake.webhook) == 1
    assert WEBHOOK_TOKEN not in done.stderr


# Secrets an address may carry: a webhook token in the path, a password in the userinfo
# (RFC 3986 section 3.2.1) and an API key in the query.
FEED_PASSWORD, FEED_KEY = "feed-password-1", "feed-api-key-2"


def test_no_address_secret_reaches_the_debug_log(
    fake: FakeFeeds, atlas_db: Path, tmp_path: Path
) -> None:
    fake.add("/a", lee_item(1))
    down = fake.add(f"/down?api_key={FEED_KEY}", lee_item(2))
    fake.feeds[f"/down?api_key={FEED_KEY}"].status = 503
    fake.feeds[f"/down?api_key={FEED_KEY}"].fail_times = 1
    fake.webhook_limited = 1
    with_password = fake.url("/a").replace("://", f"://reader:{FEED_PASSWORD}@")
    env = {**environment(fake, tmp_path), "EVBOT_FEEDS__URLS": f"{with_password},{down}"}
    done = run_program("-vv", "--db", str(atlas_db), "run", "feeds", "--max-polls", "1",
                       cwd=tmp_path, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    # The log did name every request and both retries, with their secrets hidden.
    assert done.stderr.count("HTTP Request: POST") == 1
    assert done.stderr.count("retry in") == 2
    assert len(fake.webhook) == 1
    for secret in (WEBHOOK_TOKEN, FEED_PASSWORD, FEED_KEY):
        assert secret not in done.stderr


def test_config_check_masks_the_webhook(fake: FakeFeeds, tmp_path: Path) -> None:
    done = run_program("config", "check", cwd=tmp_path, env=environment(fake, tmp_path))
    assert done.returncode == 0, done.stderr
    assert "sekrit-webhook-token" not in done.stdout


def test_killed_and_run_again_logs_each_citation_once(
    fake: FakeFeeds, atlas_db: Path, tmp_path: Path
) -> None:
    fake.add("/a", *(lee_item(n) for n in range(ITEMS)))
    args, env = aimed(["--db", str(atlas_db), "run", "feeds"], environment(fake, tmp_path))
    process = subprocess.Popen(  # noqa: S603 - our own program
        [*program(), *args],
        cwd=tmp_path, env=clean_environment(env), stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert wait_until(lambda: count(atlas_db, "SELECT count(*) FROM cited_studies") >= 1)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    again = run_program("--db", str(atlas_db), "run", "feeds", "--max-polls", "1", cwd=tmp_path,
                        env=environment(fake, tmp_path))  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert count(atlas_db, "SELECT count(*) FROM cited_studies") == ITEMS
    assert count(atlas_db, "SELECT count(*) FROM sightings") == ITEMS
    assert count(atlas_db, "SELECT max(mention_count) FROM unmatched_papers") == ITEMS
