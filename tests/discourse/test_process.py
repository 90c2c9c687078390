"""`evidence-bot run discourse` as a real process: settings, secrets, SIGKILL and restart."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.discourse.conftest import (
    CATEGORY,
    HELPER,
    LEE_DOI,
    WALITT_DOI,
    discourse_environment,
)
from tests.discourse.fake_discourse import API_KEY, FakeDiscourse
from tests.discourse.test_malformed import LISTING_ANSWERS, POST_SHAPES
from tests.fakes.stores import program_store
from tests.forums.process import fast_polling, kill_while_replying_then_restart
from tests.reliability.conftest import (  # noqa: F401 - atlas_db_fixture: a fixture
    ProgramProcess,
    atlas_db_fixture,
    count,
    run_program,
    wait_until,
)

TOPICS = 8


class BotProcess(ProgramProcess):
    """`evidence-bot run discourse` against the fake forum; up once it has polled."""

    def __init__(self, db_path: Path, fake: FakeDiscourse, workdir: Path) -> None:
        env = fast_polling("discourse", discourse_environment(fake))
        super().__init__(["run", "discourse"], db_path, env, workdir,
                         up=lambda: len(fake.requests_to("/posts.json", "GET")))  # fmt: skip


@pytest.fixture
def bot(atlas_db: Path, fake: FakeDiscourse, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(atlas_db, fake, tmp_path)
    yield process
    process.kill_if_running()


def test_sigkill_at_any_moment_never_answers_twice(bot: BotProcess, fake: FakeDiscourse) -> None:
    fake.add_topic(CATEGORY, "Before", "old")
    bot.start()
    assert wait_until(lambda: count(bot.db_path, "SELECT count(*) FROM stream_state") >= 1)
    cited = []
    for n in range(TOPICS):
        first = fake.add_topic(CATEGORY, f"T{n}", f"doi:{LEE_DOI}")
        cited.append(first)
        topic = fake.posts[first]["topic_id"]
        cited.append(fake.add_post(topic, f"and {WALITT_DOI} doi:10.5555/dc.{n}"))
    fake.slow_next(1.0, path_contains="/posts.json", method="POST")
    kill_while_replying_then_restart(
        bot,
        cited,
        replies=lambda: len(fake.bot_replies()),
        replies_to=lambda post: len(fake.bot_replies(post)),
        replying=lambda: len(fake.requests_to("/posts.json", "POST")) >= 1,
    )
    assert count(bot.db_path, "SELECT count(*) FROM sightings") == TOPICS


def test_config_check_masks_the_api_key(fake: FakeDiscourse, tmp_path: Path) -> None:
    done = run_program("config", "check", cwd=tmp_path, env=discourse_environment(fake))
    assert done.returncode == 0, done.stderr
    assert API_KEY not in done.stdout + done.stderr
    assert "discourse" in done.stdout


def test_a_verbose_run_never_prints_the_api_key(
    fake: FakeDiscourse, atlas_db: Path, tmp_path: Path
) -> None:
    fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    fake.rate_limit_next(0, path_contains="/posts.json")
    done = run_program("-vv", "--db", str(atlas_db), "run", "discourse", "--max-polls", "1",
                       cwd=tmp_path, env=discourse_environment(fake))  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "posts.json" in done.stderr  # debug logging was on
    assert API_KEY not in done.stdout + done.stderr


def test_a_held_reply_ends_nothing_and_is_not_queued_again_at_restart(
    fake: FakeDiscourse, atlas_db: Path, tmp_path: Path
) -> None:
    fake.add_topic(CATEGORY, "Before", "old")
    fake.approval_categories.add(CATEGORY)
    store_args, store_env = program_store(atlas_db)
    env = {**discourse_environment(fake, EVBOT_REPLY__CLAIM_LEASE_SECONDS="0"), **store_env}
    run = (*store_args, "run", "discourse", "--max-polls", "1")
    first = run_program(*run, cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    fake.add_topic(CATEGORY, "Q", f"doi:{LEE_DOI}")
    for _ in range(2):
        done = run_program(*run, cwd=tmp_path, env=env)
        assert done.returncode == 0, done.stderr
    assert len(fake.requests_to("/posts.json", "POST")) == 1
    assert len(fake.pending) == 1
    held = "SELECT count(*) FROM mod_log WHERE action = 'reply held for review'"
    assert count(atlas_db, held) == 1


def test_the_process_survives_every_malformed_shape_and_goes_on_answering(
    bot: BotProcess, fake: FakeDiscourse
) -> None:
    fake.add_topic(CATEGORY, "Before", "old")
    fake.fail_next(200, path_contains="/session/current.json", body={})
    bot.start()
    assert wait_until(lambda: count(bot.db_path, "SELECT count(*) FROM stream_state") >= 1)
    for name, shape in POST_SHAPES.items():
        fake.mangled[fake.add_topic(CATEGORY, name, f"doi:{LEE_DOI}")] = shape
    for answer in LISTING_ANSWERS.values():
        fake.fail_next(200, path_contains="/posts.json", method="GET", body=answer)
    fake.fail_next(200, path_contains="/members.json", body={"members": [{}], "meta": {}})
    refused = fake.add_topic(CATEGORY, "Mode", "!evidence off", user=HELPER)
    cited = fake.add_topic(CATEGORY, "Q", f"doi:{WALITT_DOI}")
    assert wait_until(lambda: bool(fake.bot_replies(cited))), bot.logs()
    assert bot.stop() == 0, bot.logs()
    assert len(fake.bot_replies(refused)) == 1
    assert "/session/current.json named no user" in bot.logs()
    assert "Traceback" not in bot.logs()
