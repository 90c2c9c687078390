"""Author-year citations: "Lee et al. 2024", "Lee, Sato & Son (2024)", "the Walitt 2024 study".

Strong forms ("et al.", a list of names with "&"/"and") are citations on their own. Weak forms
("Walitt (2024)", "Walitt 2024", "the 2024 Walitt study") are only worth anything when the
atlas holds a first author of that name and year, so the index decides about them.

Every repetition below is bounded: a hostile megabyte of names and commas must still scan in
linear time (https://www.regular-expressions.info/catastrophic.html).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from linker.spans import SpanSet
from linker.textnorm import fold_word

_PARTICLES = (
    r"(?:(?:van|von|de|der|den|del|della|da|di|du|le|la|dos|das|ter|ten|st\.?)\s{1,2}){0,3}"
)
_SURNAME = r"[^\W\d_][\w'’-]{0,40}"
_NAME = rf"(?<![\w'’.-]){_PARTICLES}{_SURNAME}"
# "Lee J.", "Walitt B,", "White PD" (initials are upper case even though names may not be)
_INITIALS = r"(?:,?\s{1,2}(?-i:[A-ZØÅÆÖÄÜ]{1,3})\.?(?:\s?(?-i:[A-Z])\.){0,2}(?=[\s,]))?"
_LISTED_INITIALS = r"(?:\s{1,2}(?-i:[A-ZØÅÆÖÄÜ]{1,3})\.?(?:\s?(?-i:[A-Z])\.){0,2}(?=[\s,]))?"
# A journal between "et al." and the year: "Walitt et al., Nat Commun 2024"
_JOURNAL = (
    r"(?:,?\s{1,2}(?:in\s{1,2})?(?-i:[A-Z])[\w.&-]{0,25}"
    r"(?:\s{1,2}(?-i:[A-Z])[\w.&-]{0,25}){0,3})?"
)
# "et al." and its forms in the community's other languages: German "u. a.", Dutch "e.a.",
# Norwegian "m.fl."/"mfl.", Spanish "y col."/"y cols.", French "et coll.", Portuguese "e col."
ET_AL = (
    r"(?:et\.?\s{0,2}al\b\.?|u\.\s{0,2}a\.|e\.\s{0,2}a\.|m\.\s{0,2}fl\b\.?|mfl\b\.?"
    r"|y\s{1,2}cols?\.|et\s{1,2}coll?\b\.?|e\s{1,2}col\.)"
)
# "and" between authors: and, und, en, og, y, et
AND = r"(?:&|and|und|en|og|y|et)"
_YEAR = r"(?P<year>(?:19|20)\d{2})[a-z]?(?![\d])(?:\s{0,2}[)\]])?"
_OPEN = r"[\s,]{0,3}[(\[]?\s{0,2}"

# Initials standing as their own list item: "J.", "J.-S.", "C. G."
_INITIAL_GROUP = r"(?-i:[A-ZØÅÆÖÄÜ])\.(?:\s?-?(?-i:[A-Z])\.){0,2}"
_ITEM = rf"(?:{_INITIAL_GROUP}|{_NAME}{_LISTED_INITIALS})"
# Before "et al." every name is followed by "," or a space, which no name holds: only the
# longest run of a name's letters can fit, so the run is possessive (no shorter one is tried).
_NAME_WHOLE = rf"(?<![\w'’.-]){_PARTICLES}{_SURNAME}+"
_ITEM_WHOLE = rf"(?:{_INITIAL_GROUP}|{_NAME_WHOLE}{_LISTED_INITIALS})"
# What stands between the names and the year in each pattern (also found on its own below).
_ET_AL_END = rf"{ET_AL}(?:['’]s)?{_JOURNAL}{_OPEN}"
_LAST_LISTED = rf"{AND}\s{{1,3}}{_NAME}(?:\s{{0,2}},\s{{0,2}}{_INITIAL_GROUP})?"
_BEFORE_YEAR = r"(?:['’]s)?(?:\s{1,2}|\s{0,2}\(\s{0,2})"
_NOUN_BEFORE_YEAR = (
    r"(?:study|paper|trial|review|preprint|article)(?:\s{1,2}(?:in|from|of))?\s{0,2}\(?"
)
# "Lee et al. 2024", "Lee J. et al (2024)", "Lee et al., 2024", "Lee et al.'s 2024 review",
# "Walitt B, Singh K, et al. 2024", "Walitt et al., Nat Commun 2024"
_ET_AL = re.compile(
    rf"(?P<names>{_NAME_WHOLE}{_INITIALS}(?:\s{{0,2}},\s{{0,2}}{_ITEM_WHOLE}){{0,5}})"
    rf",?\s{{1,3}}{_ET_AL_END}{_YEAR}",
    re.IGNORECASE,
)
# "Lee, Sato & Son (2024)", "Wirth and Scheibenbogen 2020"
# APA: "Lee, J.-S., Sato, W., & Son, C.-G. (2024)"
_NAME_LIST = re.compile(
    rf"(?P<names>{_NAME}(?:\s{{0,2}},\s{{0,2}}{_ITEM}){{0,9}},?\s{{1,3}}{_LAST_LISTED})"
    rf"{_OPEN}{_YEAR}",
    re.IGNORECASE,
)
# Weak: "Walitt (2024)", "Walitt 2024", "Walitt's 2024 paper"
_NAME_YEAR = re.compile(rf"(?P<names>{_NAME}){_BEFORE_YEAR}{_YEAR}", re.IGNORECASE)
# Weak: "the Walitt study (2024)", "Fluge's trial in 2019"
_NAME_NOUN_YEAR = re.compile(
    rf"(?P<names>{_NAME})(?:['’]s)?\s{{1,2}}(?:et\.?\s{{0,2}}al\b\.?\s{{1,2}})?"
    rf"{_NOUN_BEFORE_YEAR}{_YEAR}",
    re.IGNORECASE,
)
# Weak: "the 2024 NIH study by Walitt", "a 2019 trial by Fluge", "the 2024 meta-analysis from Lee"
_YEAR_BY_NAME = re.compile(
    rf"(?<!\d){_YEAR}\s{{1,2}}(?:(?-i:[A-Z]{{2,6}})\s{{1,2}})?"
    rf"(?:study|paper|trial|review|article|preprint|meta-?analysis|analysis)"
    rf"\s{{1,2}}(?:by|from)\s{{1,2}}(?P<names>{_NAME})",
    re.IGNORECASE,
)
# Weak: "the 2024 Walitt study", "a 2019 Fluge et al paper"
_YEAR_NAME = re.compile(
    rf"(?<!\d){_YEAR}\s{{1,2}}(?P<names>{_NAME})(?:['’]s)?(?:\s{{1,2}}et\.?\s{{0,2}}al\b\.?)?"
    r"\s{1,2}(?:study|paper|trial|review|article|analysis|preprint|publication|findings|data)\b",
    re.IGNORECASE,
)

# Capitalised words that stand before a year in ordinary prose and are nobody's citation.
_ORDINARY_CAPITALISED = """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday
    saturday sunday spring summer autumn fall winter christmas easter in on by at of the a an
    since until from to for and or as about around before after during between published
    covid sars mers h1n1 long nature science cell lancet plos bmj jama nejm frontiers journal
    vol volume issue version v windows python ios android figure fig table page chapter section
    class year years nih cdc who nice iom icc ccc nam dsm icd ukri mrc cfs me mecfs pem pots
    patients study paper trial review article update report edition conference congress
    meeting symposium round phase wave cohort group since this that these those my our your
    their his her its is was were be been also but so than then when where while which what
