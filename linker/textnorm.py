"""Word tokens for comparing titles: case, accents, Greek letters and sub/superscripts folded.

`VO₂peak` → `vo2peak`, `¹¹C-(R)-PK11195` → `11c r pk11195`, `β2`/`ß2` → `beta2`,
`Øystein` → `oystein`; dashes, quotes and other punctuation separate words, so Unicode and
ASCII spellings of a title give the same tokens.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz.distance import OSA

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
    # Lowered again after NFKD: a compatibility letter without case of its own decomposes
    # into a capital (mathematical 𝜜 into Greek Α), which must fold as its small letter
    # does, or folding the result again would change it (`alpha`).
    for char in unicodedata.normalize("NFKD", lowered).lower():
        if unicodedata.combining(char):
            continue
        replacement = _GREEK.get(char) or _LETTERS.get(char)
        out.append(replacement if replacement else char)
    folded = "".join(out)
    # NFKD may turn one character into several words' worth (e.g. `½` → `1⁄2`); keep alnum.
    return "".join(_WORD.findall(folded)).lower()


# Spelled-out names and their abbreviations compare equal: posts write "ME/CFS" where the
# title spells it out, and titles often give both ("... Syndrome (ME/CFS)"). The combined
# name is one word, "mecfs", whichever order it is written in ("CFS/ME" is "ME/CFS").
_ABBREVIATIONS: dict[str, list[tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "myalgic": [
        (("myalgic", "encephalomyelitis", "chronic", "fatigue", "syndrome"), ("mecfs",)),
        (("myalgic", "encephalomyelitis"), ("me",)),
    ],
    "chronic": [
        (("chronic", "fatigue", "syndrome", "myalgic", "encephalomyelitis"), ("mecfs",)),
        (("chronic", "fatigue", "syndrome"), ("cfs",)),
    ],
    "me": [(("me", "cfs"), ("mecfs",))],
    "cfs": [(("cfs", "me"), ("mecfs",))],
    "cfsme": [(("cfsme",), ("mecfs",))],
    "post": [(("post", "exertional", "malaise"), ("pem",))],
    "postexertional": [(("postexertional", "malaise"), ("pem",))],
}
# First words of the spelled-out names: only where one of these stands can a name begin
# (or a misspelling of one, "myalgia encephalomyelitis", when the second word follows).
_KEYS = frozenset(_ABBREVIATIONS)
_LONG_KEYS = tuple(key for key in _ABBREVIATIONS if len(key) >= 6)
_SECOND_WORDS: frozenset[str] = frozenset(
    long[1] for forms in _ABBREVIATIONS.values() for long, _ in forms if len(long) > 1
)


_STARTS_OR_SECONDS = _KEYS | _SECOND_WORDS


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
    """Replace spelled-out names by their abbreviations, and let a name written twice in a
    row ("... Syndrome (ME/CFS)") count once; a merged word's span covers all of it.

    Each replacement depends only on the words it covers, so a title folds the same way on
    its own and inside a long post; it is repeated until nothing changes, so folding twice
    changes nothing.
    """
    while not _STARTS_OR_SECONDS.isdisjoint(words):
        folded, folded_spans = _abbreviate_once(words, spans)
        if folded == words:
            break
        words, spans = folded, folded_spans
    return words, spans


def _abbreviate_once(
    words: list[str], spans: list[tuple[int, int]] | None
) -> tuple[list[str], list[tuple[int, int]] | None]:
    out: list[str] = []
    out_spans: list[tuple[int, int]] = []
    index = 0
    hits = [i for i, word in enumerate(words) if word in _STARTS_OR_SECONDS]
    starts = sorted(
        {i for i in hits if words[i] in _KEYS}
        | {i - 1 for i in hits if i and words[i] in _SECOND_WORDS}
    )
    for key_at in starts:
        if key_at < index:
            continue  # inside the name just replaced
        long_form, short_form = _expansion_at(words, key_at)
        if long_form == short_form:
            continue
        end = key_at + len(long_form)
        while end < len(words):
            # The same name again right after ("(ME/CFS)", "(CFS)"): one mention.
            if tuple(words[end : end + len(short_form)]) == short_form:
                end += len(short_form)
                continue
            again, same = _expansion_at(words, end) if words[end] in _KEYS else ((), ())
            if same != short_form or again == same:
                break
            end += len(again)
        out.extend(words[index:key_at])
        out.extend(short_form)
        if spans is not None:
            out_spans.extend(spans[index:key_at])
            out_spans.extend([(spans[key_at][0], spans[end - 1][1])] * len(short_form))
        index = end
    out.extend(words[index:])
    if spans is None:
        return out, None
    out_spans.extend(spans[index:])
    return out, out_spans


def _expansion_at(words: list[str], index: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(words consumed, words produced) at `index`: an abbreviation or the word itself.

    A spelled-out name is matched through a typo ("myalgia encephalomyelitis/chronic fatigue
    syndrme"): people mistype long words.
    """
    word = words[index]
    forms = _ABBREVIATIONS.get(word)
    if forms is None:
        key = next((key for key in _LONG_KEYS if _same_word(word, key)), None)
        forms = _ABBREVIATIONS[key] if key else []
    for long_form, short_form in forms:
        written = words[index : index + len(long_form)]
        if len(written) == len(long_form) and all(map(_same_word, written, long_form)):
            return long_form, short_form
    return (words[index],), (words[index],)


def _same_word(written: str, expected: str) -> bool:
    """Equal, or a typo away for a long word (one edit; two in a very long one)."""
    if written == expected:
        return True
    if len(expected) < 6 or abs(len(written) - len(expected)) > 2 or written[0] != expected[0]:
        return False
    allowed = 1 if len(expected) < 10 else 2
    return OSA.distance(written, expected, score_cutoff=allowed) <= allowed


def tokens_with_spans(text: str) -> tuple[list[str], list[int], list[int]]:
    """Folded words of `text` (as `tokens` gives them) with each one's start and end."""
    if text.isascii():
        # Lower-casing ASCII keeps every offset, and an ASCII word folds to itself.
        found = list(_WORD.finditer(text.lower()))
        words = [match.group() for match in found]
        spans = [match.span() for match in found]
    else:
        words, spans = [], []
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


def title_words(text: str) -> tuple[list[str], int]:
    """A title's folded words (as `tokens` gives them) and how many words it has as written."""
    if text.isascii():
        words = _WORD.findall(text.lower())
    else:
        words = [folded for word in _WORD.findall(text) if (folded := fold_word(word))]
    return abbreviate(words, None)[0], len(words)


def normalize_title(text: str) -> str:
    """A title as one comparable string of folded words."""
    return " ".join(tokens(text))
