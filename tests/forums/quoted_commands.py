"""Shared pieces of the forum tests of a command hidden in a quoted post (issue 29)."""

from __future__ import annotations

from collections.abc import Sequence

from records.modlog import recent_actions
from records.places import get_place_settings
from records.store import Database


def hidden_command(quote_tag: str) -> str:
    """`!evidence off` inside a quote whose attribute runs to 320 characters (a length some
    quote patterns give up on, leaving the command to look like the quoter's own)."""
    return f'[{quote_tag}="{"x" * 320}"]\n!evidence off\n[/{quote_tag}]'


def assert_no_command_ran(
    db: Database, platform: str, place: object, bot_replies: Sequence[object]
) -> None:
    """Nothing a command leaves behind: no setting for the place, no mod-log line, no reply."""
    assert get_place_settings(db, platform, str(place)) is None
    assert recent_actions(db) == []
    assert bot_replies == []
