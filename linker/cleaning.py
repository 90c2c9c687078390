"""Undo the disguises forum software puts on text, keeping a map back to the original.

Reddit's editor escapes Markdown characters with a backslash (`10.1016/S0140\\-6736\\(11\\)`),
copied text can carry zero-width characters and soft hyphens, and mail clients hard-wrap long
DOIs across a line break. Detection runs on the cleaned text; every span it finds is mapped
back so that `original[start:end]` is the text as the poster wrote it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from records.identifiers import DOI_PREFIX

# Characters that render as nothing: zero-width space/joiners, word joiner, BOM, soft hyphen,
# Mongolian vowel separator (https://www.unicode.org/reports/tr44/#Default_Ignorable_Code_Point).
_INVISIBLE = re.compile("[\u00ad\u180e\u200b-\u200f\u2060-\u2064\ufeff]")

# A backslash that escapes ASCII punctuation, as CommonMark and Reddit's fancy-pants editor
# write it (https://spec.commonmark.org/0.31.2/#backslash-escapes): the backslash goes.
_ESCAPE = re.compile(r"\\(?=[!-/:-@\[-`{-~])")

# A DOI broken at a line break right after a separator: `10.1038/s41467-⏎024-45107-3`.
# The registrant code and the suffix so far are bounded so a hostile text cannot make the
# engine re-scan long runs (https://www.regular-expressions.info/catastrophic.html).
_DOI_BEFORE_BREAK = re.compile(
    r"""
    (?<![\w.])(?P<prefix>"""
    + DOI_PREFIX
    + r""")  # DOI prefix (records.identifiers)
    (?P<body>/(?:[^\s"'`|]{0,200}?[-./_(])?)  # the suffix so far ends in a separator (or is
                                      # empty), so the DOI cannot be complete
    (?P<gap>[ \t]*\r?\n[ \t]*(?:>[ \t]*)?)  # the line break the wrapper inserted (and the
                                      # quote marker of a quoted post's next line)
    (?P<next>[^\s"'`|]{1,200})        # the rest of the DOI on the next line
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class CleanText:
    """Cleaned text plus, when anything was removed, each cleaned character's original index."""

    text: str
    original_length: int
    _origin: tuple[int, ...] | None = None

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of the cleaned text to the span of the original it came from."""
        if self._origin is None:
            return start, end
        if end <= start:
            position = self._origin[start] if start < len(self._origin) else self.original_length
            return position, position
        return self._origin[start], self._origin[end - 1] + 1


def clean_for_scanning(text: str) -> CleanText:
    """Drop invisible characters and backslash escapes, and join DOIs split across lines."""
    removed = [m.start() for m in _INVISIBLE.finditer(text)]
    if "\\" in text:
        removed += [m.start() for m in _ESCAPE.finditer(text)]
    first = _remove(text, sorted(set(removed)))
    if "10." not in first.text or "\n" not in first.text:
        return first
    joins = [
        position
        for match in _DOI_BEFORE_BREAK.finditer(first.text)
        if _continues_doi(match.group("body")[-1], match.group("next"))
        or _known_shape(match.group("prefix") + match.group("body"), match.group("next"))
        for position in range(match.start("gap"), match.end("gap"))
    ]
    if not joins:
        return first
    second = _remove(first.text, joins)
    if first._origin is None:
        return CleanText(second.text, len(text), second._origin)
    assert second._origin is not None
    return CleanText(second.text, len(text), tuple(first._origin[i] for i in second._origin))


def _continues_doi(separator: str, following: str) -> bool:
    """Whether the next line's first word is the rest of a DOI rather than a new sentence.

    After `-`, `/`, `_` or `(` a DOI cannot have ended. After a full stop it may have: only a
    number-like continuation (`2023.103484`, `103484`) is taken, never a word or a year.
    """
    if not following[0].isalnum() or not any(ch.isdigit() for ch in following):
        return False
    if separator != ".":
        return True
    core = following.rstrip(".,;:!?)]}>'\"")
    return bool(re.fullmatch(r"\d[\w.-]*", core)) and ("." in core or len(core) >= 5)


# Registrants whose DOI suffixes have one fixed shape, so that a DOI cut after a full stop
# and a word that completes that shape on the next line can only be one DOI
# (PLOS: https://journals.plos.org/plosone/s/article-level-metrics, `journal.pone.0123456`;
# Elsevier: `j.<journal>.<year>.<number>`).
_SUFFIX_SHAPES = {
    "10.1371": re.compile(r"journal\.p[a-z]{3}\.\d{7}"),
    "10.1016": re.compile(r"j\.[a-z]{2,12}\.(?:19|20)\d{2}\.(?:\d{5,7}|\d{2}\.\d{3,4})"),
}
_WORD_END = ".,;:!?)]}>'\""


def _known_shape(doi_so_far: str, following: str) -> bool:
    """Whether the DOI so far plus the next line's word is a complete DOI of a registrant
    whose suffixes all have one shape (`10.1371/journal.` + `pone.0123456`)."""
    prefix, _, suffix = doi_so_far.partition("/")
    shape = _SUFFIX_SHAPES.get(prefix)
    return shape is not None and bool(shape.fullmatch(suffix + following.rstrip(_WORD_END)))


def _remove(text: str, positions: list[int]) -> CleanText:
    if not positions:
        return CleanText(text, len(text))
    drop = set(positions)
    origin = tuple(i for i in range(len(text)) if i not in drop)
    return CleanText("".join(text[i] for i in origin), len(text), origin)
