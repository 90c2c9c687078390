"""A settings section names every setting its process cannot start without, all at once."""

from __future__ import annotations

from typing import Any

import pytest

from config.settings import (
    DatabaseSettings,
    DiscourseSettings,
    LemmySettings,
    XenForoSettings,
    _Section,
)

XENFORO_ALL = {"base_url": "https://forum.example/api", "api_key": "k", "node_ids": [2]}
DISCOURSE_ALL = {"base_url": "https://forum.example", "api_key": "k", "api_username": "bot"}


@pytest.mark.parametrize(
    ("section", "values", "missing"),
    [
        (XenForoSettings, XENFORO_ALL, None),
        (XenForoSettings, {**XENFORO_ALL, "node_ids": []},
         "set EVBOT_XENFORO__NODE_IDS (the forums to watch)"),
        (XenForoSettings, {},
         "set EVBOT_XENFORO__BASE_URL (the forum's /api address), "
         "EVBOT_XENFORO__API_KEY (an API key for the bot's user), "
         "EVBOT_XENFORO__NODE_IDS (the forums to watch)"),
        (DiscourseSettings, DISCOURSE_ALL, None),
        (DiscourseSettings, {**DISCOURSE_ALL, "api_username": ""},
         "set EVBOT_DISCOURSE__API_USERNAME (the bot's user name)"),
        (DiscourseSettings, {"api_username": "bot"},
         "set EVBOT_DISCOURSE__BASE_URL (the forum's address), "
         "EVBOT_DISCOURSE__API_KEY (an API key for the bot)"),
        (LemmySettings, {"base_url": "https://lemmy.example", "username": "bot",
                         "password": "p", "communities": ["mecfs"]}, None),
        (LemmySettings, {"username": "bot", "communities": ["mecfs"]},
         "set EVBOT_LEMMY__BASE_URL (the instance's address), EVBOT_LEMMY__PASSWORD (its password)"),
        (DatabaseSettings, {}, None),  # a section nothing requires
    ],
)  # fmt: skip
def test_missing_names_every_unset_required_setting_in_order(
    section: type[_Section], values: dict[str, Any], missing: str | None
) -> None:
    assert section(**values).missing() == missing


def test_missing_never_shows_a_secret() -> None:
    problem = XenForoSettings(api_key="s3cret-value").missing()
    assert problem is not None
    assert "s3cret-value" not in problem
