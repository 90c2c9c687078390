"""Place settings and opt-outs."""

from __future__ import annotations

import pytest

from records.db import Database
from records.places import (
    get_place_settings,
    is_opted_out,
    opt_in,
    opt_out,
    set_place_cooldown,
    set_place_mode,
)


def test_a_place_nobody_changed_has_no_settings(db: Database) -> None:
    assert get_place_settings(db, "discord", "c1") is None


@pytest.mark.parametrize("mode", ["auto", "summon-only", "off"])
def test_mode_is_stored_with_who_set_it(db: Database, mode: str) -> None:
    set_place_mode(db, "discord", "c1", mode, actor="ana (1)")  # type: ignore[arg-type]
    stored = get_place_settings(db, "discord", "c1")
    assert stored is not None
    assert (stored.mode, stored.updated_by) == (mode, "ana (1)")


def test_an_unknown_mode_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        set_place_mode(db, "discord", "c1", "loud", actor="x")  # type: ignore[arg-type]


def test_cooldown_and_mode_are_kept_independently(db: Database) -> None:
    set_place_cooldown(db, "discord", "c1", 2.0, actor="x", default_mode="auto")
    set_place_mode(db, "discord", "c1", "summon-only", actor="y")
    stored = get_place_settings(db, "discord", "c1")
    assert stored is not None
    assert (stored.mode, stored.cooldown_hours) == ("summon-only", 2.0)


def test_a_new_cooldown_row_starts_in_the_default_mode(db: Database) -> None:
    set_place_cooldown(db, "reddit", "r/x", 5, actor="x", default_mode="off")
    stored = get_place_settings(db, "reddit", "r/x")
    assert stored is not None
    assert stored.mode == "off"


def test_negative_cooldown_is_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="negative"):
        set_place_cooldown(db, "discord", "c1", -1, actor="x", default_mode="auto")


def test_opt_out_and_back_in(db: Database) -> None:
    assert opt_out(db, "discord", "h1") is True
    assert opt_out(db, "discord", "h1") is False
    assert is_opted_out(db, "discord", "h1")
    assert not is_opted_out(db, "reddit", "h1")
    assert opt_in(db, "discord", "h1") is True
    assert opt_in(db, "discord", "h1") is False
    assert not is_opted_out(db, "discord", "h1")
