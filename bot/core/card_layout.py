"""The card layout the forum (BBCode) and Reddit (Markdown) renderers share.

Both lay a card out the same way (warnings, linked title, byline, summary, caveat, badges);
only the markup differs, so each renderer hands over a `Markup` with its own pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.core import sanitize
from bot.core.cards import NO_SUMMARY, Card, Reply, evidence_facts
from bot.core.layout import Budget, budgets_for


@dataclass(frozen=True)
class Markup:
    """One markup language's pieces: safe text, emphasis, links and the line separator."""

    text: Callable[[str, int], str]  # atlas text made safe and cut to a limit
    meaning: Callable[[str], str]  # the PEM meaning made safe (our own text, not cut)
    bold: Callable[[str], str]
    italic: Callable[[str], str]
    link: Callable[[str, str], str]  # (title already safe, raw URL)
    line_break: str


def card_text(card: Card, budget: Budget, markup: Markup) -> str:
    """One card laid out in `markup`, its texts cut to `budget`."""
    text, bold = markup.text, markup.bold
    lines: list[str] = []
    lines.extend(f"⛔ {bold(text(line, 300))}" for line in card.warnings)
    lines.append(bold(markup.link(text(card.title, budget.title), card.url)))
    lines.extend(summary_lines(card, budget, markup))
    if card.does_not_prove:
        caveat = text(card.does_not_prove, budget.caveat)
        lines.append(f"{bold('What this study does not prove:')} {caveat}")
    meaning = card.pem_meaning if budget.pem_meaning else None
    badge = bold(card.pem_line)
    badges = [f"{badge}: {markup.meaning(meaning)}" if meaning else badge]
    badges.extend(
        f"{bold(label)} {text(value, 100)}" if label else text(value, 100)
        for label, value in evidence_facts(card)
    )
    lines.append(" · ".join(badges))
    return markup.line_break.join(lines)


def summary_lines(card: Card, budget: Budget, markup: Markup) -> list[str]:
    """The byline and the summary (or that the atlas has none), cut to `budget`; the
    summary is left out where the budget has no room for it."""
    lines: list[str] = []
    if card.byline:
        lines.append(markup.italic(markup.text(card.byline, budget.byline)))
    if card.summary and budget.summary:
        lines.append(markup.text(card.summary, budget.summary))
    elif not card.summary:
        lines.append(markup.italic(NO_SUMMARY))
    return lines


def more_item(card: Card, markup: Markup, title_chars: int) -> str:
    """One entry of the "more" list: a retraction mark, the linked title and the year."""
    prefix = "⛔ RETRACTED · " if card.retracted else ""
    title = prefix + markup.text(card.title, title_chars)
    year = f" ({card.year})" if card.year else ""
    return markup.link(title, card.url) + year


def tail_parts(
    reply: Reply,
    cards: list[Card],
    more: list[Card],
    more_list: Callable[[list[Card], bool], str],
    footer: Callable[[str, Sequence[Card]], str],
) -> list[str]:
    """What stands under the cards: the "more" list (numbered when no card is shown in full),
    then the footer when the reply has one."""
    tail = []
    if more:
        tail.append(more_list(more, not cards))
    if reply.footer:
        tail.append(footer(reply.command, reply.cards))
    return tail


def cards_within(
    cards: list[Card], markup: Markup, limit: int, join: Callable[[list[str]], str]
) -> str | None:
    """The whole text (`join` of the laid-out cards) at the most generous budget that fits in
    `limit`; with no cards, the text cut to fit; None if even the tersest budget is too long."""
    text = ""
    for budget in budgets_for(len(cards)) if cards else (None,):
        text = join([card_text(card, budget, markup) for card in cards] if budget else [])
        if len(text) <= limit:
            return text
    if not cards:
        return sanitize.truncate(text, limit)
    return None


def fit_reply(reply: Reply, fitting: Callable[[list[Card], list[Card]], str | None]) -> str:
    """The first text `fitting` accepts, moving the last full card into the "more" list
    until one does (`fitting` must accept a reply without full cards)."""
    cards = list(reply.cards)
    more = list(reply.more)
    while True:
        text = fitting(cards, more)
        if text is not None:
            return text
        more.insert(0, cards.pop())
