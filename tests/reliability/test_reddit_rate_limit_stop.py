"""SIGTERM stops `run reddit` at once even while Reddit's request budget says to wait.

Reddit's `x-ratelimit-remaining: 0` with `x-ratelimit-reset: 600` tells the client to make
no request for ten minutes; prawcore sleeps that long inside the next request. The bot's
rate limiter waits on the stop event instead, so a platform restart (SIGTERM) is not held
up. The bound below is liveness, far from the ten-minute wait it guards against.
"""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from tests.reddit.conftest import reddit_environment
from tests.reddit.fake_reddit import FakeReddit
from tests.reliability.conftest import clean_environment, program, wait_until

RESET_SECONDS = 600
STOP_BOUND_SECONDS = 60  # one tenth of the wait: a bot that waits it out fails


def test_sigterm_ends_a_rate_limit_wait(
    atlas_db: Path, fake_reddit: FakeReddit, tmp_path: Path
) -> None:
    fake_reddit.set_ratelimit(remaining=0, reset_seconds=RESET_SECONDS)
    env = clean_environment(reddit_environment(fake_reddit))
    log_path = tmp_path / "run.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own program
            [*program(), "-v", "--db", str(atlas_db), "run", "reddit"],
            cwd=tmp_path,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        # The login's answer spends the budget: the next request has to wait.
        assert wait_until(lambda: bool(fake_reddit.requests_to("/api/v1/me")))
        requests_before_stop = len(fake_reddit.requests)
        process.send_signal(signal.SIGTERM)
        returncode = process.wait(timeout=STOP_BOUND_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output = log_path.read_text(errors="replace")
    assert returncode == 0, output
    assert len(fake_reddit.requests) == requests_before_stop  # nothing sent after the stop
