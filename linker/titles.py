"""Finding atlas titles inside long posts without comparing the post to every title.

Each title is cut into word shingles (3 consecutive folded words) kept in one hash table,
so a post costs one look-up per word whatever the atlas size
(the classic near-duplicate technique, https://nlp.stanford.edu/IR-book/html/htmledition/near-duplicates-and-shingling-1.html).
Shingles shared by many titles ("chronic fatigue syndrome") are dropped as uninformative.
(Word pairs would catch a typo in a five-word title, but such a title must score 97 and one
typo in thirty letters already falls below that, so pairs would cost a look-up per word for
nothing.)
Entries hit by enough shingles are then verified with an edit-distance ratio on the aligned
stretch of the post, which tolerates a typo or two, Unicode variants (already folded away)
and a truncated title, but not a different study with a similar wording.
"""

from __future__ import annotations

import bisect
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

_MAX_POSTINGS = 24  # a shingle in more titles than this says nothing about which one
_SHORT_TITLE_WORDS = 7  # as written; such titles must stand apart from the sentence
_SHORT_TITLE = 8  # folded words; titles this short must score _SHORT_TITLE_SCORE
_POS_BITS = 8
_POS_MASK = (1 << _POS_BITS) - 1
_SLACK = 2  # words the aligned stretch may grow or shrink at each end
_TRUNCATION_MIN_WORDS = 5
_TRUNCATION_MIN_CHARS = 30
_TRUNCATION_SCORE = 95.0
_SHORT_TITLE_SCORE = 97.0
_EXACT_UNQUOTED_WORDS = 6
_EXACT_UNQUOTED_DISTINCTIVE = 3
# Words of this field and of paper titles in general, which ordinary sentences use too.
_PLAIN_WORDS_TEXT = """
    chronic fatigue syndrome myalgic encephalomyelitis encephalopathy me cfs mecfs long covid
    covid19 post acute sars cov sequelae pasc patients people adults children adolescents
    disease illness infection study studies review analysis systematic features findings
    mechanisms recommendations major role effects effect evidence outcomes results new
    clinical associated association among between with from into during after before the
    and for are was were our its their this that what how why who which
"""
_PLAIN_WORDS = frozenset(_PLAIN_WORDS_TEXT.split())
_MAX_PREFIX_OWNERS = 3  # a cut title shared by more is a common opening, not a citation


@dataclass(frozen=True)
class TitleHit:
    """Where a title was found: a word range of the post, the score and how."""

    entry: int
    first_word: int
    end_word: int
    score: float
    rule: str
    # For a cut-short title: every title row starting with the same words (this one too).
    # More than one means the cut alone cannot tell them apart (a preprint and its
    # published version often share their first words).
    owners: tuple[int, ...] = ()


