"""Forum rendering: one BBCode post (XenForo), quoting the post it answers.

Atlas text and quoted member text are neutralised (see `sanitize.bbcode`): an opening
bracket gets a zero-width space, so no text can open a tag; `@name` cannot mention anyone
and bare URLs do not link. Only our own template adds tags. XenForo's default maximum
message length is 25,000 characters (option `messageMaxLength`); replies stay well under.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core import sanitize
from bot.core.card_layout import Markup, cards_within, fit_reply, more_item, tail_parts
from bot.core.cards import Card, Reply, footer_notice

POST_LIMIT = 10_000
QUOTE_CHARS = 300
MORE_TITLE_CHARS = 120
MORE_LIST_CHARS = 3000
SEPARATOR = "\n\n────────\n\n"


@dataclass(frozen=True)
class Quote:
    """The post a reply answers, quoted at its top with a link back to it."""

    author: str
    post_id: str
    member_id: str
    text: str


def render_bbcode(reply: Reply, *, quote: Quote | None = None, limit: int = POST_LIMIT) -> str:
    """The reply as one forum post in BBCode; always within `limit` characters."""
    return fit_reply(reply, lambda cards, more: _fitting(reply, cards, more, quote, limit))


def quote_block(quote: Quote) -> str:
    """`[QUOTE="name, post: id, member: uid"]excerpt[/QUOTE]`, attribute and text made safe."""
    name = "".join(c for c in sanitize.clean_text(quote.author) if c not in '"[],:@')[:50]
    post_id = "".join(c for c in quote.post_id if c.isdigit())
    member_id = "".join(c for c in quote.member_id if c.isdigit())
    excerpt = sanitize.bbcode(quote.text, QUOTE_CHARS)
    return f'[QUOTE="{name or "member"}, post: {post_id}, member: {member_id}"]{excerpt}[/QUOTE]'


def _fitting(
    reply: Reply, cards: list[Card], more: list[Card], quote: Quote | None, limit: int
) -> str | None:
    head = [quote_block(quote)] if quote else []
    if reply.notice:
        head.append(sanitize.bbcode(reply.notice, 500))
    tail = tail_parts(reply, cards, more, _more_list, _footer)

    def join(body: list[str]) -> str:
        parts = ("\n\n".join(head), SEPARATOR.join(body), "\n\n".join(tail))
        return "\n\n".join(part for part in parts if part)

    return cards_within(cards, BBCODE, limit, join)


def _more_list(more: list[Card], numbered: bool) -> str:
    items = [f"[*]{more_item(card, BBCODE, MORE_TITLE_CHARS)}" for card in more]
    kind = "=1" if numbered else ""
    heading = "" if numbered else f"[B]And {len(more)} more:[/B]\n"
    shown: list[str] = []
    for item in items:
        if sum(len(i) + 1 for i in shown) + len(item) > MORE_LIST_CHARS:
            break
        shown.append(item)
    rest = len(items) - len(shown)
    ending = f"\n…and {rest} more in the atlas." if rest else ""
    return f"{heading}[LIST{kind}]\n" + "\n".join(shown) + "\n[/LIST]" + ending


def _footer(command: str, cards: Sequence[Card]) -> str:
    return (
        f"[SIZE=2]{footer_notice(cards)} Opt out: post {command} optout. "
        f"Wrong match? Reply {command} wrong.[/SIZE]"
    )


def _link(title: str, url: str) -> str:
    """`[URL='...']title[/URL]`, the URL's quotes and brackets percent-encoded to stay inside."""
    target = sanitize.link_target(url).replace("'", "%27").replace("[", "%5B").replace("]", "%5D")
    return f"[URL='{target}']{title}[/URL]"


BBCODE = Markup(
    text=sanitize.bbcode,
    meaning=sanitize.bbcode,
    bold=lambda text: f"[B]{text}[/B]",
    italic=lambda text: f"[I]{text}[/I]",
    link=_link,
    line_break="\n",
)
