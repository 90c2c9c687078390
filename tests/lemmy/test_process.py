"""`evidence-bot run lemmy` as a real process: SIGKILL and restart, secrets kept out of logs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.forums.process import fast_polling, kill_while_replying_then_restart
from tests.lemmy.conftest import COMMUNITY, LEE_DOI, MEMBER, WALITT_DOI
from tests.lemmy.fake_lemmy import BOT, JWT, PASSWORD, FakeLemmy
from tests.reliability.conftest import (  # noqa: F401 - atlas_db_fixture: a fixture
    ProgramProcess,
    atlas_db_fixture,
    count,
    run_program,
    wait_until,
)

POSTS = 8


def lemmy_environment(fake: FakeLemmy, **more: str) -> dict[str, str]:
    """Every setting `run lemmy` needs, aimed at the fake instance."""
    return {
        "EVBOT_LEMMY__BASE_URL": fake.url,
        "EVBOT_LEMMY__USERNAME": BOT,
        "EVBOT_LEMMY__PASSWORD": PASSWORD,
        "EVBOT_LEMMY__COMMUNITIES": COMMUNITY,
        **more,
    }


class BotProcess(ProgramProcess):
    """`evidence-bot run lemmy` against the fake instance; up once it has listed posts."""

    def __init__(self, db_path: Path, fake: FakeLemmy, workdir: Path) -> None:
        env = fast_polling("lemmy", lemmy_environment(fake))
        super().__init__(["run", "lemmy"], db_path, env, workdir,
                         up=lambda: sum(r[1] == "post/list" for r in fake.requests))  # fmt: skip


@pytest.fixture
def bot(atlas_db: Path, fake: FakeLemmy, tmp_path: Path) -> Iterator[BotProcess]:
    process = BotProcess(atlas_db, fake, tmp_path)
    yield process
    process.kill_if_running()


def test_sigkill_at_any_moment_never_answers_twice(bot: BotProcess, fake: FakeLemmy) -> None:
    fake.add_post(COMMUNITY, MEMBER, "Before", "old")
    bot.start()
    assert wait_until(lambda: count(bot.db_path, "SELECT count(*) FROM stream_state") >= 2)
    cited = []
    for n in range(POSTS):
        post = fake.add_post(COMMUNITY, MEMBER, f"T{n}", f"doi:{LEE_DOI}")
        cited.append(f"post/{post}")
        cited.append(f"comment/{fake.add_comment(post, MEMBER, f'and {WALITT_DOI}')}")
    fake.slow_next("POST", "comment", 1.0)
    kill_while_replying_then_restart(
        bot,
        cited,
        replies=lambda: len(fake.bot_replies()),
        replies_to=lambda item: len(fake.bot_replies(item)),
        replying=lambda: any(r[:2] == ("POST", "comment") for r in fake.requests),
    )


def test_a_verbose_run_never_prints_the_password_or_the_session(
    fake: FakeLemmy, atlas_db: Path, tmp_path: Path
) -> None:
    run = ("-vv", "--db", str(atlas_db), "run", "lemmy", "--max-polls", "1")
    first = run_program(*run, cwd=tmp_path, env=lemmy_environment(fake))
    assert first.returncode == 0, first.stderr
    fake.add_post(COMMUNITY, MEMBER, "Q", f"doi:{LEE_DOI}")
    done = run_program(*run, cwd=tmp_path, env=lemmy_environment(fake))
    assert done.returncode == 0, done.stderr
    assert "post/list" in done.stderr  # debug logging was on
    assert len(fake.bot_replies()) == 1
    for secret in (PASSWORD, JWT):
        assert secret not in first.stdout + first.stderr + done.stdout + done.stderr


def test_a_refused_login_ends_with_one_error_line(fake: FakeLemmy, tmp_path: Path) -> None:
    env = lemmy_environment(fake, EVBOT_LEMMY__PASSWORD="wrong-password")
    done = run_program("--db", str(tmp_path / "x.db"), "run", "lemmy", cwd=tmp_path, env=env)
    assert done.returncode == 1
    assert "the instance refused the login" in done.stderr.strip().splitlines()[-1]