class TitleIndex:
    """Shingle index over the folded titles of the atlas (entry numbers are list positions)."""

    def __init__(self, *, min_words: int, min_score: float) -> None:
        self._joined: list[str] = []
        self._min_words = min_words
        self._min_score = min_score
        self._postings: dict[int, int | list[int]] = {}
        self._common: set[int] = set()
        self._indexable = array("H")
        self._written = array("B")
        self._has_long = False
        # Title rows in order of their folded titles (ties by row): 4 bytes a title, not a
        # (title, row) tuple.
        self._sorted_rows = array("i")

    def add(self, words: Sequence[str], written_words: int) -> None:
        """Index the next entry's title (entries are numbered in the order they are added).

        `written_words` counts the title's words before abbreviation: "Metabolic features of
        chronic fatigue syndrome" is six words long even though it folds to four.
        """
        number = len(self._joined)
        self._joined.append(" ".join(words))
        self._written.append(min(written_words, 255))
        if written_words < self._min_words or len(words) < 2:
            return
        postings, common, base = self._postings, self._common, number << _POS_BITS
        for key, position in _shingles(words):
            # Inlined `_add` for the common case (a new key): building runs this a million times.
            packed = base | (position if position < _POS_MASK else _POS_MASK)
            if key not in postings and key not in common:
                postings[key] = packed
            else:
                self._add(key, packed, common)

    def finish(self) -> None:
        """Count each entry's informative shingles once every title is in.

        A title made only of common phrases ("reduced X and Y in Z measured by W") has no
        informative 3-word shingle; it is indexed again by 5-word shingles, which are rare
        even when their parts are not.
        """
        counts = self._count_postings()
        for number, count in enumerate(counts):
            if count < 2 and self._written[number] >= self._min_words:
                words = self._joined[number].split(" ")
                for key, position in _long_shingles(words):
                    self._add(key, number << _POS_BITS | min(position, _POS_MASK), self._common)
                    self._has_long = True
        if self._has_long:
            counts = self._count_postings()
        self._indexable = array("H", (min(count, 65535) for count in counts))
        if not self._has_long:
            self._common = set()  # only 5-word look-ups need it
        # A stable sort of the rows in order keeps rows of equal titles in row order.
        self._sorted_rows = array(
            "i", sorted(range(len(self._joined)), key=self._joined.__getitem__)
        )

    def _count_postings(self) -> list[int]:
        counts = [0] * len(self._joined)
        for value in self._postings.values():
            for packed in value if isinstance(value, list) else (value,):
                counts[packed >> _POS_BITS] += 1
        return counts

    def _add(self, key: int, packed: int, common: set[int]) -> None:
        if key in common:
            return
        current = self._postings.get(key)
        if current is None:
            self._postings[key] = packed
        elif isinstance(current, int):
            self._postings[key] = [current, packed]
        elif len(current) >= _MAX_POSTINGS:
            del self._postings[key]
            common.add(key)
        else:
            current.append(packed)

    def find(self, words: Sequence[str]) -> list[TitleHit]:
        """Titles found in a post given as folded words, best-scoring hit per entry."""
        hits: defaultdict[int, list[tuple[int, int]]] = defaultdict(list)
        get = self._postings.get
        triples = list(map(hash, zip(words, words[1:], words[2:], strict=False)))
        # Most of a post's shingles are in no title, and most posts hold none: one set test
        # in C each spares them the loops in Python over every word.
        present = (
            []
            if self._postings.keys().isdisjoint(triples)
            else [(i, v) for i, k in enumerate(triples) if (v := get(k)) is not None]
        )
        if self._has_long:
            # A 5-word shingle is only indexed for titles of common phrases, so it can only
            # start where a common 3-word shingle does.
            common = self._common
            starts = (
                []
                if common.isdisjoint(triples)
                else [i for i, k in enumerate(triples) if k in common]
            )
            present += [
                (i, v)
                for i in starts
                if (v := get(hash(("5", *words[i : i + 5])))) is not None and i + 5 <= len(words)
            ]
        for position, value in present:
            for packed in value if isinstance(value, list) else (value,):
                hits[packed >> _POS_BITS].append((position, packed & _POS_MASK))
        found = []
        for entry, positions in hits.items():
            # Enough of the title's informative shingles must be present: two at least, and a
            # fifth of them (a typo costs up to three shingles, a truncation the rest).
            informative = self._indexable[entry]
            if len(positions) < min(2, informative) or 5 * len(positions) < informative:
                continue
            hit = self._verify(entry, positions, words)
            if hit is not None:
                found.append(hit)
        return found

    def _verify(
        self, entry: int, pairs: list[tuple[int, int]], words: Sequence[str]
    ) -> TitleHit | None:
        title = self.words_of(entry)
        size = len(title)
        diagonal = Counter(i - j for i, j in pairs).most_common(1)[0][0]
        cluster = [(i, j) for i, j in pairs if abs(i - j - diagonal) <= 3]
        if len({j for _, j in cluster}) < min(2, self._indexable[entry]):
            return None  # scattered shared phrases, not one stretch of this title
        post_lo = min(i for i, _ in cluster)
        post_hi = max(i for i, _ in cluster) + 3
        title_lo = min(j for _, j in cluster)
        title_hi = min(size, max(j for _, j in cluster) + 3)
        start = max(0, post_lo - title_lo)
        end = min(len(words), post_hi + (size - title_hi))
        allowed = _allowed_changes(size)
        # Most titles hit here only share a phrase with the post (a rival of the title it
        # cites): one with more content words than allowed that no word around has, even
        # misspelt, cannot pass `_word_changes`, and is not scored.
        around = words[max(0, start - _SLACK) : end + _SLACK]
        if _missing_words(title, around, allowed) <= allowed:
            score, first, last = _best_window(self._joined[entry], words, start, end)
            needed = (
                self._min_score if size > _SHORT_TITLE else max(self._min_score, _SHORT_TITLE_SCORE)
            )
            if score >= needed and _word_changes(title, words[first:last]) <= allowed:
                return TitleHit(entry, first, last, score, "title")
        if title_lo <= 1:
            return self._truncated(entry, words, start, title_hi)
        return None

    def _truncated(
        self, entry: int, words: Sequence[str], start: int, covered: int
    ) -> TitleHit | None:
        """A title cut short: a long, unique prefix of it, and the post does not go on with it."""
        title = self.words_of(entry)
        minimum = max(_TRUNCATION_MIN_WORDS, min(8, (len(title) + 1) // 2))
        longest = min(len(title) - 1, covered + 1)
        # Every prefix tried holds the shortest one; a content word of it that no word
        # around the longest has rules them all out (see `_word_changes`).
        around = words[max(0, start - _SLACK) : start + longest + _SLACK]
        if longest < minimum or _missing_words(title[:minimum], around, 0):
            return None
        for length in range(longest, minimum - 1, -1):
            prefix = " ".join(title[:length])
            if len(prefix) < _TRUNCATION_MIN_CHARS:
                break
            score, first, last = _best_window(prefix, words, start, start + length)
            if score < _TRUNCATION_SCORE or _word_changes(title[:length], words[first:last]):
                continue
            if last < len(words) and words[last] == title[length]:
                continue  # the post goes on with the title: not a truncation, a mismatch
            owners = self._prefix_owners(prefix)
            if len(owners) <= _MAX_PREFIX_OWNERS:
                return TitleHit(entry, first, last, score, "title-truncated", owners)
            return None
        return None

    def _prefix_owners(self, prefix: str) -> tuple[int, ...]:
        """The title rows that start with `prefix` (word-aligned), up to one more than
        `_MAX_PREFIX_OWNERS`."""
        joined = self._joined
        low = bisect.bisect_left(self._sorted_rows, prefix, key=joined.__getitem__)
        owners = []
        for row in self._sorted_rows[low : low + _MAX_PREFIX_OWNERS + 1]:
            title = joined[row]
            if title == prefix or title.startswith(prefix + " "):
                owners.append(row)
        return tuple(owners)

    def is_exact_and_long_enough(self, hit: TitleHit) -> bool:
        """Whether a hit is the whole title word for word, six written words or more: such a
        title is cited even unquoted mid-sentence (five words or fewer still need quoting)."""
        words = self.words_of(hit.entry)
        distinctive = [w for w in words if w not in _PLAIN_WORDS and len(w) > 2]
        return (
            self._written[hit.entry] >= _EXACT_UNQUOTED_WORDS
            and hit.score >= 100.0
            and hit.end_word - hit.first_word == len(words)
            # "Metabolic features of chronic fatigue syndrome" is also how people talk;
            # "Capillary rarefaction in long COVID skin biopsies" is only ever a title.
            and len(distinctive) >= _EXACT_UNQUOTED_DISTINCTIVE
        )

    def is_short(self, entry: int) -> bool:
        """Whether the title is short enough to occur in ordinary prose (7 words or fewer)."""
        return self._written[entry] <= _SHORT_TITLE_WORDS

    def words_of(self, entry: int) -> list[str]:
        """The folded words of an entry's title."""
        return self._joined[entry].split(" ")


def _shingles(words: Sequence[str]) -> list[tuple[int, int]]:
    """(hash, position) of each 3-word shingle (`find` computes the same hashes inline)."""
    return [(hash(t), i) for i, t in enumerate(zip(words, words[1:], words[2:], strict=False))]


def _long_shingles(words: Sequence[str]) -> list[tuple[int, int]]:
    """(hash, position) of each 5-word shingle."""
    fives = zip(words, words[1:], words[2:], words[3:], words[4:], strict=False)
    return [(hash(("5", *five)), i) for i, five in enumerate(fives)]


def _best_window(target: str, words: Sequence[str], start: int, end: int) -> tuple[float, int, int]:
    """The stretch of `words` near [start, end) most like `target`: (score, first, end).

    Moves the start, then the end, each within a couple of words (coordinate search: the
    two ends of a quoted title are independent).
    """
    end = min(end, len(words))
    best = (fuzz.ratio(target, " ".join(words[start:end])), start, end)
    for first in range(max(0, start - _SLACK), min(len(words) - 1, start + _SLACK) + 1):
        score = fuzz.ratio(target, " ".join(words[first:end]), score_cutoff=best[0])
        if score > best[0]:
            best = (score, first, end)
    first = best[1]
    for last in range(max(first + 1, end - _SLACK), min(len(words), end + _SLACK) + 1):
        score = fuzz.ratio(target, " ".join(words[first:last]), score_cutoff=best[0])
        if score > best[0]:
            best = (score, first, last)
    return best


def _allowed_changes(size: int) -> int:
    """Content words a quoted title may lose, gain or swap: none unless it is very long."""
    return 0 if size < 20 else 1


# Small words people drop or add when they retype a title ("a", "the", "and" for "&").
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "for",
        "to",
        "and",
        "with",
        "by",
        "at",
        "from",
        "or",
        "vs",
        "versus",
    ]
)
_FREE_FUNCTION_EDITS = 2


