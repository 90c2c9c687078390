"""Discord rendering: one embed per card plus message content, inside every Discord limit.

Embeds are plain dicts in the shape of `discord.Embed.to_dict()` (the adapter turns them
into embeds with `discord.Embed.from_dict`), so this module imports no discord.py and the
command line can print the payload as JSON; importing it registers the rendering `discord`
with the core (`bot.core.rendering`).
Limits: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.core import sanitize
from bot.core.card_layout import summary_lines
from bot.core.cards import Card, Reply, footer_text
from bot.core.layout import Budget, budgets_for
from bot.core.render_markdown import MARKDOWN
from bot.core.rendering import register

TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FIELD_COUNT_LIMIT = 25
FOOTER_LIMIT = 2048
AUTHOR_NAME_LIMIT = 256
TOTAL_LIMIT = 6000
EMBED_COUNT_LIMIT = 10
CONTENT_LIMIT = 2000
MORE_TITLE_CHARS = 90
RETRACTED_PREFIX = "⛔ RETRACTED · "
# Under the field name "PEM badge" this reads "PEM badge: not recorded by the atlas".
PEM_NOT_RECORDED_VALUE = "*not recorded by the atlas*"

COLOR_RETRACTED = 0xC0392B
COLOR_BY_LEVEL = {"E0": 0x1E8449, "E1": 0x27AE60, "E2": 0x2E86C1, "E3": 0xD68910, "E4": 0x909497}
COLOR_DEFAULT = 0x5D6D7E


@dataclass(frozen=True)
class DiscordMessage:
    """What the adapter sends: `content` (may be empty) and embed dicts."""

    content: str
    embeds: list[dict[str, Any]] = field(default_factory=list)


def embed_length(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6,000 total of one embed."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", []):
        total += len(item["name"]) + len(item["value"])
    return total


def render_discord(reply: Reply) -> DiscordMessage:
    """The reply as Discord content and embeds; always within Discord's limits."""
    cards = list(reply.cards[:EMBED_COUNT_LIMIT])
    more = list(reply.cards[EMBED_COUNT_LIMIT:]) + list(reply.more)
    footer = (
        sanitize.plain(footer_text(reply.command, reply.cards), FOOTER_LIMIT)
        if reply.footer
        else ""
    )
    while True:
        embeds = _fitting_embeds(cards, footer)
        if embeds is not None:
            break
        # Even the tersest budget is too long: the last card becomes a link.
        more.insert(0, cards.pop())
    content = _content(reply, more, has_cards=bool(cards))
    if not embeds and footer:
        content = sanitize.truncate(f"{content}\n-# {footer}".strip(), CONTENT_LIMIT)
    return DiscordMessage(content=content, embeds=embeds)


def _fitting_embeds(cards: list[Card], footer: str) -> list[dict[str, Any]] | None:
    if not cards:
        return []
    for budget in budgets_for(len(cards)):
        embeds = [_embed(card, budget) for card in cards]
        if footer:
            embeds[-1]["footer"] = {"text": footer}
        if sum(embed_length(e) for e in embeds) <= TOTAL_LIMIT:
            return embeds
    return None


def _embed(card: Card, budget: Budget) -> dict[str, Any]:
    prefix = RETRACTED_PREFIX if card.retracted else ""
    # Escapes in embed titles would show as written (`\(R\)`): plain text, with mentions
    # defused, links defanged and masked-link syntax broken.
    title = prefix + sanitize.embed_title(card.title, min(budget.title, TITLE_LIMIT) - len(prefix))
    embed: dict[str, Any] = {
        "type": "rich",
        "title": title,
        "url": card.url,
        "color": _color(card),
        "description": _description(card, budget),
    }
    fields = _fields(card, budget)
    if fields:
        embed["fields"] = fields[:FIELD_COUNT_LIMIT]
    return embed


def _description(card: Card, budget: Budget) -> str:
    parts: list[str] = []
    parts.extend(f"**⛔ {sanitize.markdown(line, 300)}**" for line in card.warnings)
    parts.extend(summary_lines(card, budget, MARKDOWN))
    return sanitize.truncate("\n\n".join(parts), DESCRIPTION_LIMIT)


def _fields(card: Card, budget: Budget) -> list[dict[str, Any]]:
    fields: list[dict[str, Any]] = []
    if card.does_not_prove:
        value = sanitize.markdown(card.does_not_prove, min(budget.caveat, FIELD_VALUE_LIMIT))
        fields.append({"name": "What this study does not prove", "value": value, "inline": False})
    value = f"**{card.pem_label}**" if card.pem_label else PEM_NOT_RECORDED_VALUE
    if budget.pem_meaning and card.pem_meaning:
        value += f": {sanitize.escape_markdown(card.pem_meaning)}"
    fields.append({"name": "PEM badge", "value": value, "inline": False})
    short = (
        ("Evidence level", card.evidence_label),
        ("Confidence", card.confidence),
        ("Study type", card.study_type),
        ("Atlas status", card.review_status),
    )
    for name, text in short:
        if text:
            fields.append({"name": name, "value": sanitize.markdown(text, 100), "inline": True})
    return fields


def _color(card: Card) -> int:
    if card.retracted:
        return COLOR_RETRACTED
    return COLOR_BY_LEVEL.get(card.evidence_level or "", COLOR_DEFAULT)


def _content(reply: Reply, more: list[Card], *, has_cards: bool) -> str:
    lines: list[str] = []
    if reply.notice:
        lines.append(sanitize.markdown(reply.notice, 500))
    if more:
        lines.append(_more_list(more, numbered=not has_cards, room=CONTENT_LIMIT - 600))
    return sanitize.truncate("\n".join(lines), CONTENT_LIMIT)


def _more_list(more: list[Card], *, numbered: bool, room: int) -> str:
    """`And 4 more: [Title](<url>), ...` or, without full cards, a numbered list of choices."""
    items = []
    for number, card in enumerate(more, start=1):
        prefix = RETRACTED_PREFIX if card.retracted else ""
        title = prefix + sanitize.markdown(card.title, MORE_TITLE_CHARS)
        link = f"[{title}](<{card.url}>)"
        year = f" ({card.year})" if card.year else ""
        items.append(f"{number}. {link}{year}" if numbered else f"{link}{year}")
    head = "" if numbered else f"And {len(more)} more: "
    separator = "\n" if numbered else " · "
    text = head
    for shown, item in enumerate(items):
        candidate = text + (separator if shown else "") + item
        if len(candidate) > room:
            return text + f"{separator}…and {len(items) - shown} more"
        text = candidate
    return text


register("discord", render_discord)
