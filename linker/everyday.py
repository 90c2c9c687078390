"""How everyday a word is: its Zipf frequency (wordfreq's scale, log10 of uses per billion
words plus 9) in the most frequent of the community's languages.

The figures come from wordfreq (https://github.com/rspeer/wordfreq) and are kept in
`everyday_words.tsv` beside this module, for the words at or above `MIN_ZIPF` in English,
German, Dutch, Norwegian, Spanish or French, and English figures down to `ENGLISH_MIN_ZIPF`:
loading wordfreq itself would cost the linker some 16 MB and 0.4 s at start-up (35 MB for
six languages) for a few thousand words. Regenerate the file with `python -m linker.everyday`.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from linker.textnorm import fold_word

LANGUAGES = ("en", "de", "nl", "nb", "es", "fr")
MIN_ZIPF = 4.6
# English figures go lower: linker.descriptions calls a word below 4.5 rare.
ENGLISH_MIN_ZIPF = 4.5
WORDS = Path(__file__).with_name("everyday_words.tsv")


@cache
def _table() -> dict[str, tuple[float, float]]:
    table = {}
    with WORDS.open(encoding="utf-8") as handle:
        for line in handle:
            word, highest, english = line.rstrip("\n").split("\t")
            table[word] = (float(highest), float(english))
    return table


def zipf(word: str) -> float:
    """The highest Zipf frequency of a folded word in the six languages; 0.0 below
    `MIN_ZIPF`."""
    return _table().get(word, (0.0, 0.0))[0]


def zipf_english(word: str) -> float:
    """The Zipf frequency of a folded word in English; 0.0 below `MIN_ZIPF`."""
    figure = _table().get(word, (0.0, 0.0))[1]
    return figure if figure >= MIN_ZIPF else 0.0


def english_figure(word: str) -> float:
    """The Zipf frequency of a folded word in English; 0.0 below `ENGLISH_MIN_ZIPF`."""
    return _table().get(word, (0.0, 0.0))[1]


def main(path: Path = WORDS) -> None:
    """Write `everyday_words.tsv` (or `path`) from wordfreq's "small" lists."""
    import wordfreq  # noqa: PLC0415 (only for regenerating the file)

    best: dict[str, float] = {}
    english: dict[str, float] = {}
    for lang in LANGUAGES:
        for word in wordfreq.iter_wordlist(lang, wordlist="small"):
            figure = wordfreq.zipf_frequency(word, lang, wordlist="small")
            if figure < (ENGLISH_MIN_ZIPF if lang == "en" else MIN_ZIPF):
                break
            key = fold_word(word)  # as `linker.textnorm.tokens` gives it: "über" → "uber"
            if key.isalpha():
                if figure >= MIN_ZIPF:
                    best[key] = max(best.get(key, 0.0), figure)
                if lang == "en":
                    english[key] = max(english.get(key, 0.0), figure)
    lines = [
        f"{word}\t{best.get(word, 0.0):.2f}\t{english.get(word, 0.0):.2f}\n"
        for word in sorted(best.keys() | english.keys())
    ]
    path.write_text("".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