def _word_changes(title: Sequence[str], found: Sequence[str]) -> int:
    """Content-word edits between a title and the post's words.

    A misspelt word is no change; up to two dropped, added or swapped small words are none
    either. Character ratios forgive a different word as readily as a typo; this does not,
    so "Elevated X in Y" is not taken for "Sex differences in X in Y".
    """
    changes = 0
    function_edits = 0
    for edit in Levenshtein.editops(list(title), list(found)):
        if edit.tag == "replace" and _misspelt(title[edit.src_pos], found[edit.dest_pos]):
            continue
        words = []
        if edit.tag != "insert":
            words.append(title[edit.src_pos])
        if edit.tag != "delete":
            words.append(found[edit.dest_pos])
        if all(word in _FUNCTION_WORDS for word in words) and function_edits < _FREE_FUNCTION_EDITS:
            function_edits += 1
            continue
        changes += 1
    return changes


def _missing_words(title: Sequence[str], around: Sequence[str], allowed: int) -> int:
    """How many content words of `title` no word of `around` is or misspells, counted up
    to one past `allowed`: each costs `_word_changes` a change whatever stretch of
    `around` is compared with the title."""
    present = set(around)
    long_enough: list[str] | None = None  # the words `_misspelt` compares, found once
    missing = 0
    for word in title:
        if word in present or word in _FUNCTION_WORDS:
            continue
        if len(word) >= _MISSPELT_MIN_LETTERS:
            if long_enough is None:
                long_enough = [w for w in present if len(w) >= _MISSPELT_MIN_LETTERS]
            # `_misspelt(word, w)` for each w, the loop in C
            typos = _typos_allowed(word)
            if process.extractOne(word, long_enough, scorer=OSA.distance, score_cutoff=typos):
                continue
        missing += 1
        if missing > allowed:
            break
    return missing


def _misspelt(expected: str, written: str) -> bool:
    """Same word with a typo or two (only for words long enough to tell)."""
    if min(len(expected), len(written)) < _MISSPELT_MIN_LETTERS:
        return False
    # Optimal string alignment: a swapped pair of letters ("doubel") is one typo.
    return OSA.distance(expected, written) <= _typos_allowed(expected)


_MISSPELT_MIN_LETTERS = 4


def _typos_allowed(expected: str) -> int:
    """Letters a misspelling of `expected` may get wrong."""
    return 1 if len(expected) < 8 else 2
