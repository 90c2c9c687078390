"""How much of each card's text a reply can afford, from generous to terse.

Renderers try each budget in turn and keep the first rendering that fits the platform's
limits; if even the tersest does not fit, cards move to the link-only "and N more" list.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    """Character allowances for one card's parts (before the platform's hard limits)."""

    title: int
    byline: int
    summary: int
    caveat: int
    pem_meaning: bool = True


SINGLE = Budget(title=256, byline=300, summary=1500, caveat=900)
COMPACT_STEPS = (
    Budget(title=256, byline=200, summary=450, caveat=350),
    Budget(title=200, byline=150, summary=280, caveat=220),
    Budget(title=160, byline=120, summary=160, caveat=160, pem_meaning=False),
    Budget(title=110, byline=80, summary=0, caveat=110, pem_meaning=False),
)
SINGLE_STEPS = (SINGLE, *COMPACT_STEPS)


def budgets_for(card_count: int) -> tuple[Budget, ...]:
    """The budgets to try, most generous first: one card gets room, several share it."""
    return SINGLE_STEPS if card_count <= 1 else COMPACT_STEPS
