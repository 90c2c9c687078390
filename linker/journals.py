"""How people write a journal's name: in full, as its ISO 4 abbreviation, or as its acronym.

`journal_forms("Brain, Behavior, and Immunity")` gives the folded forms `brain behavior
immunity`, `brain behav immun` and `bbi`; a post names the journal when one of them occurs in
it as whole words. ISO 4 (https://www.issn.org/services/online-services/access-to-the-ltwa/)
abbreviates each word by the List of Title Word Abbreviations and drops articles,
conjunctions and prepositions; `_LTWA` holds the words of this field's journals, and an
unlisted "-ology" word is cut the LTWA way (immunology → immunol). Usual names that follow no
rule (NEJM, PNAS, "Lancet Resp Med") come from `_USUAL`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import product

from linker.textnorm import tokens

DROPPED = frozenset(["the", "of", "and", "in", "for", "on", "a", "an", "de", "la", "der", "und"])
_LTWA: dict[str, tuple[str, ...]] = {
    "journal": ("j",), "medicine": ("med",), "medical": ("med",), "translational": ("transl",),
    "nature": ("nat",), "communications": ("commun",), "science": ("sci",),
    "sciences": ("sci",), "advances": ("adv",), "proceedings": ("proc",),
    "national": ("natl",), "academy": ("acad",), "united": ("u",), "states": ("s",),
    "america": ("am",), "american": ("am",), "behavior": ("behav",), "behaviour": ("behav",),
    "immunity": ("immun",), "clinical": ("clin",), "autonomic": ("auton",),
    "research": ("res",), "frontiers": ("front",), "internal": ("intern",),
    "nuclear": ("nucl",), "european": ("eur",), "applied": ("appl",), "annals": ("ann",),
    "disease": ("dis",), "diseases": ("dis",), "childhood": ("child",), "archives": ("arch",),
    "pediatrics": ("pediatr",), "paediatrics": ("paediatr",), "international": ("int",),
    "reviews": ("rev",), "review": ("rev",), "systematic": ("syst",), "genetics": ("genet",),
    "respiratory": ("respir", "resp"), "regional": ("reg",), "biomedicine": ("biomed",),
    "practice": ("pract",), "rehabilitation": ("rehabil",), "disability": ("disabil",),
    "reports": ("rep",), "investigation": ("invest",), "experimental": ("exp",),
    "infectious": ("infect",), "neuroscience": ("neurosci",), "british": ("br",),
    "exercise": ("exerc",), "molecular": ("mol",), "biology": ("biol",),
    "metabolism": ("metab",), "therapeutics": ("ther",), "diagnostic": ("diagn",),
    "laboratory": ("lab",), "psychiatry": ("psychiatry",), "sports": ("sports",),
    "school": ("sch",), "psychosomatic": ("psychosom",), "chronic": ("chronic",),
    "fatigue": ("fatigue",), "health": ("health",), "expert": ("expert",),
    "pharmacology": ("pharmacol",), "association": ("assoc",), "society": ("soc",),
    "general": ("gen",), "family": ("fam",), "physical": ("phys",), "therapy": ("ther",),
    "cardiology": ("cardiol",), "cardiovascular": ("cardiovasc",), "physiology": ("physiol",),
    "neurophysiology": ("neurophysiol",), "neuropsychology": ("neuropsychol",),
    "psychology": ("psychol",), "community": ("community",), "military": ("mil",),
    "practitioners": ("pract",), "academic": ("acad",), "open": ("open",),
}  # fmt: skip
# Names people use that no abbreviation rule gives (folded words).
_USUAL: dict[str, tuple[str, ...]] = {
    "new england journal of medicine": ("nejm", "n engl j med"),
    "proceedings of the national academy of sciences": ("pnas",),
    "proceedings of the national academy of sciences of the united states of america": ("pnas",),
    "brain behavior and immunity": ("bbi",),
    "journal of clinical investigation": ("jci",),
    "jci insight": ("jci insight",),
    "science translational medicine": ("sci transl med", "stm"),
    "plos one": ("plos one", "plos1"),
    "lancet london england": ("lancet",),
    "lancet": ("lancet",),
    "bmj clinical research ed": ("bmj",),
    "the lancet respiratory medicine": ("lancet resp med", "lancet respir med"),
    "the lancet regional health europe": ("lancet reg health eur",),
    "jama": ("jama",),
    "annals of internal medicine": ("ann intern med", "annals"),
    "science new york n y": ("science",),
}
_ACRONYMS = frozenset({"nejm", "pnas", "bbi", "jci", "stm", "jama", "bmj"})
# Initials that spell something else in this field's posts (CAR T cells, the aim of a study).
_WORD_ACRONYMS_TEXT = """
    car aim arm art cat map pet met sad fan man men pem cfs ibs
