"""Reddit rendering: one Markdown comment of at most 10,000 characters.

Atlas text is escaped (see sanitize), so a summary cannot open a heading, a table, a quote or
a link; only our own template adds Markdown. Reddit's comment limit:
https://www.reddit.com/r/help/wiki/faqs/ (10,000 characters per comment).
"""

from __future__ import annotations

from bot.core import sanitize
from bot.core.cards import FOOTER_NOTICE, NO_SUMMARY, Card, Reply
from bot.core.layout import Budget, budgets_for

COMMENT_LIMIT = 10_000
MORE_TITLE_CHARS = 120
MORE_LIST_CHARS = 3000
RULE = "\n\n---\n\n"


def render_markdown(reply: Reply) -> str:
    """The reply as one Reddit comment; always within the comment limit."""
    cards = list(reply.cards)
    more = list(reply.more)
    while True:
        text = _fitting(reply, cards, more)
        if text is not None:
            return text
        more.insert(0, cards.pop())


def _fitting(reply: Reply, cards: list[Card], more: list[Card]) -> str | None:
    head = [sanitize.markdown(reply.notice, 500)] if reply.notice else []
    tail = []
    if more:
        tail.append(_more_list(more, numbered=not cards))
    if reply.footer:
        tail.append(_footer(reply.command))
    for budget in budgets_for(len(cards)) if cards else (None,):
        body = [_card(card, budget) for card in cards] if budget else []
        text = RULE.join(part for part in ("\n\n".join(head), *body, "\n\n".join(tail)) if part)
        if len(text) <= COMMENT_LIMIT:
            return text
    if not cards:
        return sanitize.truncate(text, COMMENT_LIMIT)
    return None


def _card(card: Card, budget: Budget) -> str:
    lines: list[str] = []
    lines.extend(f"⛔ **{sanitize.markdown(line, 300)}**" for line in card.warnings)
    title = sanitize.markdown(card.title, budget.title)
    lines.append(f"**[{title}]({sanitize.link_target(card.url)})**")
    if card.byline:
        lines.append(f"*{sanitize.markdown(card.byline, budget.byline)}*")
    if card.summary and budget.summary:
        lines.append(sanitize.markdown(card.summary, budget.summary))
    elif not card.summary:
        lines.append(f"*{NO_SUMMARY}*")
    if card.does_not_prove:
        caveat = sanitize.markdown(card.does_not_prove, budget.caveat)
        lines.append(f"**What this study does not prove:** {caveat}")
    meaning = card.pem_meaning if budget.pem_meaning else None
    badge = f"**{card.pem_line}**"
    badges = [f"{badge}: {sanitize.escape_markdown(meaning)}" if meaning else badge]
    if card.evidence_label:
        badges.append(f"**Evidence:** {sanitize.markdown(card.evidence_label, 100)}")
    if card.confidence_label:
        badges.append(sanitize.markdown(card.confidence_label, 100))
    if card.study_type:
        badges.append(f"**Type:** {sanitize.markdown(card.study_type, 100)}")
    if card.review_status:
        badges.append(f"**Atlas status:** {sanitize.markdown(card.review_status, 100)}")
    lines.append(" · ".join(badges))
    return "\n\n".join(lines)


def _more_list(more: list[Card], *, numbered: bool) -> str:
    items = []
    for number, card in enumerate(more, start=1):
        prefix = "⛔ RETRACTED · " if card.retracted else ""
        title = prefix + sanitize.markdown(card.title, MORE_TITLE_CHARS)
        year = f" ({card.year})" if card.year else ""
        link = f"[{title}]({sanitize.link_target(card.url)}){year}"
        items.append(f"{number}. {link}" if numbered else f"* {link}")
    text = "" if numbered else f"**And {len(more)} more:**\n\n"
    for shown, item in enumerate(items):
        if len(text) + len(item) > MORE_LIST_CHARS:
            return text + f"\n\n…and {len(items) - shown} more in the atlas."
        text += ("\n" if shown else "") + item
    return text


BOT_NOTICE = "I am a bot."  # Reddit's convention: a bot's comment says it is one


def _footer(command: str) -> str:
    return (
        f"^({BOT_NOTICE}) ^({FOOTER_NOTICE}) ^(Opt out: reply {command} optout.) "
        f"^(Wrong match? Reply {command} wrong.)"
    )
