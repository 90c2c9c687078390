"""The keys under which an atlas author's surname is found, however a post writes it.

A key is the surname's folded letters with spaces, hyphens and apostrophes removed, so
`Lindqvist-Berg`, `lindqvist berg`, `van der Berg`/`Vanderberg` and `O'Connor`/`OConnor` meet.
Diacritics are dropped (`Núñez` → `nunez`) and German and Scandinavian letters are also
transliterated (`Müller` is found as `muller` and as `mueller`, `Sørensen` as `sorensen` and
`soerensen`). A surname with particles is also found by its last word alone (`Campen` for
`van Campen`), as a weaker, partial key. Group authors ("CORE-ME Study Investigators") are
keyed by their name without the group words (`coreme`).
"""

from __future__ import annotations

import re

from linker.languages import WORD_SURNAMES as FOREIGN_WORD_SURNAMES
from linker.textnorm import fold_word

PARTICLES_TEXT = """
    van von de der den del della da di du le la dos das ter ten op het zu mac
"""
PARTICLES = frozenset(PARTICLES_TEXT.split())
# Words that close a group author's name: "… Study Investigators", "… Collaborative Group".
GROUP_WORDS_TEXT = """
    investigators collaborators collaborative collaboration group consortium committee
    network team study writing steering working
"""
GROUP_WORDS = frozenset(GROUP_WORDS_TEXT.split())
_TRANSLITERATION = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ø": "oe", "Ø": "Oe",
     "å": "aa", "Å": "Aa", "æ": "ae", "Æ": "Ae", "ß": "ss"}
)  # fmt: skip
_SPLIT = re.compile(r"[\s'’`.-]+")
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$")

# Surnames that are also ordinary words (English, and place words of the community's
# languages): a capitalised one may just start a sentence or name a place, so it needs more
# than a year beside it to count as a citation.
WORD_SURNAMES_TEXT = """
    young brown white black green gray grey long short light hope king strong rich bird
    fox wolf hill wood woods stone bell hart love may rose page price cook baker hunter
    walker turner mason park hall day field ford grant hunt lane law little moss north
    south east west power read reed rice sharp snow steel swift wise best case chase
    cross frank free gold good hand hay berg holm lund strand dal bach wall rock lake
    pond marsh moon star sun summer winter spring frost rain storm bright early late
    small large major minor noble wild fair sweet gentle kind able bishop knight bond
    banks booth bush carpenter carter cole coles cooper crane dean drake english fisher
    fletcher foster french gardner glass golden hawk heath hood horn house howe jordan
    joy lamb lord lucas mark marshall miles mills nash newman oakley palmer parsons
    person pike pink pope porter potter pratt ray rider rivers robin rowe sage salt
    savage shepherd silver skinner slater smart spencer sparks stark steward stocks
    strange street sutton taylor temple thorn tower tucker vale wade ward warren waters
    weaver webb wells wheeler wilde woodward wright yates son lo neu bang li kim
    ma an he do ho mo so ko
"""
WORD_SURNAMES = frozenset(WORD_SURNAMES_TEXT.split())
# Institutions whose names are also surnames: "the Cochrane review", "the Stanford study" name
# a place of research, not an author.
INSTITUTIONS_TEXT = """
    cochrane stanford harvard mayo oxford cambridge columbia cornell yale duke emory
    imperial kings melbourne griffith bergen
"""
INSTITUTIONS = frozenset(INSTITUTIONS_TEXT.split())


def surname_of(author: str) -> str:
    """The surname part of an author as the atlas lists it.

    `Lee, Jin-Seok` → `Lee`; `Robert K. Naviaux` → `Naviaux`; `C. M. C. van Campen` →
    `van Campen`; a group author is returned whole.
    """
    author = author.strip()
    if "," in author:
        return author.split(",", 1)[0].strip()
    words = author.split()
    if len(words) < 2 or is_group(author):
        return author
    start = len(words) - 1
    while start > 0 and words[start - 1].lower() in PARTICLES:
        start -= 1
    return " ".join(words[start:])


def is_group(author: str) -> bool:
    """Whether an author is a group ("PHOENIX Collaborative Group", "… Collaborators")."""
    words = author.lower().split()
    return "," not in author and any(word in GROUP_WORDS for word in words[1:])


def name_key(words: list[str] | str) -> str:
    """The key of a surname as written: folded letters, separators dropped."""
    if isinstance(words, str):
        words = [words]
    return "".join(fold_word(part) for word in words for part in _SPLIT.split(word) if part)


def keys_of(author: str) -> tuple[list[str], list[str]]:
    """(full keys, partial keys) under which `author` (atlas form) is found."""
    surname = surname_of(author)
    if is_group(author):
        words = surname.split()
        kept = []
        for word in words:
            if word.lower() in GROUP_WORDS:
                break
            kept.append(word)
        return ([name_key(kept)] if kept else []), []
    full = {name_key(surname), name_key(surname.translate(_TRANSLITERATION))}
    full.discard("")
    parts = [p for p in surname.split() if not _INITIALS.match(p)]
    partial: list[str] = []
    if len(parts) > 1 and parts[0].lower() in PARTICLES:
        last = name_key(parts[-1])
        if last and last not in full:
            partial.append(last)
    return sorted(full), partial


def is_institution(key: str) -> bool:
    """Whether a surname key is also the name of a research institution."""
    return key in INSTITUTIONS


def is_word_surname(key: str) -> bool:
    """Whether a surname key is also an ordinary word (see `WORD_SURNAMES`)."""
    return key in WORD_SURNAMES or key in FOREIGN_WORD_SURNAMES
