"""Plain-text rendering for the console bot and logs: no Markdown, wrapped for a terminal."""

from __future__ import annotations

import textwrap

from bot.core import sanitize
from bot.core.cards import NO_SUMMARY, Card, Reply, evidence_facts, footer_text
from bot.core.layout import Budget, budgets_for

WIDTH = 88
INDENT = "   "


def render_text(reply: Reply, *, width: int = WIDTH) -> str:
    """The reply as plain text wrapped at `width` columns."""
    budget = budgets_for(len(reply.cards))[0]
    blocks = []
    if reply.notice:
        blocks.append(_wrap(sanitize.plain(reply.notice, 500), width))
    blocks.extend(_card(card, budget, width) for card in reply.cards)
    if reply.more:
        blocks.append(_more(reply, width))
    if reply.footer:
        blocks.append(_wrap(sanitize.plain(footer_text(reply.command, reply.cards)), width))
    return "\n\n".join(blocks)


def _card(card: Card, budget: Budget, width: int) -> str:
    lines: list[str] = []
    lines.extend(_wrap(f"!!! {sanitize.plain(line, 300)}", width) for line in card.warnings)
    lines.append(_wrap(sanitize.plain(card.title, budget.title), width))
    if card.byline:
        lines.append(_wrap(sanitize.plain(card.byline, budget.byline), width, INDENT))
    lines.append(f"{INDENT}{card.url}")
    if card.summary and budget.summary:
        lines.append(_wrap(sanitize.plain(card.summary, budget.summary), width, INDENT))
    elif not card.summary:
        lines.append(_wrap(NO_SUMMARY, width, INDENT))
    if card.does_not_prove:
        caveat = sanitize.plain(card.does_not_prove, budget.caveat)
        lines.append(_wrap(f"Does not prove: {caveat}", width, INDENT))
    meaning = f": {card.pem_meaning}" if budget.pem_meaning and card.pem_meaning else ""
    lines.append(_wrap(f"{card.pem_line}{meaning}", width, INDENT))
    # The atlas's badge row: level, confidence, type, review status (e.g. Machine draft).
    facts = [
        f"{label} {sanitize.plain(value, 100)}".strip() for label, value in evidence_facts(card)
    ]
    if facts:
        lines.append(_wrap(" · ".join(facts), width, INDENT))
    return "\n".join(lines)


def _more(reply: Reply, width: int) -> str:
    numbered = not reply.cards
    lines = [] if numbered else [f"And {len(reply.more)} more:"]
    for number, card in enumerate(reply.more, start=1):
        marker = f"{number}." if numbered else "-"
        retracted = "RETRACTED · " if card.retracted else ""
        year = f" ({card.year})" if card.year else ""
        title = sanitize.plain(card.title, 120)
        line = f"{marker} {retracted}{title}{year} {card.url}"
        lines.append(
            textwrap.fill(
                line,
                width=width,
                initial_indent="" if numbered else INDENT,
                subsequent_indent=INDENT if numbered else INDENT + "  ",
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def _wrap(text: str, width: int, indent: str = "") -> str:
    return textwrap.fill(
        text, width=width, initial_indent=indent, subsequent_indent=indent,
        break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip
