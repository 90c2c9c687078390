"""Small adapter-side helpers for what the core does not offer (yet).

`cards_for_post`: every atlas study a message cites, as cards, without the reply policy
(already answered, cooldown), for the private "Check evidence" answer that records nothing.
`with_inherited_place`: threads and forum posts follow their parent channel's settings.
"""

from __future__ import annotations

from bot.core.render_discord import DiscordMessage, render_discord
from bot.core.service import EvidenceService
from records.models import Match, Post
from records.places import get_place_settings


def cards_for_post(service: EvidenceService, post: Post) -> tuple[DiscordMessage, tuple[str, ...]]:
    """The rendered cards of every study `post` cites, and their entry ids.

    `evaluate` runs too (as a summons) so unmatched papers are logged as usual.
    """
    outcome = service.evaluate(post, summoned=True)
    first: dict[str, Match] = {}
    for match in outcome.matches:
        if match.entry is not None:
            first.setdefault(match.entry.id, match)
    cards = [service.card(match.entry, match) for match in first.values() if match.entry]
    reply = service.reply_for(post.platform, cards)
    shown = tuple(card.entry_id for card in (*reply.cards, *reply.more))
    return render_discord(reply), shown


def with_inherited_place(service: EvidenceService, post: Post) -> Post:
    """A thread without settings of its own follows its parent channel's settings.

    So `evidence off` in a channel also quiets the threads under it, while a thread can
    still be switched on its own. (The core looks settings up by `post.place` only.)
    """
    if post.parent_id is None:
        return post
    if get_place_settings(service.db, post.platform, post.place) is not None:
        return post
    if get_place_settings(service.db, post.platform, post.parent_id) is None:
        return post
    return post.model_copy(update={"place": post.parent_id})
