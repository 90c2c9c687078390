"""The reply card: what one atlas study looks like in a reply, on every platform.

A `Card` holds raw (unsanitised) atlas text; each renderer neutralises and fits it to its own
platform. `Reply` groups the cards of one answer: the full cards, the studies beyond the cap
that get only a link, and what the footer needs to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from records.models import AtlasEntry, Match
from records.retractions import EntryFlag

AUTHORS_SHOWN = 3

PEM_LABELS: dict[str, str] = {
    "required": "PEM required",
    "not_required": "PEM not required",
    "unclear": "PEM unclear",
}
# Our own one-line wording of the badge's meaning (docs/atlas-format.md, "The PEM badge").
PEM_MEANINGS: dict[str, str] = {
    "required": (
        "post-exertional malaise was a required inclusion criterion (e.g. CCC, ICC or IOM), "
        "which does not mean PEM itself was studied"
    ),
    "not_required": (
        "participants could be included without post-exertional malaise (e.g. Fukuda or "
        "Oxford criteria), so some may not have ME/CFS as defined today"
    ),
    "unclear": "the paper does not make clear whether post-exertional malaise was required",
}
EVIDENCE_LEVELS: dict[str, str] = {
    "E0": "Consensus",
    "E1": "Replicated",
    "E2": "Moderate",
    "E3": "Preliminary",
    "E4": "Very preliminary",
}
# Said instead of leaving a gap a reader could fill with an assumption (issue 18).
PEM_NOT_RECORDED = "PEM badge: not recorded by the atlas"
NO_SUMMARY = "The atlas has no summary of this study yet."
DO_NOT_RELY = "Do not rely on its findings."
RETRACTED_WARNING = f"RETRACTED: this paper has been retracted. {DO_NOT_RELY}"


@dataclass(frozen=True)
class Card:
    """One study as a reply shows it. Text fields are raw atlas text, not yet sanitised."""

    entry_id: str
    title: str
    url: str
    authors: str | None = None
    journal: str | None = None
    year: int | None = None
    summary: str | None = None
    does_not_prove: str | None = None
    pem: str | None = None
    evidence_level: str | None = None
    study_type: str | None = None
    review_status: str | None = None
    confidence: str | None = None
    retracted: bool = False
    notice: str | None = None
    doi: str | None = None
    cited_as: str | None = None

    @property
    def warnings(self) -> list[str]:
        """Warning lines to show before anything else: the retraction, or another notice.

        `notice` is the enricher's one-line description of a retraction, withdrawal,
        expression of concern or correction notice.
        """
        if self.retracted and self.notice:
            return [f"RETRACTED: this paper has been retracted ({self.notice}). {DO_NOT_RELY}"]
        if self.retracted:
            return [RETRACTED_WARNING]
        return [f"{self.notice}."] if self.notice else []

    @property
    def pem_label(self) -> str | None:
        """`PEM required`, `PEM not required`, `PEM unclear`, or None when the atlas is silent."""
        return PEM_LABELS.get(self.pem or "")

    @property
    def pem_meaning(self) -> str | None:
        """One line saying what the PEM badge means for this study."""
        return PEM_MEANINGS.get(self.pem or "")

    @property
    def pem_line(self) -> str:
        """`PEM required` (the badge) or, when the atlas records none, says so."""
        return self.pem_label or PEM_NOT_RECORDED

    @property
    def confidence_label(self) -> str | None:
        """`Moderate confidence` as the atlas writes it; a bare word gets its meaning."""
        if not self.confidence:
            return None
        if "confidence" in self.confidence.lower():
            return self.confidence
        return f"Confidence: {self.confidence}"

    @property
    def reviewed(self) -> bool:
        """The atlas marks the entry reviewed (not a machine draft)."""
        return (self.review_status or "").strip().lower() == "reviewed"

    @property
    def unfinished(self) -> bool:
        """The atlas has neither a summary nor a "does not prove" caveat for this study."""
        return not self.summary and not self.does_not_prove

    @property
    def evidence_label(self) -> str | None:
        """`E2 Moderate`, or None when the entry has no evidence level."""
        if not self.evidence_level:
            return None
        name = EVIDENCE_LEVELS.get(self.evidence_level)
        return f"{self.evidence_level} {name}" if name else self.evidence_level

    @property
    def byline(self) -> str:
        """`Lee, Sato, Son · Autoimmunity reviews · 2024` (the parts the entry has)."""
        parts = [
            p for p in (self.authors, self.journal, str(self.year) if self.year else None) if p
        ]
        return " · ".join(parts)

    @property
    def badges(self) -> list[str]:
        """Short badge labels in display order: PEM, evidence level, study type."""
        return [b for b in (self.pem_label, self.evidence_label, self.study_type) if b]


def is_unfinished(entry: AtlasEntry) -> bool:
    """An entry with neither a summary nor a caveat: answered when asked, never carded
    automatically (a title and a link alone would say nothing a reader can weigh)."""
    return not entry.summary and not entry.does_not_prove


def atlas_url(base_url: str, entry_id: str) -> str:
    """The study's atlas page: `<base_url>/evidence/<slug>`."""
    return f"{str(base_url).rstrip('/')}/evidence/{entry_id}"


