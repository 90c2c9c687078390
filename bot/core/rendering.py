"""Renderings of a reply by name: the core's formats, and those platforms register.

The core renders three formats every platform may use: `text` (the console, logs),
`markdown` (one comment, for the Markdown forums) and `bbcode` (one forum post). A platform
with a format of its own (Discord's embeds) registers its renderer with `register` when its
renderer module is imported; whoever offers a choice of renderings (the command line's
`--format`) lists `names()` and calls `render(name, reply)`, so a new platform's rendering
needs no change here. An adapter that knows its own format calls its renderer directly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, is_dataclass
from typing import Any

from bot.core.cards import Reply
from bot.core.render_bbcode import render_bbcode
from bot.core.render_markdown import render_markdown
from bot.core.render_text import render_text

Renderer = Callable[..., object]  # (reply, **options) -> what the platform posts

_RENDERERS: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> None:
    """Make `renderer` the rendering called `name` (registering a name again replaces it)."""
    _RENDERERS[name] = renderer


def names() -> tuple[str, ...]:
    """Every rendering registered so far, the core's first."""
    return tuple(_RENDERERS)


def render(name: str, reply: Reply, **options: Any) -> object:
    """`reply` rendered as `name`; a clear error for a rendering nobody registered."""
    try:
        renderer = _RENDERERS[name]
    except KeyError:
        known = ", ".join(names())
        raise ValueError(f"no rendering called {name!r} (known: {known})") from None
    return renderer(reply, **options)


def as_text(rendered: object) -> str:
    """A rendering as it can be printed: text as it is, a message payload as JSON."""
    if isinstance(rendered, str):
        return rendered
    if is_dataclass(rendered) and not isinstance(rendered, type):
        return json.dumps(asdict(rendered), ensure_ascii=False, indent=2)
    return json.dumps(rendered, ensure_ascii=False, indent=2)


register("text", render_text)
register("markdown", render_markdown)
register("bbcode", render_bbcode)
