"""The version of a card: a content hash of the fields a card shows, and what changed.

A posted card records, per study, the version it showed and those fields; the refresh pass
compares them with the current card to decide whether to edit, and to say what changed.
The fingerprint covers every entry field a card shows (its byline and badges too), so no
change a reader could see leaves a card stale. Cards posted before a field joined the
fingerprint recorded fewer fields: only the fields a card recorded are compared (`differs`),
so widening the fingerprint never edits every posted card at once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping

from bot.core.cards import Card, Reply
from records.posted_cards import Layout, Shown

# The fields a card shows that a curator or the literature can change.
VERSIONED = (
    "title",
    "summary",
    "does_not_prove",
    "pem",
    "evidence_level",
    "review_status",
    "retracted",
    "notice",
    # Shown in the byline and the badges (issue 26: a change there left the card stale).
    "authors",
    "journal",
    "year",
    "study_type",
    "confidence",
)
# How the dated line names a change of each field ("the atlas revised its summary").
_CHANGE_WORDS = {
    "title": "the atlas revised its title",
    "summary": "the atlas revised its summary",
    "does_not_prove": "the atlas revised what it does not prove",
    "pem": "the atlas changed its PEM badge",
    "evidence_level": "the atlas changed its evidence level",
    "review_status": "the atlas changed its review status",
    "notice": "a notice about the paper was published",
    "authors": "the atlas revised its authors",
    "journal": "the atlas revised its journal",
    "year": "the atlas revised its year",
    "study_type": "the atlas changed its study type",
    "confidence": "the atlas changed its confidence",
}


def card_fields(card: Card) -> dict[str, object]:
    """The versioned fields of a card, as stored with a posted card."""
    return {name: getattr(card, name) for name in VERSIONED}


def card_shown(card: Card) -> Shown:
    """The version of a card (a hash of its versioned fields) with those fields."""
    fields = card_fields(card)
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    return Shown(version=digest[:16], fields=fields)


def differs(before: Shown, now: Shown) -> bool:
    """Whether a card showing `before` is out of date now: a field it recorded changed.

    Fields it did not record (it was posted before they joined the fingerprint) are not
    compared: their value then is unknown, and the card is brought up to date, all fields
    recorded, at its next edit.
    """
    if before.version == now.version:
        return False
    return any(now.fields.get(name) != value for name, value in before.fields.items())


def reply_layout(reply: Reply) -> Layout:
    """How a reply lays out its studies, to lay the refreshed cards out the same way."""
    return Layout(
        cards=tuple(c.entry_id for c in reply.cards),
        more=tuple(c.entry_id for c in reply.more),
        notice=reply.notice,
        footer=reply.footer,
    )


def reply_shown(reply: Reply) -> dict[str, Shown]:
    """The version of every study a reply shows."""
    return {c.entry_id: card_shown(c) for c in (*reply.cards, *reply.more)}


def changes(before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    """What changed between two versions, in words, the most serious first."""
    said: list[str] = []
    if after.get("retracted") and not before.get("retracted"):
        said.append("the paper was retracted")
    elif before.get("retracted") and not after.get("retracted"):
        said.append("the atlas no longer marks the paper retracted")
    for name, words in _CHANGE_WORDS.items():
        if name not in before or before.get(name) == after.get(name):
            continue
        if name == "notice" and (after.get("retracted") or not after.get("notice")):
            continue  # the retraction says it; a notice withdrawn is not news to readers
        said.append(words)
    return said