def authors_line(authors: Sequence[str], shown: int = AUTHORS_SHOWN) -> str | None:
    """`Lee, Sato, Son` or `Meeus, Nijs, Hermans et al.`: surnames of the first authors."""
    surnames = [a.split(",")[0].strip() for a in authors if a.split(",")[0].strip()]
    if not surnames:
        return None
    line = ", ".join(surnames[:shown])
    return f"{line} et al." if len(surnames) > shown else line


def card_from_entry(
    entry: AtlasEntry,
    base_url: str,
    match: Match | None = None,
    flag: EntryFlag | None = None,
) -> Card:
    """Build the card for `entry`.

    `match` (when given) records how the post cited it; `flag` is the most serious notice the
    enricher found (records.retractions), which marks the card retracted even when the atlas
    page does not.
    """
    return Card(
        entry_id=entry.id,
        title=entry.title,
        url=atlas_url(base_url, entry.id),
        authors=authors_line(entry.authors),
        journal=entry.journal,
        year=entry.year,
        summary=entry.summary,
        does_not_prove=entry.does_not_prove,
        pem=entry.pem,
        evidence_level=entry.evidence_level,
        study_type=entry.study_type,
        review_status=entry.review_status,
        confidence=entry.confidence,
        retracted=entry.retracted or bool(flag and flag.is_retraction),
        notice=_notice(flag),
        doi=entry.doi,
        cited_as=match.reference.text if match else None,
    )


def _notice(flag: EntryFlag | None) -> str | None:
    """`notice doi 10.1/x, 2021-03-04` for a retraction; the flag's own line otherwise."""
    if flag is None:
        return None
    if not flag.is_retraction:
        return flag.warning
    details = [f"doi {flag.notice_doi}" if flag.notice_doi else None, flag.notice_date]
    shown = ", ".join(d for d in details if d)
    word = "withdrawal" if flag.kind == "withdrawal" else "retraction"
    return f"{word} notice: {shown}" if shown else None


@dataclass(frozen=True)
class Reply:
    """One answer: an optional notice, full cards up to the cap, link-only `more`, the footer.

    `notice` is a sentence shown first (it may quote user text, so renderers sanitise it).
    With no full cards, `more` is shown as a numbered list of choices (a lookup that fits
    several studies).

    `command` is how members reach the bot on this platform (e.g. `!evidence`), used in the
    footer's opt-out and wrong-match hints.
    """

    cards: tuple[Card, ...]
    more: tuple[Card, ...] = ()
    command: str = "!evidence"
    footer: bool = True
    notice: str | None = field(default=None)

    @property
    def compact(self) -> bool:
        """Several cards share one reply, so each is shortened."""
        return len(self.cards) > 1

    @classmethod
    def from_cards(
        cls, cards: Sequence[Card], *, max_cards: int, command: str = "!evidence"
    ) -> Reply:
        """Split `cards` at the cap: the first `max_cards` in full, the rest as links.

        Retracted studies are moved to the front so the warning is never hidden among the
        link-only extras.
        """
        ordered = sorted(cards, key=lambda c: not c.retracted)
        return cls(
            cards=tuple(ordered[:max_cards]), more=tuple(ordered[max_cards:]), command=command
        )


FOOTER_NOTICE = "Automated reply. Atlas summaries are machine-generated and not medical advice."


def footer_notice(cards: Sequence[Card]) -> str:
    """What the footer says of the summaries shown: machine-generated unless the atlas marks
    a card's entry reviewed (then saying "machine-generated" would be untrue)."""
    reviewed = sum(card.reviewed for card in cards)
    if cards and reviewed == len(cards):
        these = "this summary" if len(cards) == 1 else "these summaries"
        return f"Automated reply. The atlas marks {these} reviewed; not medical advice."
    if reviewed:
        return (
            "Automated reply. Atlas summaries are machine-generated unless marked Reviewed, "
            "and not medical advice."
        )
    return FOOTER_NOTICE


def footer_text(command: str, cards: Sequence[Card] = ()) -> str:
    """The footer in plain text: automated, not advice, how to opt out or report."""
    notice = footer_notice(cards)
    return f"{notice} Opt out: {command} optout · Wrong match? Reply {command} wrong"


def evidence_facts(card: Card) -> list[tuple[str, str]]:
    """The badge row after the PEM line as (label, value) pairs, one wording for every
    renderer: `Evidence: E2 Moderate · Moderate confidence · Type: RCT · Atlas status: …`
    (the confidence badge reads on its own, its label is empty)."""
    facts = [
        ("Evidence:", card.evidence_label),
        ("", card.confidence_label),
        ("Type:", card.study_type),
        ("Atlas status:", card.review_status),
    ]
    return [(label, value) for label, value in facts if value]