"""
_NOT_SURNAMES = frozenset(_ORDINARY_CAPITALISED.split())

_INITIALS_WORD = re.compile(r"^(?:[A-ZØÅÆÖÄÜ]{1,3}\.?|[A-Z]\.?(?:\s?-?[A-Z]\.?){1,2})$")
_POSSESSIVE = re.compile(r"['’]s?$")
_NAME_SPLIT = re.compile(rf",?\s{{0,2}}(?:&|\b{AND}\b)\s{{1,3}}|\s{{0,2}},\s{{0,2}}", re.IGNORECASE)


@dataclass(frozen=True)
class AuthorYear:
    """A citation by author names and year; `surnames[0]` is the first author (folded)."""

    start: int
    end: int
    surnames: tuple[str, ...]
    year: int
    strong: bool


# A year: four digits with none around. The digit before is checked apart: a look-behind up
# front would keep the search from skipping ahead to the next "19" or "20" in C.
_YEAR_ALONE = re.compile(r"(?:19|20)\d{2}(?!\d)")
# What each pattern ending in a year must hold right before it, found by a cheap search: a
# window without it cannot hold the whole pattern, which is then not tried at every letter.
_YEAR_DIGITS = r"(?:19|20)\d{2}"
_ET_AL_TAIL = re.compile(rf"{_ET_AL_END}{_YEAR_DIGITS}", re.IGNORECASE)
_NAME_LIST_TAIL = re.compile(rf"{_LAST_LISTED}{_OPEN}{_YEAR_DIGITS}", re.IGNORECASE)
_NAME_YEAR_TAIL = re.compile(rf"[\w'’-]{_BEFORE_YEAR}{_YEAR_DIGITS}", re.IGNORECASE)
_NAME_NOUN_YEAR_TAIL = re.compile(rf"{_NOUN_BEFORE_YEAR}{_YEAR_DIGITS}", re.IGNORECASE)
# The patterns that open with a year (at most some 100 characters long) are tried at the
# years alone, each with this much text after it.
_AFTER_YEAR = 120
_ET_AL_ALONE = re.compile(rf"(?<![\w.]){ET_AL}", re.IGNORECASE)
_CONJUNCTION = re.compile(rf"&|\b{AND}\b", re.IGNORECASE)


def find_author_years(text: str, *, weak: bool) -> list[AuthorYear]:
    """Author-year citations in `text`, strong forms always, weak forms when asked.

    Each pattern runs only in small windows around what it cannot do without (a year,
    "et al"), and only where a cheap search finds the words it ends with, or at the years
    it opens with: a long post costs little more than finding its years.
    """
    if "19" not in text and "20" not in text:
        return []
    years = [
        start
        for match in _YEAR_ALONE.finditer(text)
        if not ((start := match.start()) and text[start - 1].isdecimal())
    ]
    if not years:
        return []
    size = len(text)
    et_al = [(m.start() - 150, m.end() + 20) for m in _ET_AL_ALONE.finditer(text)]
    listed = [(y - 400, y + 8) for y in years if _CONJUNCTION.search(text, max(0, y - 60), y)]
    runs: list[tuple[re.Pattern[str], re.Pattern[str], bool, list[tuple[int, int]]]] = [
        (_ET_AL, _ET_AL_TAIL, True, et_al),
        (_NAME_LIST, _NAME_LIST_TAIL, True, listed),
    ]
    if weak:
        runs.append((_NAME_YEAR, _NAME_YEAR_TAIL, False, [(y - 60, y + 8) for y in years]))
        runs.append(
            (_NAME_NOUN_YEAR, _NAME_NOUN_YEAR_TAIL, False, [(y - 90, y + 8) for y in years])
        )
    found: list[AuthorYear] = []
    taken = SpanSet()
    for pattern, tail, strong, windows in runs:
        for low, high in _merged(windows, size):
            if tail.search(text, low, high) is not None:
                for match in pattern.finditer(text, low, high):
                    _add(found, taken, text, match, strong)
    if weak:
        for opening in (_YEAR_NAME, _YEAR_BY_NAME):
            end = 0
            for year in years:
                if year < end:
                    continue  # inside the last match, as `finditer` reads on from its end
                tried = opening.match(text, year, min(size, year + _AFTER_YEAR))
                if tried is not None:
                    end = tried.end()
                    _add(found, taken, text, tried, False)
    found.sort(key=lambda citation: citation.start)
    return found


def _add(
    found: list[AuthorYear], taken: SpanSet, text: str, match: re.Match[str], strong: bool
) -> None:
    """Keep the citation `match` is, unless it overlaps one kept before or names no one."""
    if taken.overlaps(match.start(), match.end()):
        return
    # Before "et al." even a lower-case word is a surname ("lee et al 2024").
    names = match.group("names")
    surnames = _surnames(names, capitalised=match.re is not _ET_AL)
    if not surnames:
        return
    # Start at the first real author, not at a word the pattern swept in.
    start = match.start("names") + _start_of_item(names, len(surnames))
    if match.re in (_YEAR_NAME, _YEAR_BY_NAME):
        start = match.start()
    end = _without_stray_closer(text, start, match.end())
    found.append(AuthorYear(start, end, surnames, int(match.group("year")), strong))
    taken.add(start, end)


def _merged(windows: list[tuple[int, int]], size: int) -> list[tuple[int, int]]:
    """Windows clipped to the text and merged where they overlap (each scanned once)."""
    merged: list[tuple[int, int]] = []
    for low, high in sorted((max(0, a), min(size, b)) for a, b in windows):
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def fold_surname(name: str) -> str:
    """`Van der Meer` → `van der meer`, `Øystein` → `oystein`: how surnames are compared."""
    return " ".join(fold_word(part) for part in re.split(r"[\s'’]+", name.strip()) if part)


def _surnames(names: str, *, capitalised: bool) -> tuple[str, ...]:
    """Folded surnames of a matched name list, initials dropped.

    Words before the real list that the pattern swept in ("I read it, Lee et al.") are
    dropped; if the last name is no surname, there is no citation. A lone name before
    "et al." may be lower case (`capitalised=False`).
    """
    items = [_without_initials(raw) for raw in _NAME_SPLIT.split(names)]
    items = [
        words
        for index, words in enumerate(items)
        if words and not (index and len(words) == 1 and _INITIALS_WORD.match(words[0]))
    ]
    result: list[str] = []
    for words in items:
        last_word = words[-1]
        lone = len(items) == 1
        if (
            ((capitalised or not lone) and not last_word[0].isupper())
            or last_word.lower() in _NOT_SURNAMES
            or len(last_word) < 2
            # Acronyms (NIH, PACE, CDC) stand before years constantly and are not authors.
            or (last_word.isupper() and len(last_word) <= 4)
        ):
            result = []
            continue
        result.append(fold_surname(" ".join(words)))
    if not result or result[-1] != fold_surname(" ".join(items[-1])):
        return ()
    return tuple(result)


def _without_stray_closer(text: str, start: int, end: int) -> int:
    """Leave out a closing bracket whose opening one lies before the citation."""
    span = text[start:end]
    if span.endswith((")", "]")) and span.count("(") + span.count("[") < span.count(
        ")"
    ) + span.count("]"):
        return len(span.rstrip(")] ")) + start
    return end


def _start_of_item(names: str, kept: int) -> int:
    """Offset in `names` of the item where the last `kept` real names begin."""
    separators = list(_NAME_SPLIT.finditer(names))
    items = [0, *(m.end() for m in separators)]
    real = [i for i in items if not _INITIALS_WORD.match(names[i:].split(",", 1)[0].strip())]
    return real[-kept] if len(real) >= kept else 0


def _without_initials(raw: str) -> list[str]:
    """`Walitt B` → [`Walitt`]; `Naviaux's` → [`Naviaux`]."""
    words = _POSSESSIVE.sub("", raw.strip()).split()
    while len(words) > 1 and _INITIALS_WORD.match(words[-1]):
        words.pop()
    return words