"""
_WORD_ACRONYMS = frozenset(_WORD_ACRONYMS_TEXT.split())
_PARENTHESES = re.compile(r"\(([^)]*)\)")
_ACRONYM = re.compile(r"^[A-Z]{3,6}$")
_MAX_FORMS = 16


@dataclass(frozen=True)
class JournalForms:
    """The ways a post names one journal.

    `phrases`: folded word sequences ("nat med", "brain behav immun"); `acronyms`: written
    in capitals ("BBI", "PNAS"); `words`: one-word names ("Microbiome", "Lancet", "Annals"),
    which count only where written as a name (capitalised, after "in", "(" or a comma),
    because as plain words they occur in posts that name no journal.
    """

    phrases: frozenset[str]
    acronyms: frozenset[str]
    words: frozenset[str]
    pattern: re.Pattern[str] | None = None  # the acronyms and one-word names, as written


@lru_cache(maxsize=4096)
def journal_forms(journal: str) -> JournalForms:
    """Every form of `journal` that a post may use."""
    forms: set[str] = set()
    for inside in _PARENTHESES.findall(journal):
        if _ACRONYM.match(inside.strip()):
            forms.add(inside.strip().lower())  # "… Sciences (PNAS)"
    main = _PARENTHESES.sub(" ", journal)
    words = [w for w in tokens(main) if w not in DROPPED]
    forms.update(_USUAL.get(" ".join(tokens(journal)), ()))
    forms.update(_USUAL.get(" ".join(tokens(main)), ()))
    acronyms = {form.upper() for form in forms if " " not in form and form in _ACRONYMS}
    if len(words) >= 2:
        forms.add(" ".join(words))
        forms.update(_abbreviations(words))
        initials = "".join(word[0] for word in words)
        if 3 <= len(initials) <= 6 and len(words) >= 3 and initials not in _WORD_ACRONYMS:
            acronyms.add(initials.upper())  # "Journal of Translational Medicine" → "JTM"
    elif len(words) == 1:
        forms.add(words[0])
    phrases = frozenset(form for form in forms if " " in form)
    single = frozenset(form for form in forms if " " not in form and form.upper() not in acronyms)
    written = [rf"(?<![\w-]){re.escape(a)}(?![\w-])" for a in sorted(acronyms)]
    written += [
        rf"(?:\b[Ii]n|\(|,|;|–|—|-)\s{{0,2}}{re.escape(w.capitalize())}\b" for w in sorted(single)
    ]
    pattern = re.compile("|".join(written)) if written else None
    return JournalForms(phrases, frozenset(acronyms), single, pattern)


def _abbreviations(words: list[str]) -> list[str]:
    """ISO 4 style abbreviations of a journal's significant words (a few variants at most)."""
    choices = [_LTWA.get(word) or (_cut(word),) for word in words]
    found = []
    for combination in product(*choices):
        found.append(" ".join(combination))
        if len(found) >= _MAX_FORMS:
            break
    return found


def _cut(word: str) -> str:
    """The LTWA's ending rule for an unlisted word: "-ology" → "-ol", "-ological" → "-ol"."""
    for ending in ("ological", "ology"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            return word[: -len(ending)] + "ol"
    return word


def journal_words(text: str) -> str:
    """`text` folded for `names_journal`: its words with articles and prepositions left out,
    space-separated, with a space at each end."""
    return " " + " ".join(w for w in tokens(text) if w not in DROPPED) + " "


def names_journal(journal: str, text: str, words: str) -> str | None:
    """The form of `journal` that `text` uses (`words` is `journal_words(text)`), or None."""
    forms = journal_forms(journal)
    for phrase in forms.phrases:
        if f" {phrase} " in words:
            return phrase
    if forms.pattern is not None:
        found = forms.pattern.search(text)
        if found:
            return found.group().lstrip("(,;–—- ").removeprefix("in ").removeprefix("In ")
    return None
