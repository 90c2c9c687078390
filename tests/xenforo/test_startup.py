"""Starting `run xenforo`: what the key can see, and what the forum answered, said plainly."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.xenforo_bot.app import XenForoConfigError, run_xenforo_bot
from config.settings import Settings
from records.db import open_db
from tests.xenforo.conftest import MOD_GROUP, NODE
from tests.xenforo.fake_xenforo import API_KEY, FakeXenForo


def _start(fake: FakeXenForo, db_path: Path, **more: object) -> None:
    settings = Settings(
        xenforo={
            "base_url": fake.url,
            "api_key": API_KEY,
            "node_ids": [NODE],
            "mod_group_ids": [MOD_GROUP],
            "max_retries": 0,
            **more,
        }
    )
    db = open_db(db_path)
    try:
        run_xenforo_bot(settings, db, max_polls=1)
    finally:
        db.close()


def test_a_key_that_cannot_see_groups_is_named_at_start_up(
    fake: FakeXenForo, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        _start(fake, db_path)
    warning = next(r.getMessage() for r in caplog.records if "MOD_GROUP_IDS" in r.getMessage())
    assert "cannot work with this key" in warning
    assert "Manage users" in warning


def test_a_key_that_sees_groups_starts_without_a_warning(
    fake: FakeXenForo, db_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake.bot_manages_users = True
    with caplog.at_level(logging.WARNING):
        _start(fake, db_path)
    assert not [r for r in caplog.records if "MOD_GROUP_IDS" in r.getMessage()]


def test_a_super_user_key_reads_users_with_the_bypass(fake: FakeXenForo, db_path: Path) -> None:
    fake.super_user_key = True
    _start(fake, db_path, api_user=1)
    (check,) = fake.requests_to("/api/users/1")
    assert check.query == {"api_bypass_permissions": "1"}
    assert check.api_user == "1"


@pytest.mark.parametrize("me", [{}, {"me": {}}, {"me": {"user_id": "x"}}, {"me": []}], ids=str)
def test_a_me_answer_naming_no_user_stops_start_up_saying_what_came(
    fake: FakeXenForo, db_path: Path, me: dict[str, object]
) -> None:
    fake.me_answer = me
    with pytest.raises(XenForoConfigError, match=r"names no user \(it answered"):
        _start(fake, db_path)
