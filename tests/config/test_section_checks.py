"""Each process checks its settings section at start-up: every problem named at once, in the
platform's own error, never a secret's value."""

from __future__ import annotations

from typing import Any

import pytest

from bot.errors import DiscordStartupError, FeedsConfigError, RedditConfigError
from config.errors import ConfigError
from config.settings import DiscordSettings, FeedsSettings, RedditSettings, _Section

REDDIT_ALL = {
    "client_id": "id",
    "client_secret": "s3cret-value",
    "username": "evidence_bot",
    "password": "hunter2-password",
    "user_agent": "linux:evidence-bot:0.1 (by u/evidence_bot)",
    "subreddits": ["cfs", "r/mecfs"],
}


@pytest.mark.parametrize(
    ("section", "values", "named"),
    [
        (DiscordSettings, {}, ["set EVBOT_DISCORD__TOKEN"]),
        (DiscordSettings, {"token": "  "}, ["set EVBOT_DISCORD__TOKEN"]),
        (RedditSettings, {**REDDIT_ALL, "password": " "}, ["set EVBOT_REDDIT__PASSWORD"]),
        (RedditSettings, {**REDDIT_ALL, "subreddits": []}, ["set EVBOT_REDDIT__SUBREDDITS"]),
        (RedditSettings, {**REDDIT_ALL, "user_agent": "bot"}, ["is not descriptive"]),
        (RedditSettings, {**REDDIT_ALL, "subreddits": ["cfs!"]}, ["not subreddit names: 'cfs!'"]),
        (RedditSettings, {"user_agent": None, "subreddits": ["x"]},
         ["set EVBOT_REDDIT__CLIENT_ID", "EVBOT_REDDIT__PASSWORD", "; EVBOT_REDDIT__USER_AGENT is "
          "required", "; EVBOT_REDDIT__SUBREDDITS: not subreddit names: 'x'"]),
        (FeedsSettings, {}, ["set EVBOT_FEEDS__URLS (the RSS/Atom feeds to read)"]),
    ],
)  # fmt: skip
def test_check_names_every_problem_in_order(
    section: type[_Section], values: dict[str, Any], named: list[str]
) -> None:
    with pytest.raises(ConfigError) as caught:
        section(**values).check()
    message = str(caught.value)
    positions = [message.index(part) for part in named]
    assert positions == sorted(positions)


@pytest.mark.parametrize(
    ("section", "values"),
    [
        (DiscordSettings, {"token": "t"}),
        (DiscordSettings, {"token": "t", "shard_count": 2, "shard_ids": [0, 1]}),
        (RedditSettings, REDDIT_ALL),
        (FeedsSettings, {"urls": ["https://forum.example/feed"]}),
    ],
)
def test_check_passes_settings_that_can_work(
    section: type[_Section], values: dict[str, Any]
) -> None:
    section(**values).check()


@pytest.mark.parametrize(
    ("settings", "error"),
    [
        (DiscordSettings(), DiscordStartupError),
        (RedditSettings(), RedditConfigError),
        (FeedsSettings(), FeedsConfigError),
    ],
)
def test_check_raises_the_platforms_own_error(settings: _Section, error: type[ConfigError]) -> None:
    with pytest.raises(error):
        settings.check(error)


def test_check_never_shows_a_secret() -> None:
    with pytest.raises(ConfigError) as caught:
        RedditSettings(**{**REDDIT_ALL, "user_agent": "b", "username": ""}).check()
    assert "s3cret-value" not in str(caught.value)
    assert "hunter2-password" not in str(caught.value)
