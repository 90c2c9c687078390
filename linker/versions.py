"""Telling apart studies whose titles the post cannot: a preprint and its published version.

A link preview or a poster cuts a title short ("Skeletal muscle mitochondrial dysfunction
after exertion in long…"), and a preprint often shares its first words, or all of them, with
the published paper. What else the post says decides: the venue (`medRxiv`, `Nature
Communications`, `Nat Commun`) or the year. When nothing in the post favours one version,
no card is better than a wrong one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby

from linker.found import Found
from linker.textnorm import tokens
from records.models import AtlasEntry

# Words left out of journal abbreviations (ISO 4 drops articles, conjunctions, prepositions).
_JOURNAL_STOP_WORDS = frozenset({"the", "of", "and", "for", "in", "on", "a", "an", "de", "und"})
_ABBREVIATION_MIN = 3
# Kept titles a new one is compared with for containment: bounds the work on a post that pastes
# a whole reference list (titles containing each other are rare; a few suffice).
_CONTAINMENT_WINDOW = 64  # "Nat", "Commun", "Med": shorter prefixes say nothing


def choose_version(
    candidates: Sequence[AtlasEntry], text: str, words: list[str] | None = None
) -> AtlasEntry | None:
    """The one candidate the post's venue or year points to, or None when none stands out.

    `words` are `tokens(text)` when the caller has them already.
    """
    if len(candidates) == 1:
        return candidates[0]
    if words is None:
        words = tokens(text)
    scored = sorted(
        ((_evidence(entry, text, words), index) for index, entry in enumerate(candidates)),
        reverse=True,
    )
    (best, chosen), (runner_up, _) = scored[0], scored[1]
    return candidates[chosen] if best > runner_up else None


def _evidence(entry: AtlasEntry, text: str, words: list[str]) -> int:
    """How strongly the post names this version: its venue counts more than its year."""
    score = 0
    if entry.journal and _names_journal(entry.journal, text, words):
        score += 2
    if entry.year and re.search(rf"(?<!\d){entry.year}(?!\d)", text):
        score += 1
    return score


def _names_journal(journal: str, text: str, words: list[str]) -> bool:
    """Whether the post names the journal in full or abbreviated ("Nat Commun")."""
    wanted = [w for w in tokens(journal) if w not in _JOURNAL_STOP_WORDS]
    if not wanted:
        return False
    if len(wanted) == 1:
        # One-word journals ("Cell", "Brain", "medRxiv") are ordinary words too: only the
        # name as written (capitalised, or a preprint server's lower-case name) counts.
        name = journal.strip()
        return bool(re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text)) or (
            name.lower().endswith("rxiv") and wanted[0] in words
        )
    words = [w for w in words if w not in _JOURNAL_STOP_WORDS]
    size = len(wanted)
    for start in range(len(words) - size + 1):
        window = words[start : start + size]
        if all(_abbreviates(written, full) for written, full in zip(window, wanted, strict=True)):
            return True
    return False


def _abbreviates(written: str, full: str) -> bool:
    return written == full or (len(written) >= _ABBREVIATION_MIN and full.startswith(written))


def settle_titles(found: list[tuple[Found, tuple[AtlasEntry, ...]]], text: str) -> list[Found]:
    """Titles found in a post, with those that compete for the same words settled.

    Each item carries the entries its title words could equally belong to (a cut title
    shared by several versions; one entry when the words are its own). A longer title that
    contains a shorter one wins ("… in long COVID: a longitudinal case-control study" is the
    preprint, not the published "… in long COVID"); titles over the same words are told
    apart by venue and year, else dropped.
    """
    kept: list[Found] = []
    words: list[str] | None = None
    for item, owners in found:
        if item.entry is None:
            continue
        if len(owners) > 1:
            words = tokens(text) if words is None else words
            chosen = choose_version(owners, text, words)
            if chosen is None or chosen.id != item.entry.id:
                continue
        kept.append(item)
    kept = _drop_contained(kept)
    return _choose_among_equals(kept, text, words)


def _drop_contained(found: list[Found]) -> list[Found]:
    """Drop a title whose span lies strictly inside another's (same entry or not), and
    repeats of one entry over the same span. One sweep in start order, so a post that pastes
    a whole reference list costs no more than sorting its titles."""
    best: dict[tuple[str, int, int], Found] = {}
    for item in found:
        assert item.entry is not None
        key = (item.entry.id, item.reference.start, item.reference.end)
        if key not in best or item.score > best[key].score:
            best[key] = item
    spans = groupby(
        sorted(best.values(), key=lambda f: (f.reference.start, -f.reference.end)),
        key=lambda f: (f.reference.start, f.reference.end),
    )
    kept: list[Found] = []
    reach = -1  # the furthest end of any earlier, different span
    for (_, end), group in spans:
        if end > reach:
            kept += group
        reach = max(reach, end)
    return kept


def _choose_among_equals(found: list[Found], text: str, words: list[str] | None) -> list[Found]:
    """Titles of different entries over exactly the same words with the same score: the
    version the post names wins; with no such sign they are left to cancel out."""
    groups: dict[tuple[int, int, float], list[Found]] = {}
    for item in found:
        groups.setdefault((item.reference.start, item.reference.end, item.score), []).append(item)
    kept = []
    for group in groups.values():
        if len(group) == 1:
            kept += group
            continue
        entries = [item.entry for item in group if item.entry is not None]
        words = tokens(text) if words is None else words
        chosen = choose_version(entries, text, words)
        kept += [item for item in group if chosen is not None and item.entry is chosen]
        if chosen is None:
            kept += group  # drop_overlapping_titles drops ties, as before
    return kept
