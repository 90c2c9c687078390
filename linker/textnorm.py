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


# Spelled-out names and their abbreviations compare equal: posts write "ME/CFS" where the
# title spells it out, and titles often give both ("... Syndrome (ME/CFS)").
_ABBREVIATIONS: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "myalgic": [
        (("myalgic", "encephalomyelitis", "chronic", "fatigue", "syndrome"), ("me", "cfs")),
        (("myalgic", "encephalomyelitis"), ("me",)),
    ],
    "chronic": [
        (("chronic", "fatigue", "syndrome", "myalgic", "encephalomyelitis"), ("me", "cfs")),
        (("chronic", "fatigue", "syndrome"), ("cfs",)),
    ],
    "post": [(("post", "exertional", "malaise"), ("pem",))],
    "postexertional": [(("postexertional", "malaise"), ("pem",))],
    "mecfs": [(("mecfs",), ("me", "cfs"))],
    "cfsme": [(("cfsme",), ("me", "cfs"))],
    # Written in either order, the combined name is one thing: "CFS/ME" is "ME/CFS".
    "cfs": [(("cfs", "me"), ("me", "cfs"))],
}
_SHORT_FORMS = frozenset({"me", "cfs", "pem"})
# Words without which no spelled-out name can be present ("me" and "post" are too common).
_TRIGGERS = frozenset(
    {"encephalomyelitis", "exertional", "postexertional", "mecfs", "cfsme", "syndrome", "cfs"}
)


def tokens(text: str) -> list[str]:
    """The folded words of `text` (the same words `tokens_with_spans` gives)."""
    if text.isascii():
        words = _WORD.findall(text.lower())
    else:
        words = [folded for word in _WORD.findall(text) if (folded := fold_word(word))]
    return abbreviate(words, None)[0]


def abbreviate(
    words: list[str], spans: list[tuple[int, int]] | None
) -> tuple[list[str], list[tuple[int, int]] | None]:
    """Replace spelled-out names by their abbreviations and drop an abbreviation repeated
    right after itself ("... Syndrome (ME/CFS)"); a merged word's span covers all of it."""
    if _TRIGGERS.isdisjoint(words):
        return words, spans
    out: list[str] = []
    out_spans: list[tuple[int, int]] = []
    last_short: tuple[str, ...] = ()
    index = 0
    while index < len(words):
        size = len(last_short)
        if size and tuple(words[index : index + size]) == last_short == tuple(out[-size:]):
            if spans is not None:  # the repeat joins the mention before it
                out_spans[-1] = (out_spans[-1][0], spans[index + size - 1][1])
            index += size
            last_short = ()
            continue
        long_form, short_form = _expansion_at(words, index)
        end = index + len(long_form)
        out.extend(short_form)
        if spans is not None:
            out_spans.extend([(spans[index][0], spans[end - 1][1])] * len(short_form))
        if short_form[0] in _SHORT_FORMS:
            last_short = short_form if len(long_form) > 1 else _short_run(words, index)
        else:
            last_short = ()
        index = end
    return out, (out_spans if spans is not None else None)


def _expansion_at(words: list[str], index: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(words consumed, words produced) at `index`: an abbreviation or the word itself."""
    for long_form, short_form in _ABBREVIATIONS.get(words[index], ()):
        if tuple(words[index : index + len(long_form)]) == long_form:
            return long_form, short_form
    return (words[index],), (words[index],)


def _short_run(words: list[str], index: int) -> tuple[str, ...]:
    """A written abbreviation run such as `me cfs` starting at `index`."""
    if words[index : index + 2] == ["me", "cfs"]:
        return ("me", "cfs")
    return (words[index],)


def tokens_with_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """Folded words of `text` (as `tokens` gives them) with each one's start and end."""
    words: list[str] = []
    spans: list[tuple[int, int]] = []
    for match in _WORD.finditer(text):
        folded = fold_word(match.group())
        if folded:
            words.append(folded)
            spans.append(match.span())
    words, merged = abbreviate(words, spans)
    assert merged is not None
    return words, [span[0] for span in merged], [span[1] for span in merged]


def count_words(text: str) -> int:
    """How many words `text` has as written."""
    return len(_WORD.findall(text))


def normalize_title(text: str) -> str:
    """A title as one comparable string of folded words."""
    return " ".join(tokens(text))
