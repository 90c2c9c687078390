"""Word tokens for comparing titles: case, accents, Greek letters and sub/superscripts folded.

`VO₂peak` → `vo2peak`, `¹¹C-(R)-PK11195` → `11c r pk11195`, `β2`/`ß2` → `beta2`,
`Øystein` → `oystein`; dashes, quotes and other punctuation separate words, so Unicode and
ASCII spellings of a title give the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[^\W_]+")

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "ο": "omicron", "π": "pi", "ρ": "rho", "σ": "sigma", "ς": "sigma",
    "τ": "tau", "υ": "upsilon", "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega",
    # Titles print ß where β was meant ("ß2-adrenergic"); both fold to "beta".
    "ß": "beta", "µ": "mu",
}  # fmt: skip
# Letters NFKD does not decompose into ASCII.
_LETTERS = {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """The comparison form of one word."""
    if word.isascii():
        return word.lower()
    lowered = word.lower()
    out: list[str] = []
    for char in unicodedata.normalize("NFKD", lowered):
        if unicodedata.combining(char):
            continue
        replacement = _GREEK.get(char) or _LETTERS.get(char)
        out.append(replacement if replacement else char)
    folded = "".join(out)
    # NFKD may turn one character into several words' worth (e.g. `½` → `1⁄2`); keep alnum.
    return "".join(_WORD.findall(folded)).lower()


def tokens(text: str) -> list[str]:
    """The folded words of `text`."""
    return [folded for m in _WORD.finditer(text) if (folded := fold_word(m.group()))]


def tokens_with_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """Folded words of `text` with each word's start and end in `text`."""
    words: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for match in _WORD.finditer(text):
        folded = fold_word(match.group())
        if folded:
            words.append(folded)
            starts.append(match.start())
            ends.append(match.end())
    return words, starts, ends


def normalize_title(text: str) -> str:
    """A title as one comparable string of folded words."""
    return " ".join(tokens(text))
