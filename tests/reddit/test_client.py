"""The praw client built from settings, talking to the fake Reddit server."""

from __future__ import annotations

import base64
import threading

import praw
import pytest
from prawcore.exceptions import RequestException, ServerError
from pydantic import SecretStr

from bot.reddit_bot.client import (
    RedditConfigError,
    build_reddit,
    subreddit_name,
)
from bot.reddit_bot.ratelimit import StoppableRateLimiter, StopRequested
from config.settings import RedditSettings
from tests.reddit.conftest import SUBREDDIT, USER_AGENT
from tests.reddit.fake_reddit import FakeReddit


def test_client_logs_in_with_the_password_grant_and_basic_auth(
    reddit: praw.Reddit, fake_reddit: FakeReddit
) -> None:
    assert str(reddit.user.me()) == fake_reddit.username
    token_request = fake_reddit.requests_to("/api/v1/access_token")[0]
    expected = base64.b64encode(
        f"{fake_reddit.client_id}:{fake_reddit.client_secret}".encode()
    ).decode()
    assert token_request.authorization == f"Basic {expected}"
    assert token_request.form["grant_type"] == "password"
    assert token_request.form["username"] == fake_reddit.username


def test_client_sends_the_configured_user_agent(
    reddit: praw.Reddit, fake_reddit: FakeReddit
) -> None:
    reddit.user.me()
    assert all(r.user_agent.startswith(USER_AGENT) for r in fake_reddit.requests)


@pytest.mark.parametrize(
    ("missing", "named"),
    [
        ("client_id", "EVBOT_REDDIT__CLIENT_ID"),
        ("client_secret", "EVBOT_REDDIT__CLIENT_SECRET"),
        ("username", "EVBOT_REDDIT__USERNAME"),
        ("password", "EVBOT_REDDIT__PASSWORD"),
    ],
)
def test_missing_credential_is_named_without_showing_the_others(
    reddit_settings: RedditSettings, missing: str, named: str
) -> None:
    settings = reddit_settings.model_copy(update={missing: None})
    with pytest.raises(RedditConfigError, match=named) as caught:
        settings.check(RedditConfigError)
    assert "fake-client-secret" not in str(caught.value)
    assert "fake-password" not in str(caught.value)


@pytest.mark.parametrize(
    ("user_agent", "complaint"),
    [(None, "is required"), ("   ", "is required"), ("bot", "not descriptive")],
)
def test_user_agent_must_be_present_and_descriptive(
    reddit_settings: RedditSettings, user_agent: str | None, complaint: str
) -> None:
    settings = reddit_settings.model_copy(update={"user_agent": user_agent})
    with pytest.raises(RedditConfigError, match=complaint):
        build_reddit(settings)


def test_blank_secret_counts_as_missing(reddit_settings: RedditSettings) -> None:
    settings = reddit_settings.model_copy(update={"client_secret": SecretStr("  ")})
    with pytest.raises(RedditConfigError, match="EVBOT_REDDIT__CLIENT_SECRET"):
        settings.check(RedditConfigError)


def test_no_subreddits_is_an_error(reddit_settings: RedditSettings) -> None:
    settings = reddit_settings.model_copy(update={"subreddits": []})
    with pytest.raises(RedditConfigError, match="EVBOT_REDDIT__SUBREDDITS"):
        settings.check(RedditConfigError)


def test_client_does_not_retry_a_server_error_itself(
    reddit: praw.Reddit, fake_reddit: FakeReddit
) -> None:
    fake_reddit.fail_next(503, path_contains="/new")
    with pytest.raises(ServerError):
        list(reddit.subreddit(SUBREDDIT).new(limit=10))
    assert len(fake_reddit.requests_to("/new")) == 1


def test_client_gives_up_on_a_slow_answer_after_its_timeout(
    reddit: praw.Reddit, fake_reddit: FakeReddit
) -> None:
    fake_reddit.slow_next(30.0, path_contains="/new")
    with pytest.raises(RequestException):
        list(reddit.subreddit(SUBREDDIT).new(limit=10))
    assert len(fake_reddit.requests_to("/new")) == 1


def test_client_neither_checks_for_updates_nor_sleeps_through_ratelimits(
    reddit: praw.Reddit,
) -> None:
    assert reddit.config.check_for_updates is False
    assert reddit.config.ratelimit_seconds < 0


def test_client_urls_come_from_the_settings(reddit: praw.Reddit, fake_reddit: FakeReddit) -> None:
    assert reddit.config.oauth_url == fake_reddit.url
    assert reddit.config.reddit_url == fake_reddit.url


@pytest.mark.parametrize(
    ("configured", "name"),
    [
        ("cfs", "cfs"),
        ("r/cfs", "cfs"),
        ("/r/CFS/", "CFS"),
        (" https://www.reddit.com/r/cfs_science/ ", "cfs_science"),
    ],
)
def test_subreddit_names_are_accepted_with_or_without_r_prefix(configured: str, name: str) -> None:
    assert subreddit_name(configured) == name


@pytest.mark.parametrize("bad", ["c", "two words", "r/", "cfs!", "a" * 22])
def test_invalid_subreddit_names_are_refused(reddit_settings: RedditSettings, bad: str) -> None:
    settings = reddit_settings.model_copy(update={"subreddits": ["cfs", bad]})
    with pytest.raises(RedditConfigError, match="not subreddit names"):
        settings.check(RedditConfigError)


def test_client_budgets_requests_from_reddits_ratelimit_headers(
    reddit: praw.Reddit, fake_reddit: FakeReddit
) -> None:
    fake_reddit.set_ratelimit(remaining=42, reset_seconds=300)
    reddit.user.me()
    assert reddit._core is not None
    limiter = reddit._core._rate_limiter
    assert isinstance(limiter, StoppableRateLimiter)
    assert limiter.remaining == 42
    assert limiter.used is not None
    assert limiter.used > 0


def test_a_stop_ends_a_rate_limit_wait_and_no_request_follows(
    reddit_settings: RedditSettings, fake_reddit: FakeReddit
) -> None:
    stop = threading.Event()
    reddit = build_reddit(reddit_settings, stop=stop)
    fake_reddit.set_ratelimit(remaining=0, reset_seconds=600)
    reddit.user.me()  # its answer spends the budget: the next request waits ten minutes
    threading.Timer(0.2, stop.set).start()
    with pytest.raises(StopRequested):
        list(reddit.subreddit(SUBREDDIT).new(limit=1))
    assert fake_reddit.requests_to("/new") == []
