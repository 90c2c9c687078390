"""`evidence-bot run xenforo` as a real process: settings, secrets, SIGKILL and restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.forums.process import fast_polling, kill_while_replying_then_restart
from tests.reliability.conftest import (  # noqa: F401 - atlas_db_fixture: a fixture
    ProgramProcess,
    atlas_db_fixture,
    count,
    run_program,
    wait_until,
)
from tests.xenforo.conftest import LEE_DOI, NODE, OTHER_NODE, WALITT_DOI, xenforo_environment
from tests.xenforo.fake_xenforo import API_KEY, FakeXenForo

THREADS = 8


class BotProcess(ProgramProcess):
    """`evidence-bot run xenforo` against the fake forum; up once it has asked who it is."""

    def __init__(self, db_path: Path, fake: FakeXenForo, workdir: Path) -> None:
        env = fast_polling("xenforo", xenforo_environment(fake))
        super().__init__(["run", "xenforo"], db_path, env, workdir,
                         up=lambda: len(fake.requests_to("/api/me")))  # fmt: skip


@pytest.fixture
def bot(atlas_db: Path, fake: FakeXenForo, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(atlas_db, fake, tmp_path)
    yield process
    process.kill_if_running()


def test_sigkill_at_any_moment_never_answers_twice(bot: BotProcess, fake: FakeXenForo) -> None:
    fake.add_thread(NODE, "Before", "old")
    bot.start()
    # Both forums have their start marks: threads added from now on are new to the bot (a
    # count of any two cursors was met by the first forum alone, issue 28).
    started = (
        f"SELECT count(*) FROM stream_state WHERE stream IN ('node:{NODE}', 'node:{OTHER_NODE}')"
    )
    assert wait_until(lambda: count(bot.db_path, started) == 2)
    cited = []
    for n in range(THREADS):
        thread = fake.add_thread(NODE if n % 2 else OTHER_NODE, f"T{n}", f"doi:{LEE_DOI}")
        cited.append(fake.threads[thread]["first_post_id"])
        cited.append(fake.add_post(thread, f"and {WALITT_DOI} doi:10.5555/xf.{n}"))
    fake.slow_next(1.0, path_contains="/api/posts")
    kill_while_replying_then_restart(
        bot,
        cited,
        replies=lambda: len(fake.replies_by_bot()),
        replies_to=lambda post: len(fake.replies_by_bot(quoting=post)),
        replying=lambda: len(fake.requests_to("/api/posts", "POST")) >= 1,
    )
    assert count(bot.db_path, "SELECT count(*) FROM sightings") == THREADS


def test_config_check_masks_the_api_key(fake: FakeXenForo, tmp_path: Path) -> None:
    done = run_program("config", "check", cwd=tmp_path, env=xenforo_environment(fake))
    assert done.returncode == 0, done.stderr
    assert API_KEY not in done.stdout + done.stderr
    assert "xenforo" in done.stdout


def test_a_refused_api_key_ends_with_one_error_line(fake: FakeXenForo, tmp_path: Path) -> None:
    env = xenforo_environment(fake, EVBOT_XENFORO__API_KEY="wrong")
    done = run_program("--db", str(tmp_path / "x.db"), "run", "xenforo", cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert "the forum refused the API key" in done.stderr
    assert "Traceback" not in done.stderr
    assert "wrong" not in done.stderr


def test_a_verbose_run_never_prints_the_api_key(
    fake: FakeXenForo, atlas_db: Path, tmp_path: Path
) -> None:
    fake.add_thread(NODE, "Q", "hello")
    fake.fail_next(500, path_contains="/threads")
    env = xenforo_environment(fake, EVBOT_XENFORO__POLL_SECONDS="60")
    done = run_program("-vv", "--db", str(atlas_db), "run", "xenforo", "--max-polls", "1",
                       cwd=tmp_path, env=env)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "forums/2/threads" in done.stderr  # debug logging was on
    assert API_KEY not in done.stdout + done.stderr


def test_malformed_answers_never_end_the_process(bot: BotProcess, fake: FakeXenForo) -> None:
    bot.start()
    started = (
        f"SELECT count(*) FROM stream_state WHERE stream IN ('node:{NODE}', 'node:{OTHER_NODE}')"
    )
    assert wait_until(lambda: count(bot.db_path, started) == 2)
    bad = fake.add_thread(NODE, "Bad", f"doi:{LEE_DOI}")
    bad_post = fake.threads[bad]["first_post_id"]
    for _ in range(3):  # every shape the red team sent, each on a few polls
        fake.mangle_next(f"/threads/{bad}/posts", lambda body: {
            **body, "posts": [{**p, "post_date": "yesterday"} for p in body["posts"]]})  # fmt: skip
        fake.mangle_next(f"/forums/{OTHER_NODE}/threads", lambda body: {**body, "threads": {}})
        fake.mangle_next(f"/forums/{NODE}/threads", lambda body: {
            **body, "threads": [{"title": "no id"}, *body["threads"]]})  # fmt: skip
    assert wait_until(lambda: len(fake.requests_to(f"/forums/{OTHER_NODE}/threads")) >= 4), (
        bot.logs()
    )
    assert fake.requests_to(f"/threads/{bad}/posts")
    good = fake.add_thread(OTHER_NODE, "Good", f"doi:{LEE_DOI}")
    good_post = fake.threads[good]["first_post_id"]
    assert wait_until(lambda: bool(fake.replies_by_bot(quoting=good_post))), bot.logs()
    assert bot.stop() == 0
    assert fake.replies_by_bot(quoting=bad_post) == []
    assert bot.logs().count("unreadable post") == 1
