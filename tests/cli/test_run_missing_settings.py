"""`run PLATFORM` checks every setting first and names every missing one in one error, before
any "Watching…"/"Connecting…" banner (issue 28: one missing setting a run, after a banner)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli

MISSING = {
    "xenforo": ["EVBOT_XENFORO__BASE_URL", "EVBOT_XENFORO__API_KEY", "EVBOT_XENFORO__NODE_IDS"],
    "discourse": [
        "EVBOT_DISCOURSE__BASE_URL",
        "EVBOT_DISCOURSE__API_KEY",
        "EVBOT_DISCOURSE__API_USERNAME",
    ],
    "lemmy": [
        "EVBOT_LEMMY__BASE_URL",
        "EVBOT_LEMMY__USERNAME",
        "EVBOT_LEMMY__PASSWORD",
        "EVBOT_LEMMY__COMMUNITIES",
    ],
    "reddit": [
        "EVBOT_REDDIT__CLIENT_ID",
        "EVBOT_REDDIT__CLIENT_SECRET",
        "EVBOT_REDDIT__USERNAME",
        "EVBOT_REDDIT__PASSWORD",
        "EVBOT_REDDIT__USER_AGENT",
        "EVBOT_REDDIT__SUBREDDITS",
    ],
    "discord": ["EVBOT_DISCORD__TOKEN", "discord.shard_ids needs discord.shard_count"],
}


@pytest.mark.parametrize("platform", sorted(MISSING))
def test_every_missing_setting_is_named_at_once_before_any_banner(
    db_path: Path, platform: str
) -> None:
    # Discord's second problem needs one setting given: shard ids without a shard count.
    env = {"EVBOT_DISCORD__SHARD_IDS": "0"} if platform == "discord" else {}
    result = CliRunner().invoke(cli, ["--db", str(db_path), "run", platform], env=env)
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    for name in MISSING[platform]:
        assert name in errors[0]
    assert "Watching" not in result.stderr
    assert "Connecting" not in result.stderr
