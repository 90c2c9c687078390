"""One Validators for every conditional GET: the crawler's and the feed watcher's."""

from __future__ import annotations

import pytest

from bot.feeds.fetch import Validators as FeedValidators
from bot.http.validators import Validators
from bot.sync.fetcher import Validators as CrawlValidators


def test_the_crawler_and_the_feed_watcher_share_one_class() -> None:
    assert FeedValidators is Validators
    assert CrawlValidators is Validators


@pytest.mark.parametrize(
    ("validators", "headers", "known"),
    [
        (Validators('"v1"', None), {"If-None-Match": '"v1"'}, True),
        (Validators(None, "Tue, 01 Dec 2026 00:00:00 GMT"),
         {"If-Modified-Since": "Tue, 01 Dec 2026 00:00:00 GMT"}, True),
        (Validators('"v1"', ""), {"If-None-Match": '"v1"'}, True),
        (Validators(), {}, False),
    ],
)  # fmt: skip
def test_only_known_validators_become_headers(
    validators: Validators, headers: dict[str, str], known: bool
) -> None:
    assert validators.headers() == headers
    assert bool(validators) is known


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (Validators('"v1"', "Tue").to_text(), Validators('"v1"', "Tue")),
        (None, Validators()),
        ("not json", Validators()),
        ("[1, 2]", Validators()),
    ],
)
def test_validators_come_back_from_their_cursor_text(
    text: str | None, expected: Validators
) -> None:
    assert Validators.from_text(text) == expected
