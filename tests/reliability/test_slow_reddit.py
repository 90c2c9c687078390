"""A comment Reddit creates after the bot stopped waiting is never posted a second time.

Reddit can time out and still create the comment moments later. The bot looks for its own
comment before trying again, and must look again after its pause: by then a slow comment
may have appeared.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.service import EvidenceService
from bot.reddit_bot.bot import RedditBot
from bot.reddit_bot.client import build_reddit
from config.settings import RedditSettings, Settings
from linker import AtlasIndex
from records.db import open_db
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, TEST_TIMEOUT_SECONDS, FakeClock
from tests.reddit.fake_reddit import FakeReddit

SLOW_ANSWER_SECONDS = 1.0  # longer than the client's timeout


@pytest.fixture
def bot(
    fake_reddit: FakeReddit,
    reddit_settings: RedditSettings,
    sample_index: AtlasIndex,
    db_path: Path,
) -> Iterator[RedditBot]:
    def pause_until_slow_answers_land(seconds: float) -> None:
        """The bot's pause before another try: the real one (30 s) outlasts Reddit's slow
        creation; here it lasts until the fake carried out every held request. A pause of
        a fixed real time raced the fake's thread on a loaded machine (issue 28)."""
        assert fake_reddit.wait_for_held(), "a slowed request was never carried out"

    db = open_db(db_path)
    service = EvidenceService(db, sample_index, Settings(reddit=reddit_settings))
    reddit = build_reddit(reddit_settings, timeout_seconds=TEST_TIMEOUT_SECONDS)
    started = RedditBot(
        reddit, service, [SUBREDDIT], sleep=pause_until_slow_answers_land, clock=FakeClock()
    )
    started.poll_once()
    yield started
    db.close()


def test_a_comment_created_after_the_timeout_is_found_before_posting_again(
    bot: RedditBot, fake_reddit: FakeReddit
) -> None:
    item = fake_reddit.add_submission(SUBREDDIT, "Slow day", selftext=f"doi:{LEE_DOI}")
    assert SLOW_ANSWER_SECONDS > TEST_TIMEOUT_SECONDS
    fake_reddit.slow_next(SLOW_ANSWER_SECONDS, path_contains="/api/comment")
    bot.poll_once()
    bot.poll_once()
    assert fake_reddit.wait_for_held()  # the slow comment exists: no late second one to come
    assert len(fake_reddit.requests_to("/api/comment", "POST")) == 1  # found, not resent
    assert len(fake_reddit.replies_to(item, author=fake_reddit.username)) == 1
