"""Assembling what the index found into Matches: one per study, citation blocks merged,
competing titles settled."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from records.models import AtlasEntry, Match, Reference, RefKind


@dataclass(frozen=True)
class Found:
    """A reference and what it resolved to, before it becomes a Match."""

    reference: Reference
    entry: AtlasEntry | None
    score: float
    rule: str
    also: tuple[Reference, ...] = ()  # other identifiers given for the same study
    signals: tuple[str, ...] = ()  # what decided a scored match (author mentions)


# What may stand between identifiers of one citation: punctuation, labels, "free full text".
_BLOCK_KINDS = frozenset({RefKind.DOI, RefKind.PMID, RefKind.PMCID})
_CITATION_GAP = re.compile(
    r"[\s.,;:()\[\]|/*_–—-]*(?:(?:doi|pmcid|pmc|free\s+(?:full\s+)?text|full\s+text|"
    r"pubmed|europe\s*pmc|available\s+at)[\s.,;:()\[\]|/*_–—-]*)*",
    re.IGNORECASE,
)


def overruled_by_identifiers(
    citations: list[Found], identified: list[Found], text: str
) -> list[Found]:
    """Author-year matches, less those that an identifier written right beside them contradicts.

    "Walitt et al. 2024 (doi:10.1000/other)" names the paper by its DOI: if that DOI is not
    the atlas entry the name and year suggested, the name and year were about another paper.
    """
    if not identified:
        return citations
    ordered = sorted(identified, key=lambda f: f.reference.start)
    starts = [f.reference.start for f in ordered]
    kept = []
    for citation in citations:
        reference = citation.reference
        index = bisect_left(starts, reference.end)
        neighbours = ordered[max(0, index - 1) : index + 1]
        contradicted = any(
            _beside(reference, other.reference, text)
            and (
                other.entry is None or citation.entry is None or other.entry.id != citation.entry.id
            )
            for other in neighbours
        )
        if not contradicted:
            kept.append(citation)
    return kept


def _beside(first: Reference, second: Reference, text: str) -> bool:
    """Whether two spans are separated only by brackets, punctuation or a label ("doi:")."""
    left, right = (first, second) if first.start <= second.start else (second, first)
    gap = text[left.end : right.start]
    return left.end <= right.start and len(gap) <= 12 and bool(_CITATION_GAP.fullmatch(gap))


def drop_overlapping_titles(found: list[Found]) -> list[Found]:
    """Where titles claim the same words, keep the best; on a tie for best keep none of them.

    Two entries with one title (a duplicate, an erratum) cannot be told apart by the words
    alone, and a weaker title inside the same words must not win by default.
    """
    kept: list[Found] = []
    contested: list[Found] = []
    for item in sorted(found, key=lambda f: -f.score):

        def overlaps(other: Found, item: Found = item) -> bool:
            return other.reference.start < item.reference.end and (
                item.reference.start < other.reference.end
            )

        clash = [k for k in kept if overlaps(k)]
        if any(overlaps(c) for c in contested):
            continue
        if not clash:
            kept.append(item)
        elif any(k.score == item.score for k in clash):
            kept = [k for k in kept if k not in clash]
            contested += [*clash, item]
    return kept


def one_per_study(found: list[Found]) -> list[Match]:
    seen: set[str] = set()
    matches = []
    for item in sorted(found, key=lambda f: (f.reference.start, -f.score)):
        key = f"entry:{item.entry.id}" if item.entry else item.reference.key
        if key in seen:
            continue
        seen.add(key)
        matches.append(to_match(item))
    return matches


def merge_citation_blocks(found: list[Found], text: str) -> list[Found]:
    """Identifiers of different kinds written side by side name one study.

    "doi:10.7326/M18-1451. PMID: 30934066" is one paper, whether or not the atlas knows
    it (and whether or not the atlas record lists both). Two different atlas entries in one
    block are left apart: the block was a list, not one citation.
    """
    merged: list[Found] = []
    for item in sorted(found, key=lambda f: f.reference.start):
        previous = merged[-1] if merged else None
        if previous is None or not _same_citation(previous, item, text):
            merged.append(item)
            continue
        if previous.entry is not None and item.entry is not None:
            if previous.entry.id != item.entry.id:
                merged.append(item)
            continue  # the same entry twice: the later one adds nothing
        if _contradicts(previous, item):
            merged.append(item)
            continue
        keeper = previous if previous.entry is not None or item.entry is None else item
        merged[-1] = Found(
            previous.reference if keeper is previous else item.reference,
            keeper.entry,
            keeper.score,
            keeper.rule,
            (*previous.also, *([item.reference] if keeper is previous else [previous.reference])),
        )
    return merged


def _contradicts(block: Found, item: Found) -> bool:
    """An atlas entry next to an identifier of a kind it already has, with another value."""
    for matched, other in ((block, item), (item, block)):
        if matched.entry is not None and other.entry is None:
            references = (other.reference, *other.also)
            fields = {
                RefKind.DOI: matched.entry.doi,
                RefKind.PMID: matched.entry.pmid,
                RefKind.PMCID: matched.entry.pmcid,
            }
            return any(fields.get(r.kind) not in (None, r.value) for r in references)
    return False


def _same_citation(block: Found, item: Found, text: str) -> bool:
    kinds = {block.reference.kind, *(r.kind for r in block.also)}
    if item.reference.kind in kinds or not kinds <= _BLOCK_KINDS:
        return False
    last_end = max([block.reference.end, *(r.end for r in block.also)])
    gap = text[last_end : item.reference.start]
    return len(gap) <= 40 and bool(_CITATION_GAP.fullmatch(gap))


def to_match(item: Found) -> Match:
    entry, reference = item.entry, item.reference
    if entry is not None:
        doi, pmid, pmcid = entry.doi, entry.pmid, entry.pmcid
    else:
        given = {r.kind: r.value for r in (*item.also, reference)}
        doi, pmid = given.get(RefKind.DOI), given.get(RefKind.PMID)
        pmcid = given.get(RefKind.PMCID)
    return Match(
        reference=reference,
        entry=entry,
        score=item.score,
        rule=item.rule,
        signals=item.signals,
        doi=doi,
        pmid=pmid,
        pmcid=pmcid,
    )
