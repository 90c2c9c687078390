"""`evidence-bot run reddit`: clear errors for unusable settings, and a real run."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.reddit_bot.app import run_reddit_bot
from config.settings import Settings
from records.db import open_db
from tests.reddit.conftest import SUBREDDIT, reddit_environment
from tests.reddit.fake_reddit import FakeReddit

SECRET = "fake-client-secret"


@pytest.mark.parametrize(
    ("dropped", "message"),
    [
        ("EVBOT_REDDIT__USER_AGENT", "EVBOT_REDDIT__USER_AGENT is required"),
        ("EVBOT_REDDIT__CLIENT_ID", "EVBOT_REDDIT__CLIENT_ID"),
        ("EVBOT_REDDIT__CLIENT_SECRET", "EVBOT_REDDIT__CLIENT_SECRET"),
        ("EVBOT_REDDIT__PASSWORD", "EVBOT_REDDIT__PASSWORD"),
        ("EVBOT_REDDIT__SUBREDDITS", "EVBOT_REDDIT__SUBREDDITS"),
    ],
)
def test_run_reddit_refuses_unusable_settings_with_a_clear_message(
    fake_reddit: FakeReddit, db_path: Path, dropped: str, message: str
) -> None:
    env = reddit_environment(fake_reddit)
    del env[dropped]
    result = CliRunner().invoke(cli, ["--db", str(db_path), "run", "reddit"], env=env)
    assert result.exit_code == 1
    assert message in result.output
    assert SECRET not in result.output
    assert fake_reddit.requests == []


def test_run_reddit_rejects_a_vague_user_agent(fake_reddit: FakeReddit, db_path: Path) -> None:
    env = {**reddit_environment(fake_reddit), "EVBOT_REDDIT__USER_AGENT": "bot"}
    result = CliRunner().invoke(cli, ["--db", str(db_path), "run", "reddit"], env=env)
    assert result.exit_code == 1
    assert "not descriptive" in result.output


def test_run_reddit_logs_in_and_starts_every_stream(fake_reddit: FakeReddit, db_path: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--db", str(db_path), "run", "reddit", "--max-polls", "1"],
        env=reddit_environment(fake_reddit),
    )
    assert result.exit_code == 0, result.output
    assert SECRET not in result.output
    assert fake_reddit.requests_to("/api/v1/access_token")
    db = open_db(db_path)
    streams = {row["stream"] for row in db.query("SELECT stream FROM stream_state")}
    db.close()
    assert streams == {f"submissions:{SUBREDDIT.lower()}", f"comments:{SUBREDDIT.lower()}"}


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EVBOT_REDDIT__PASSWORD", "wrong-password", "EVBOT_REDDIT__PASSWORD"),
        ("EVBOT_REDDIT__CLIENT_SECRET", "wrong-secret", "EVBOT_REDDIT__CLIENT_SECRET"),
    ],
)
def test_run_reddit_stops_with_a_clear_message_when_reddit_refuses_the_login(
    fake_reddit: FakeReddit, db_path: Path, variable: str, value: str, message: str
) -> None:
    env = {**reddit_environment(fake_reddit), variable: value}
    result = CliRunner().invoke(cli, ["--db", str(db_path), "run", "reddit"], env=env)
    assert result.exit_code == 1
    assert "Reddit refused" in result.output
    assert message in result.output
    assert value not in result.output


def wait_for(condition: Callable[[], bool], seconds: float = 60.0) -> bool:
    """Poll `condition` until true or `seconds` pass (liveness, not speed: a loaded machine
    may take many seconds to start the bot; a bound that runs out leaves it running)."""
    done = threading.Event()
    for _ in range(int(seconds / 0.02)):
        if condition():
            return True
        done.wait(0.02)
    return False


def test_sigterm_stops_the_bot_between_polls(fake_reddit: FakeReddit, db_path: Path) -> None:
    original = signal.getsignal(signal.SIGTERM)

    polled: list[bool] = []

    def terminate_when_polling() -> None:
        polled.append(wait_for(lambda: bool(fake_reddit.requests_to("/comments"))))
        if signal.getsignal(signal.SIGTERM) is not original:  # never kill pytest itself
            os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_when_polling)
    killer.start()
    env = {**reddit_environment(fake_reddit), "EVBOT_REDDIT__POLL_SECONDS": "3600"}
    result = CliRunner().invoke(cli, ["--db", str(db_path), "run", "reddit"], env=env)
    killer.join()
    assert polled == [True]
    assert result.exit_code == 0, result.output
    assert signal.getsignal(signal.SIGTERM) is original


def test_run_reddit_takes_the_sweep_interval_from_the_environment(
    fake_reddit: FakeReddit, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in reddit_environment(fake_reddit, EVBOT_REDDIT__SWEEP_SECONDS="120").items():
        monkeypatch.setenv(name, value)
    db = open_db(db_path)
    bot = run_reddit_bot(Settings(), db, max_polls=1)
    db.close()
    assert bot.sweep_seconds == 120.0
