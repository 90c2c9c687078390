"""Whether a word of another language is plainly the same word as an English one.

"Zytokine", "citoquinas" and "cytokines"; "rituksimab" and "rituximab"; "Mikrobiom" and
"microbiome": the field's words are borrowed across the community's languages with a few
regular changes of spelling. `fold` undoes them (k/c/q, ph/f, th/t, z/s, y/i, doubled
letters, and the endings -ique/-ic, -ine/-in/-ina, plural and case endings), and `cognate`
compares the folded forms letter by letter (rapidfuzz), also inside a compound
("Darmmikrobiom", "tarmfloran").

`content_words` picks the words of a subject written in another language that name a
subject of their own: long and rare in every one of the community's languages (by
`linker.everyday`), so that none of them being a cognate of an entry's words says the
post is about something else ("riego de tomates en invernaderos").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import fuzz

from linker.everyday import zipf

# Endings, longest first, that differ between one word's forms in the community's languages.
_ENDINGS = (
    "iques", "ique", "icos", "icas", "ico", "ica", "ics", "ic", "isch", "ische", "ines",
    "inas", "inos", "ine", "ina", "ino", "in", "es", "as", "os", "en", "er", "e", "a", "o", "s",
)  # fmt: skip
_SHIFTS = (("ph", "f"), ("th", "t"), ("qu", "k"), ("ck", "k"), ("c", "k"), ("z", "s"), ("y", "i"))
_DOUBLED = re.compile(r"(.)\1+")
MIN_LETTERS = 5  # shorter words are too often near-identical by chance ("hart", "herz")
_SIMILAR = 80  # rapidfuzz ratio of two folded forms that are one word
_SIMILAR_PART = 90  # … and of a folded word inside a longer compound
_COMPOUND_EXTRA = 3  # a compound has at least this many letters more than its part
_CONTENT_LETTERS = 5
# Folded words that begin alike this long share a root ("autoantistof", "autoantibodi").
_PREFIX = 7


@lru_cache(maxsize=65_536)
def fold(word: str) -> str:
    """A folded word (`linker.textnorm.tokens`) with the spelling shifts between languages
    undone ("citoquinas" → "kitok", "cytokine" → "kitok")."""
    for ending in _ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= MIN_LETTERS - 1:
            word = word[: -len(ending)]
            break
    for old, new in _SHIFTS:
        word = word.replace(old, new)
    return _DOUBLED.sub(r"\1", word)


def cognate(word: str, other: str) -> bool:
    """Whether two folded words (or stems) are one word in two languages, or one is a part
    of the other written as a compound."""
    if len(word) < MIN_LETTERS or len(other) < MIN_LETTERS:
        return False
    mine, theirs = fold(word), fold(other)
    if mine[:_PREFIX] == theirs[:_PREFIX] or fuzz.ratio(mine, theirs) >= _SIMILAR:
        return True
    short, long = sorted((mine, theirs), key=len)
    return (
        len(short) >= MIN_LETTERS - 1
        and len(long) >= len(short) + _COMPOUND_EXTRA
        and fuzz.partial_ratio(short, long) >= _SIMILAR_PART
    )


def any_cognate(words: Iterable[str], others: Iterable[str]) -> bool:
    """Whether any of `words` is a cognate of any of `others`."""
    listed = [o for o in others if len(o) >= MIN_LETTERS]
    return any(cognate(word, other) for word in words for other in listed)


# The field's own words in the community's languages (as English "fatigue", "exertion",
# "chronic", "syndrome", "illness"): every candidate is about them, so they tell none apart
# ("om utmattelse etter anstrengelse" is the PEM paper said in Norwegian). Folded beginnings,
# so that compounds count too ("Belastungsintoleranz").
_FIELD_ROOTS = (
    "utmatt", "erschopf", "ermud", "vermoeid", "moeheid", "uitput", "fatig", "agotam",
    "cansanc", "epuis", "trott", "anstreng", "anstrang", "inspann", "esfuerz", "effort",
    "belastung", "malais", "males", "kronisk", "chronisch", "cronic", "chroniq", "syndrom",
    "sindrom", "krankheit", "ziekte", "sykdom", "sjukdom", "enfermedad", "maladie",
)  # fmt: skip


def content_words(words: Iterable[str]) -> frozenset[str]:
    """The folded words that name a subject in any language: long, below
    `linker.everyday.MIN_ZIPF` in all of the community's languages, and not the field's own."""
    return frozenset(
        w
        for w in words
        if len(w) >= _CONTENT_LETTERS
        and w.isalpha()
        and zipf(w) == 0.0
        and not w.startswith(_FIELD_ROOTS)
    )
