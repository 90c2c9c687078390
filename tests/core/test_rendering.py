"""Renderings by name: the core's formats, a platform's own once it registers it, and a
clear error for a name nobody registered."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from bot.core import rendering
from bot.core.cards import Reply
from bot.core.service import command_word
from config.settings import Settings

REPLY = Reply(cards=(), command="!evidence", footer=False, notice="Nothing cited here.")


@dataclass(frozen=True)
class Payload:
    """A platform's message, as a renderer of its own might return it."""

    content: str


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry as it is, restored after the test."""
    monkeypatch.setattr(rendering, "_RENDERERS", dict(rendering._RENDERERS))


@pytest.mark.parametrize("name", ["text", "markdown", "bbcode"])
def test_the_core_formats_are_registered_without_any_platform(name: str) -> None:
    rendered = rendering.render(name, REPLY)
    assert isinstance(rendered, str)
    assert "Nothing cited here." in rendered


def test_a_platforms_rendering_is_offered_by_name_once_registered(registry: None) -> None:
    rendering.register("matrix", lambda reply: Payload(reply.notice or ""))
    assert "matrix" in rendering.names()
    assert rendering.render("matrix", REPLY) == Payload("Nothing cited here.")
    assert json.loads(rendering.as_text(rendering.render("matrix", REPLY))) == {
        "content": "Nothing cited here."
    }


def test_an_unregistered_rendering_is_a_clear_error(registry: None) -> None:
    with pytest.raises(ValueError, match=r"no rendering called 'matrix' \(known: text, "):
        rendering.render("matrix", REPLY)


@pytest.mark.parametrize(
    ("platform", "word"),
    [("discord", "?evidence"), ("console", "!evidence"), ("reddit", "!evidence")],
)
def test_the_command_word_takes_the_prefix_a_platforms_settings_set(
    platform: str, word: str
) -> None:
    settings = Settings()
    settings.discord.prefix = "?"
    assert command_word(platform, settings) == word
