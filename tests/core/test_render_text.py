"""Plain text for the console and logs: pinned by golden files, wrapped, still neutralised."""

from __future__ import annotations

import pytest

from bot.core.cards import Reply
from bot.core.render_text import render_text
from tests.core.conftest import assert_golden
from tests.core.renderings import extreme_replies, golden_replies, retracted_card
from tests.core.test_sanitize import LIVE_MENTION

ALL_REPLIES = {**golden_replies(), **extreme_replies()}


@pytest.mark.parametrize("name", sorted(golden_replies()))
def test_rendering_matches_its_golden_file(name: str) -> None:
    assert_golden(f"{name}.txt", render_text(golden_replies()[name]) + "\n")


@pytest.mark.parametrize("width", [40, 60, 88])
def test_lines_wrap_at_the_width_except_unbreakable_urls(width: int) -> None:
    text = render_text(golden_replies()["several"], width=width)
    for line in text.splitlines():
        assert len(line) <= width or "https://" in line


@pytest.mark.parametrize("name", sorted(ALL_REPLIES))
def test_nothing_in_the_text_can_ping(name: str) -> None:
    assert not LIVE_MENTION.search(render_text(ALL_REPLIES[name]))


def test_retracted_warning_is_the_first_line() -> None:
    text = render_text(Reply.from_cards([retracted_card()], max_cards=3))
    assert text.splitlines()[0].startswith("!!! RETRACTED")


def test_ten_thousand_character_summary_is_shortened() -> None:
    text = render_text(ALL_REPLIES["10k-summary"])
    assert len(text) < 5000
    assert "…" in text
