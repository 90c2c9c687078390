"""Ranking atlas titles for a free-text lookup ("deep phenotyping nih").

Candidates come from rapidfuzz's C scorers over every title (fast enough for an interactive
command even with 100,000 entries), then are re-ranked by how many of the query's telling
words each title holds: rare words ("rituximab") count for more than common ones ("study"),
and a misspelt word still counts.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from linker.textnorm import normalize_title

_POOL = 50
_MIN_COVERAGE = 50.0
# The scorers cost time in proportion to query length × atlas size. The longest atlas titles
# run to about 300 characters, so words past this many say nothing about which title is meant.
MAX_QUERY_CHARS = 400


class TitleSearch:
    """Search strings (folded title, first author, year) for every entry, by entry number."""

    def __init__(self, choices: Sequence[str], word_frequency: Counter[str]) -> None:
        self._choices = list(choices)
        self._frequency = word_frequency

    def rank(self, query: str, limit: int) -> list[tuple[int, float]]:
        """(entry number, score 0–100) of the best candidates, best first."""
        folded = _cut_at_word(normalize_title(query[: 4 * MAX_QUERY_CHARS]), MAX_QUERY_CHARS)
        if not folded:
            return []
        pool = {
            number
            for scorer in (fuzz.token_set_ratio, fuzz.WRatio)
            for _, _, number in process.extract(
                folded, self._choices, scorer=scorer, limit=_POOL, score_cutoff=50
            )
        }
        words = folded.split(" ")
        weights = [self._rarity(word) for word in words]
        ranked = []
        for number in pool:
            choice_words = self._choices[number].split(" ")
            covered = sum(
                weight
                for word, weight in zip(words, weights, strict=True)
                if word in choice_words or _misspelt_in(word, choice_words)
            )
            coverage = 100 * covered / sum(weights)
            if coverage >= _MIN_COVERAGE:
                score = 0.7 * coverage + 0.3 * fuzz.WRatio(folded, self._choices[number])
                ranked.append((number, round(score, 1)))
        ranked.sort(key=lambda item: (-item[1], item[0]))
        return ranked[:limit]

    def _rarity(self, word: str) -> float:
        """Inverse document frequency of a title word (unknown words count as rare)."""
        return math.log((len(self._choices) + 1) / (self._frequency[word] + 1)) + 0.1


def _cut_at_word(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, at the end of a word."""
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    return cut[: cut.rfind(" ")] if " " in cut else cut[:limit]


def _misspelt_in(word: str, words: list[str]) -> bool:
    if len(word) < 5:
        return False
    return any(OSA.distance(word, other, score_cutoff=1) <= 1 for other in words)
