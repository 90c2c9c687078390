"""Reddit rendering: one Markdown comment of at most 10,000 characters.

Atlas text is escaped (see sanitize), so a summary cannot open a heading, a table, a quote or
a link; only our own template adds Markdown. Reddit's comment limit:
https://www.reddit.com/r/help/wiki/faqs/ (10,000 characters per comment).
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.core import sanitize
from bot.core.card_layout import Markup, cards_within, fit_reply, more_item, tail_parts
from bot.core.cards import Card, Reply, footer_notice

COMMENT_LIMIT = 10_000
MORE_TITLE_CHARS = 120
MORE_LIST_CHARS = 3000
RULE = "\n\n---\n\n"
MARKDOWN = Markup(
    text=sanitize.markdown,
    meaning=sanitize.escape_markdown,
    bold=lambda text: f"**{text}**",
    italic=lambda text: f"*{text}*",
    link=lambda title, url: f"[{title}]({sanitize.link_target(url)})",
    line_break="\n\n",
)


def render_markdown(reply: Reply) -> str:
    """The reply as one Reddit comment; always within the comment limit."""
    return fit_reply(reply, lambda cards, more: _fitting(reply, cards, more))


def _fitting(reply: Reply, cards: list[Card], more: list[Card]) -> str | None:
    head = [sanitize.markdown(reply.notice, 500)] if reply.notice else []
    tail = tail_parts(reply, cards, more, _more_list, _footer)

    def join(body: list[str]) -> str:
        return RULE.join(part for part in ("\n\n".join(head), *body, "\n\n".join(tail)) if part)

    return cards_within(cards, MARKDOWN, COMMENT_LIMIT, join)


def _more_list(more: list[Card], numbered: bool) -> str:
    items = []
    for number, card in enumerate(more, start=1):
        link = more_item(card, MARKDOWN, MORE_TITLE_CHARS)
        items.append(f"{number}. {link}" if numbered else f"* {link}")
    text = "" if numbered else f"**And {len(more)} more:**\n\n"
    for shown, item in enumerate(items):
        if len(text) + len(item) > MORE_LIST_CHARS:
            return text + f"\n\n…and {len(items) - shown} more in the atlas."
        text += ("\n" if shown else "") + item
    return text


BOT_NOTICE = "I am a bot."  # Reddit's convention: a bot's comment says it is one


def _footer(command: str, cards: Sequence[Card]) -> str:
    return (
        f"^({BOT_NOTICE}) ^({footer_notice(cards)}) ^(Opt out: reply {command} optout.) "
        f"^(Wrong match? Reply {command} wrong.)"
    )
