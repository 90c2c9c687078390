"""What curators see: the papers a text cites that the atlas lacks, one key per paper.

The live bots and `scan` both log exactly `papers_to_log(index, text, matches)`, so the same
text gives the same unmatched keys wherever it was written. One paper, one key: its
identifier when the post gives one (DOI, PMID, PMCID, publisher id), else its first author
and year (`author_year:smith 2021`). An author-year citation written on the same line as an
identifier ("Smith et al. 2021 (doi:10.1186/…)", a reference-list line) is that identifier's
paper and adds no key of its own. An unknown atlas slug means our copy of the atlas is stale,
not that a paper is missing, so it is not logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol

from records.models import Match, Reference, RefKind

LOGGED_KINDS = frozenset(
    {RefKind.DOI, RefKind.PMID, RefKind.PMCID, RefKind.PUBLISHER_ID, RefKind.AUTHOR_YEAR}
)
_IDENTIFIER_KINDS = LOGGED_KINDS - {RefKind.AUTHOR_YEAR}
# How far apart on one line an author-year citation and an identifier may stand and still be
# one citation: a reference-list line puts the title and journal between them.
_SAME_CITATION_CHARS = 300


class CitationIndex(Protocol):
    """What the rule needs from the atlas index (linker.AtlasIndex)."""

    def unmatched_citations(self, text: str, matches: Iterable[Match] = ()) -> list[Match]:
        """Strong author-year citations that fit no atlas entry."""
        ...


def papers_to_log(index: CitationIndex, text: str, matches: Sequence[Match]) -> list[Match]:
    """The unmatched papers of `text` (given its `matches`), one Match per log key, in order."""
    logged = [m for m in matches if m.entry is None and m.reference.kind in _IDENTIFIER_KINDS]
    identifiers = [m.reference for m in matches if m.reference.kind in _IDENTIFIER_KINDS]
    seen = {m.reference.key for m in logged}
    citations = index.unmatched_citations(text, matches)
    starts = sorted(
        [c.reference.start for c in citations]
        + [m.reference.start for m in matches if m.reference.kind is RefKind.AUTHOR_YEAR]
    )
    for citation in citations:
        reference = citation.reference
        if reference.key in seen or any(
            _one_citation(reference, other, text, starts) for other in identifiers
        ):
            continue
        seen.add(reference.key)
        logged.append(citation)
    return sorted(logged, key=lambda m: (m.reference.start, m.reference.end))


def _one_citation(
    citation: Reference, identifier: Reference, text: str, citation_starts: list[int]
) -> bool:
    """Whether a citation and an identifier are written together on one line, with no other
    author-year citation between them ("Smith 2021 and Jones 2020 (doi:…)": Jones's DOI)."""
    first, second = sorted((citation, identifier), key=lambda r: r.start)
    if first.end > second.start:
        return True
    gap = text[first.end : second.start]
    if len(gap) > _SAME_CITATION_CHARS or "\n" in gap:
        return False
    return not any(first.end <= start < second.start for start in citation_starts)
