"""Author mentions as people write them: "Okafor's review", "the Lindqvist-Berg cytokine paper",
"Berg & Holm", "Walitt and colleagues … in 2024", "the CORE-ME study investigators".

`find_mentions` finds every surname the atlas knows (`is_key`) and reads what stands around
it: co-authors joined by `/`, `&`, `and` or commas; the cues that make a name a citation
(et al., a possessive, a study noun, "and colleagues", "study by …", a group author's
"investigators", a verb of reporting, a year beside it); the year of its sentence; and
whether it could be an ordinary word (a sentence-initial or word-like surname, a place after
"to"/"in"). Which atlas entry it names, if any, is for `linker.author_match` to decide.

Every repetition is bounded, and patterns run only at a found name
(https://www.regular-expressions.info/catastrophic.html).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import chain

from linker.author_year import AND, ET_AL, AuthorYear
from linker.everyday import zipf
from linker.languages import INSTITUTION_WORDS, PLACE_WORDS
from linker.surnames import GROUP_WORDS, is_word_surname, name_key
from linker.textnorm import fold_word

_PARTICLE = r"(?i:van|von|de|der|den|del|della|da|di|du|le|la|dos|das|ter|ten|op|het)"
_CAPITAL = r"[A-ZÀ-ÖØ-ÞĀ-ŽΑ-Ω]"
_NAME_CHARS = r"[\w'’\u2010\u2011-]"  # letters, apostrophes, hyphens (also Unicode ones)
_WORD = rf"{_CAPITAL}{_NAME_CHARS}{{1,40}}"
# Particles before a capitalised name ("van der Berg") and a second capitalised word after
# it ("Lindqvist Berg", "Moreau NIH"): `_keyed` tries the longest known name among them.
_PARTICLES_BEFORE = re.compile(rf"(?<![\w'’-])(?:{_PARTICLE}[ \t]{{1,2}}){{1,3}}$")
_NEXT_CAPITALISED = re.compile(rf"(?:[ \t]{{1,2}}{_WORD}){{1,2}}")
_LOWER_BEFORE_ET_AL = re.compile(
    r"(?<![\w'’-])([^\W\d_][\w'’-]{1,40})(?:\s{1,2}([^\W\d_][\w'’-]{1,40}))?"
    rf"(?=\s{{0,2}},?\s{{0,2}}{ET_AL})"
)
# "Okafor's", "Dubois'", and German "Naviaux'" (a name ending in a silent x or z)
_POSSESSIVE_END = re.compile(r"(?:['’]s|(?<=[sxzß])['’])$")
_SEPARATOR = re.compile(rf"\s{{0,2}}(?:/|&|\b{AND}\b|,)\s{{0,2}}", re.IGNORECASE)
_NEXT_NAME = re.compile(rf"(?:{_PARTICLE}\s{{1,2}}){{0,3}}{_WORD}")
# The surname after a given name and maybe a middle initial: "Leo| Grant", "Ingrid| G. Rekeland".
_SURNAME_AFTER_GIVEN = re.compile(
    rf"(?:[ \t](?-i:[A-Z])\.)?[ \t](?P<surname>(?:{_PARTICLE}[ \t]{{1,2}}){{0,3}}{_WORD})"
)
# Between the two keys of a co-author written as two capitalised words ("leo|grant").
COAUTHOR_EITHER = "|"
_INITIALS_AFTER = re.compile(r"[ \t]{1,2}(?-i:[A-Z]{1,3})\b\.?(?=\s{0,2}[,;&]|\s{1,2}et\b)")
# A long lower-case surname with its year: "vanderberg 2018", "giloteaux (2016)".
_YEAR_START = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)")
_LOWER_NAME_BEFORE_YEAR = re.compile(r"(?<![\w'’-])([a-zà-öø-ÿ][a-zà-öø-ÿ'’-]{6,40})[ \t]{1,2}\(?$")
_ET_AL_ANYWHERE = re.compile(rf"(?<![\w.]){ET_AL}", re.IGNORECASE)
# What the other forms of "et al." hold (usually written over by `linker.languages` first).
_ET_AL_HINTS = ("a.", "fl.", "col")
_ET_AL = re.compile(rf"\s{{0,2}},?\s{{0,2}}{ET_AL}(?:['’]s)?", re.IGNORECASE)
_COLLEAGUES = re.compile(
    r"\s{1,2}(?:and|&|\+)\s{1,2}(?:colleagues|co\b\.?|co-?workers|co-?authors|team|others|"
    r"friends|crew|gang)\b"
    # und Kollegen, en collega's, og kolleger, y colaboradores, et collègues, e colaboradores
    # (linker.languages may already have written the local "and" over as "and")
    r"|\s{1,2}(?:und|en|og|y|et|e|and|&)\s{1,2}"
    r"(?:(?:ses|sus|su|hans|hennes|haar|zijn|sein|seine|ihr|ihre|leur|leurs)\s{1,2})?"
    r"(?:kollegen|kolleger|collega['’]?s|colaboradores|coll[eè]gues|mitarbeiter|team)\b",
    re.IGNORECASE,
)
_GROUP_AFTER = re.compile(
    r"\s{1,2}(?:study\s{1,2}|trial\s{1,2}|writing\s{1,2})?(?:investigators|collaborators|"
    r"collaborative\s{1,2}group|consortium|group|team|committee|network|study|cohort|trial)\b",
    re.IGNORECASE,
)
_NOUNS = (
    r"(?:study|studies|paper|papers|trial|rct|review|article|preprint|work|critique|survey|"
    r"analysis|meta-?analysis|data|findings|group|lab|team|cohort|investigators|experiment|"
    r"research|report|publication|commentary|letter|results|follow-?up|pilot|biopsies|"
    r"appraisal|overview|editorial|case\s{1,2}series|thing|one|"
    # German, Dutch, Norwegian, Spanish, French
    r"studie|studien|untersuchung|arbeit|artikel|übersichtsarbeit|metaanalyse|"
    r"onderzoek|artikkel|artikkelen|forskning|forskningen|studiet|estudio|artículo|ensayo|trabajo|"
    r"revisión|étude|etude|essai|travail|revue|publication|crítica|kritik|kritiek|kritikk|"
    r"encuesta|enquête|oversikt|übersicht|umfrage|\w{2,20}(?:studie[nt]?|arbeit))"
)
# The noun after a few words of description: "the Moreau NIH trial", "Ruiz's microbiome paper".
_NOUN_AFTER = re.compile(
    rf"(?:[ \t]{{1,2}}[\w'’/()-]{{1,30}}){{0,4}}?[ \t]{{1,2}}{_NOUNS}\b", re.IGNORECASE
)
# What the study was about, after its noun: "critique of the imaging methods", "trial on LDN".
_OF_AFTER = re.compile(r"[ \t]{1,2}(?:of|on|about|into|in)(?:[ \t]{1,2}[\w'’/-]{1,30}){1,4}", re.I)
_DETERMINERS_TEXT = """
    the that this these those his her their our a an 's ’s die der das den dem diese
    het deze dit de la le el les los las l' l’ esta este cette ce studien
"""
_DETERMINERS = frozenset(_DETERMINERS_TEXT.split())
_NOUN = re.compile(rf"\b{_NOUNS}\b", re.IGNORECASE)
_BY_BEFORE = re.compile(
    rf"\b(?:{_NOUNS}|published|done|led|written|run)\s{{1,2}}(?:[\w-]{{1,20}}\s{{1,2}}){{0,3}}?"
    r"(?:by|from|von|van|door|av|til|fra|de|del|por|par)\s{1,2}$|\baccording\s{1,2}to\s{1,2}$"
    r"|\bsee\s{1,2}$|\bcf\.?\s{1,2}$|\bd['’]$",
    re.IGNORECASE,
)
_VERB_AFTER = re.compile(
    r"[ \t]{1,2}(?:(?:also|already|actually|first|then|later|originally)[ \t]{1,2})?"
    r"(?:showed|shows|found|finds|reported|reports|demonstrated|published|argued|argues|"
    r"wrote|suggested|suggests|proposed|described|measured|looked|tested|compared|replicated|"
    r"observed|concluded|did|tried|ran|used)\b",
    re.IGNORECASE,
)
# Words before a name that make it a place: "moved to Holm", "a trip to Berg".
_PLACE_WORDS_TEXT = """
    to in at near visited visiting visit moved live lives living born trip via around
    nach bei im aus naar på i à en
"""
_PLACE_WORDS = frozenset(_PLACE_WORDS_TEXT.split()) | PLACE_WORDS
_YEAR = re.compile(r"(?<![\w.,/-])((?:19|20)\d{2})(?![\d/-]|\.\d|,\d)")
_NOT_A_CITATION_YEAR = re.compile(
    r"\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|since|until|till|summer|"
    r"winter|spring|autumn|fall|christmas|easter|class\s{1,2}of|born\s{1,2}in|"
    # months and "since" in German, Dutch, Norwegian, Spanish and French
    r"januar|jänner|märz|mai|juni|juli|oktober|dezember|seit|januari|februari|maart|mei|"
    r"augustus|sinds|desember|siden|enero|febrero|marzo|abril|mayo|junio|julio|agosto|"
    r"septiembre|octubre|noviembre|diciembre|desde|janvier|février|mars|avril|juin|"
    r"juillet|août|septembre|octobre|novembre|décembre|depuis)\.?\s{1,2}$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(
    r"(?:[!?]+|(?<![\s.][A-Za-z])(?<!\bal)(?<!\bvs)(?<!\bca)(?<!\bfl)(?<!\bcol)(?<!\bcols)"
    r"(?<!\bcoll)(?<!\bmfl)\.)(?=\s)|\n"
)
_CAPITALISED_ORDINARY_TEXT = """
    the a an and or but so as at by for from in into of on to with this that these those
    it its he she they we i you my our your his her their has have had is was were be
    been do does did not no yes if when where while which what who why how here there
    then than also just only very really honestly anyway ok okay lol edit update thanks
    thank please january february march april may june july august september october
    november december monday tuesday wednesday thursday friday saturday sunday christmas
    easter
"""
_CAPITALISED_ORDINARY = frozenset(_CAPITALISED_ORDINARY_TEXT.split())
# Cues that make a name after "to", "in" or "from" an author rather than a place.
_NOT_A_PLACE = frozenset(
    {"possessive", "et-al", "author-list", "by", "study-noun", "colleagues", "verb"}
)
_YEAR_REACH_AFTER = 140
_NEXT_SENTENCE_REACH = 16
_YEAR_REACH_BEFORE = 90


@dataclass(frozen=True)
class Mention:
    """A surname of the atlas mentioned in a post, with what surrounds it."""

    start: int
    end: int
    key: str
    coauthors: tuple[str, ...]
    year: int | None
    cues: frozenset[str]
    sentence_start: bool  # first word of its sentence: capitalisation says nothing
    lower_case: bool
    place: bool  # after "to", "in", "moved": maybe a place
    noun: str | None = None  # "review", "trial", "paper": what kind of study the post says
    described: tuple[str, ...] = ()  # words describing it: "the Lindqvist-Berg cytokine paper"


def find_mentions(
    text: str,
    is_key: Callable[[str], bool],
    citations: list[AuthorYear],
    starts: AbstractSet[str] | None = None,
    words: AbstractSet[str] | None = None,
) -> list[Mention]:
    """Mentions of atlas surnames in `text`, in order; `citations` are the author-year
    citations found by `linker.author_year` (their names and years are taken as found).

    `starts` holds the keys of known names and the first words of names of several words: a
    post with no such word and no "et al." is done with after one pass over its words.
    """
    mentions = []
    claimed = []  # citations of known names: their names and years are taken
    for citation in citations:
        mention = _from_citation(text, citation, is_key)
        if mention is not None:
            mentions.append(mention)
            claimed.append((citation.start, citation.end))
    consumed: list[tuple[int, int]] = list(claimed)
    years = _Years(text, claimed)  # read only if a name is found
    passes: list[Iterator[_Spot]] = []
    if starts is None or _may_name(text, starts):
        passes.append(_capitalised_spots(text, is_key, consumed, starts))
    if _may_cite_et_al(text):
        passes.append(_lower_case_spots_before_et_al(text, is_key, consumed))
    if "19" in text or "20" in text:
        passes.append(_lower_case_spots_before_year(text, is_key, consumed))
    if words is None or not _PLAIN_NOUN_WORDS.isdisjoint(words):
        passes.append(_lower_case_spots_by_noun(text, is_key, consumed))
    # The passes run one after another, each lazily: a name one finds is `consumed` before
    # the next candidate is looked at, so no stretch of text is read as two mentions.
    for spot in chain(*passes):
        mention, used = _read_around(text, spot, years)
        consumed.append((spot.start, used))
        mentions.append(mention)
    mentions.sort(key=lambda m: m.start)
    return mentions


def other_author_mentions(
    text: str, keys: AbstractSet[str], taken: list[tuple[int, int]]
) -> list[Mention]:
    """Mentions of names that are an atlas entry's co-author or senior author, not its first
    ("Montoya's Science Advances paper", "a study led by Prof. Mella"): the capitalised words
    of `text` under one of `keys`, outside the spans `taken`. A title before the name ("Dr.",
    "Prof.") adds the cue `title`."""
    years = _Years(text, [])
    consumed = list(taken)
    found = []
    for match in _CAPITALISED_WORD.finditer(text):
        key = word_key(match.group())
        if key not in keys or _inside(match.start(), consumed):
            continue
        if _INSTITUTION_AFTER.match(text, match.end()):
            continue
        possessive = bool(_POSSESSIVE_END.search(match.group()))
        spot = _Spot(match.start(), match.end(), key, possessive)
        mention, used = _read_around(text, spot, years)
        consumed.append((spot.start, used))
        cues = set(mention.cues)
        if _TITLE_BEFORE.search(text, max(0, spot.start - 40), spot.start):
            cues.add("title")
        if _BY_GIVEN_NAME_BEFORE.search(text, max(0, spot.start - 60), spot.start):
            cues.add("by")  # "co-authored by Komudi Singh"
        year = _YEAR_RIGHT_AFTER.match(text, spot.end)
        if year and mention.year is None:
            # "the Dorri 2022 paper": the year inside the description is the paper's.
            mention = replace(mention, year=int(year.group(1)))
            cues.add("year-beside")
        found.append(replace(mention, cues=frozenset(cues)))
    return found


_BY_GIVEN_NAME_BEFORE = re.compile(rf"\b[Bb]y[ \t]{{1,2}}{_WORD}[ \t]{{1,2}}$")
_YEAR_RIGHT_AFTER = re.compile(r"(?:['’]s)?[ \t]{1,2}\(?((?:19|20)\d{2})(?!\d)")


# "Dr. Unger", "Prof. Mella", "Professor Mady Hornig", "professeur Dubois"
_TITLE_BEFORE = re.compile(
    r"\b(?:Dr|Prof|Professor|Professorin|Doctor|Doktor|Dra|Pr|professeur|professor)\.?"
    rf"[ \t]{{1,2}}(?:{_WORD}[ \t]{{1,2}})?$"
)


def _capitalised_spots(
    text: str,
    is_key: Callable[[str], bool],
    consumed: list[tuple[int, int]],
    starts: AbstractSet[str] | None,
) -> Iterator[_Spot]:
    """The known capitalised names (and any name before "et al.") not yet consumed."""
    for match in _CAPITALISED_WORD.finditer(text):
        if _inside(match.start(), consumed):
            continue
        if starts is not None and not _may_start(match.group(), starts):
            continue
        run_start, run_end = match.start(), match.end()
        particles = _PARTICLES_BEFORE.search(text, max(0, run_start - 30), run_start)
        if particles:
            run_start = particles.start()
        following = _NEXT_CAPITALISED.match(text, run_end)
        if following:
            run_end = following.end()
        spot = _keyed(text, run_start, text[run_start:run_end], is_key)
        if spot is None or _INSTITUTION_AFTER.match(text, spot.end):
            continue  # "King's College", "Brown University", "Long Covid": not an author
        yield spot


def _lower_case_spots_before_et_al(
    text: str, is_key: Callable[[str], bool], consumed: list[tuple[int, int]]
) -> Iterator[_Spot]:
    """Known names in lower case before "et al." ("holm et al. showed …")."""
    for match in _lower_before_et_al(text):
        if _overlaps(match.start(), match.end(), consumed) or match.group(1)[0].isupper():
            continue
        words = [w for w in match.groups() if w]
        key = name_key(words)
        if not is_key(key):
            key = name_key(words[-1:])
            if not is_key(key):
                continue
        yield _Spot(match.start(), match.end(), key, False)


def _lower_case_spots_before_year(
    text: str, is_key: Callable[[str], bool], consumed: list[tuple[int, int]]
) -> Iterator[_Spot]:
    """Known long lower-case names with their year ("vanderberg 2018")."""
    for year in _YEAR_START.finditer(text):
        position = year.start()
        match = _LOWER_NAME_BEFORE_YEAR.search(text, max(0, position - 45), position)
        if match is None:
            continue
        key = word_key(match.group(1))
        if _overlaps(match.start(), position, consumed) or not is_key(key):
            continue
        if is_word_surname(key):
            continue
        yield _Spot(match.start(1), match.end(1), key, False)


def _lower_case_spots_by_noun(
    text: str, is_key: Callable[[str], bool], consumed: list[tuple[int, int]]
) -> Iterator[_Spot]:
    """Known names in lower case just before a study noun or just after its "by" ("the
    giloteaux microbiome paper", "naviaux's paper", "die studie von loebel"): only names that
    are no word of the community's languages (`linker.everyday`)."""
    for noun_start, noun_end in _plain_nouns(text):
        low = max(0, noun_start - _LOWER_REACH)
        spots = [(m.start(), m.group()) for m in _LOWER_WORD.finditer(text, low, noun_start)]
        by = _LOWER_NAME_AFTER_BY.match(text, noun_end)
        if by:
            spots.append((by.start(1), by.group(1)))
        study = text[noun_start:noun_end].lower()
        for start, written in spots[-_LOWER_WORDS_BEFORE:] if not by else spots:
            end = start + len(written)
            key = word_key(written)
            if (
                len(key) < _LOWER_CASE_NAME_LETTERS
                or not is_key(key)
                or _overlaps(start, end, consumed)
                or is_word_surname(key)
                or zipf(key) > 0
            ):
                continue
            yield _Spot(start, end, key, bool(_POSSESSIVE_END.search(written)), study)
            break


_LOWER_REACH = 60
_LOWER_WORDS_BEFORE = 4
_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-zà-öø-ÿ][\w'’-]{3,40}")
_LOWER_NAME_AFTER_BY = re.compile(
    r"[ \t]{1,2}(?:by|von|van|door|de|del|av|til|fra|par)[ \t]{1,2}([a-zà-öø-ÿ][\w'’-]{3,40})\b"
)
_LOWER_CASE_NAME_LETTERS = 5
# The usual study nouns only (no compounds), as written and as `linker.textnorm` folds them.
_PLAIN_NOUN_TEXT = """
    study paper trial review article preprint studie studien studiet estudio étude artikel
    artikkel onderzoek ensayo essai arbeit
"""
_PLAIN_NOUN = re.compile(rf"\b(?:{'|'.join(_PLAIN_NOUN_TEXT.split())})\b", re.IGNORECASE)
_PLAIN_NOUN_WORDS = frozenset(fold_word(noun) for noun in _PLAIN_NOUN_TEXT.split())
_ASCII_PLAIN_NOUNS = tuple(noun for noun in _PLAIN_NOUN_TEXT.split() if noun.isascii())


def _plain_nouns(text: str) -> list[tuple[int, int]]:
    """The spans `_PLAIN_NOUN.finditer(text)` gives, in order. In ASCII text (most posts)
    they are the nouns' whole-word occurrences in the lower-cased text, which a few
    substring searches find far sooner than the pattern tried at every character."""
    if not text.isascii():
        return [match.span() for match in _PLAIN_NOUN.finditer(text)]
    lowered = text.lower()  # ASCII: same length, and case-insensitive equality is lower()
    size = len(lowered)
    spans = []
    for noun in _ASCII_PLAIN_NOUNS:
        start = lowered.find(noun)
        while start >= 0:
            end = start + len(noun)
            if (start == 0 or not _is_ascii_word_char(lowered[start - 1])) and (
                end == size or not _is_ascii_word_char(lowered[end])
            ):
                spans.append((start, end))  # whole words: no two overlap
            start = lowered.find(noun, start + 1)
    spans.sort()
    return spans


def _is_ascii_word_char(char: str) -> bool:
    """Whether an ASCII character is one `\\w` matches (so `\\b` sees no boundary by it)."""
    return char.isalnum() or char == "_"


# Where the look-ahead of `_LOWER_BEFORE_ET_AL` may find its "et al." (case as written there).
_ET_AL_CASED = re.compile(ET_AL)
# A name and the spaces before its "et al." (two words of at most 41 letters, bounded
# gaps) start no further back than this from where the "et al." starts.
_NAMES_BEFORE_ET_AL = 100
# Read this far past an "et al." (more than any form of it is long), and on to the end of
# the word there, so that the pattern sees no word boundary where the text has none.
_PAST_ET_AL = 60
_REST_OF_WORD = re.compile(r"\w*")


def _lower_before_et_al(text: str) -> Iterator[re.Match[str]]:
    """What `_LOWER_BEFORE_ET_AL.finditer(text)` finds, read only in the stretches around
    each "et al.": tried at every character of a long post, the pattern costs more than
    the rest of its reading. Every match ends where an "et al." follows, so none lies
    outside these stretches, and overlapping stretches are read as one."""
    windows: list[list[int]] = []
    found = _ET_AL_CASED.search(text)
    while found is not None:
        position = found.start()
        low = max(0, position - _NAMES_BEFORE_ET_AL)
        rest = _REST_OF_WORD.match(text, min(len(text), position + _PAST_ET_AL))
        high = rest.end() if rest else len(text)  # (`\w*` always matches)
        if windows and low <= windows[-1][1]:
            windows[-1][1] = high
        else:
            windows.append([low, high])
        found = _ET_AL_CASED.search(text, position + 1)
    for low, high in windows:
        yield from _LOWER_BEFORE_ET_AL.finditer(text, low, high)


_INSTITUTION_AFTER = re.compile(
    rf"(?:['’]s)?[ \t]{{1,2}}(?:{'|'.join(sorted(INSTITUTION_WORDS))})\b", re.IGNORECASE
)
_CAPITALISED_WORD = re.compile(rf"{_CAPITAL}{_NAME_CHARS}{{1,40}}")


def _may_name(text: str, starts: AbstractSet[str]) -> bool:
    """Whether some capitalised word may be or begin a known name."""
    words = set(map(str.lower, _CAPITALISED_WORD.findall(text)))
    if not starts.isdisjoint(words):
        return True
    # A genitive ("Okafors Studie") or possessive ("Okafor's"), a compound ("Moreau-Studie"),
    # letters to fold ("Müller", "O'Connor").
    if not starts.isdisjoint([word[:-1] for word in words if word[-1] == "s"]):
        return True
    return any(
        _may_start(word, starts)
        for word in words
        if (not word.isascii() or not word.isalpha()) and word[2:] not in _CONTRACTIONS
    )


# The ends of "I've", "I'll", "It's", "Don't" (after two characters): no name there.
_CONTRACTIONS = frozenset({"ve", "ll", "m", "d", "re", "s", "t", "'t", "’t"})


def _may_cite_et_al(text: str) -> bool:
    """Whether `text` may hold some form of "et al." (a few substring tests)."""
    if "al" in text and ("et al" in text or "et. al" in text or "Et al" in text):
        return True
    return any(hint in text for hint in _ET_AL_HINTS)


def _may_start(word: str, starts: AbstractSet[str]) -> bool:
    """Whether `word` may be or begin a known name, also as a genitive ("Okafors") or in a
    compound ("Moreau-Studie")."""
    key = word_key(word)
    if key in starts or (key.endswith("s") and key[:-1] in starts):
        return True
    head, dash, _ = word.rpartition("-")
    return bool(dash) and word_key(head) in starts


@lru_cache(maxsize=65_536)
def word_key(word: str) -> str:
    """The key of one written word, a possessive left out ("Okafor's" → "okafor")."""
    return name_key(_POSSESSIVE_END.sub("", word))


def _last_word(before: str) -> str:
    """The last word of `before`, lower case ("'s" counts as a word: "Ruiz's microbiome")."""
    stripped = before.rstrip()
    if stripped.endswith(("'s", "’s")):
        return stripped[-2:].lower()
    if stripped.endswith(("d'", "d’", "l'", "l’")):
        return stripped[-2:].lower()  # "l'étude d'Okafor"
    cut = stripped.rsplit(None, 1)
    return cut[-1].lower() if cut else ""


_CITED_BY = frozenset(
    {"by", "from", "to", "see", "cf", "cf.", "von", "van", "door", "av", "til", "fra", "de",
     "del", "por", "par", "d'", "d’"}
)  # fmt: skip
# Study nouns joined to a name by a hyphen: "Moreau-Studie", "Walitt-studien".
_COMPOUND_NOUNS = frozenset(
    {"studie", "studien", "studiet", "paper", "arbeit", "artikel", "trial", "studie's",
     "onderzoek", "review", "übersichtsarbeit", "metaanalyse", "artikkelen", "gruppe"}
)  # fmt: skip


def _cited_by(before: str) -> bool:
    """Whether `before` ends like "a study by", "the paper from", "according to", "see"."""
    last = _last_word(before)
    return last in _CITED_BY and bool(_BY_BEFORE.search(before))


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(low < end and start < high for low, high in spans)


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _keyed(text: str, start: int, run: str, is_key: Callable[[str], bool]) -> _Spot | None:
    """The first known name in `run`, longest first.

    "The Moreau" holds "Moreau"; "van der Berg" and "Lindqvist Berg" are one name each; a
    German or Norwegian genitive ("Okafors Studie") and a compound with a study noun
    ("Moreau-Studie", "Walitt-studien") hold the name too.
    """
    words = [(m.start() + start, m.group()) for m in re.finditer(r"\S+", run)]
    for first in range(len(words)):
        for last in range(len(words) - 1, first - 1, -1):
            chosen = [word for _, word in words[first : last + 1]]
            possessive = bool(_POSSESSIVE_END.search(chosen[-1]))
            if possessive:
                chosen[-1] = _POSSESSIVE_END.sub("", chosen[-1])
            if chosen[-1].lower() in _CAPITALISED_ORDINARY or not chosen[-1][:1].isupper():
                continue
            begin, end = words[first][0], words[last][0] + len(words[last][1])
            key = name_key(chosen)
            if key and is_key(key):
                return _Spot(begin, end, key, possessive)
            head, dash, tail = chosen[-1].rpartition("-")
            if dash and tail.lower() in _COMPOUND_NOUNS and is_key(name_key([*chosen[:-1], head])):
                return _Spot(begin, end, name_key([*chosen[:-1], head]), possessive, tail.lower())
            if first == last and not possessive and chosen[0].endswith("s"):
                stem = name_key(chosen[0][:-1])
                if stem and is_key(stem) and not is_word_surname(stem):
                    return _Spot(begin, end, stem, True)
    return None


@dataclass(frozen=True)
class _Spot:
    """A known surname found in the text: where, under which key, possessive or not."""

    start: int
    end: int
    key: str
    possessive: bool
    noun: str | None = None  # a study noun joined to the name: "Moreau-Studie"


def _read_around(text: str, spot: _Spot, years: _Years) -> tuple[Mention, int]:
    """The mention at `spot` and where what belongs to it ends."""
    cues: set[str] = {"possessive"} if spot.possessive else set()
    coauthors, position = _coauthors(text, spot.end, cues)
    for pattern, cue in ((_ET_AL, "et-al"), (_COLLEAGUES, "colleagues")):
        found = pattern.match(text, position)
        if found:
            cues.add(cue)
            position = found.end()
    written = text[spot.start : spot.end]
    group = _GROUP_AFTER.match(text, position)
    if group and any(c.isupper() for c in written[1:]):
        cues.add("group")  # "the CORE-ME study investigators", "PHOENIX Collaborative Group"
        position = group.end()
    before = text[max(0, spot.start - 60) : spot.start]
    noun, described, position = _description(text, position, before, cues)
    if spot.noun:
        noun = spot.noun
        cues.add("study-noun")
    if _cited_by(before):
        cues.add("by")
    if _VERB_AFTER.match(text, position):
        cues.add("verb")
    sentence_start, sentence_end = sentence_span(text, spot.start)
    if cues & {"et-al", "author-list"}:
        # A reference-list citation gives its year after the title ("… et al. Title. PNAS
        # 2016"): look on to the end of its line.
        line_end = text.find("\n", position)
        line_end = len(text) if line_end < 0 else line_end
        sentence_end = max(sentence_end, min(line_end, position + _YEAR_REACH_AFTER))
    year, beside = _sentence_year(years, spot.start, position, sentence_start, sentence_end)
    if beside:
        cues.add("year-beside")
    lead = text[sentence_start : spot.start].strip(" \t\"'“‘*_>([-•")
    mention = Mention(
        start=spot.start,
        end=max(position, spot.end),
        key=spot.key,
        coauthors=tuple(coauthors),
        year=year,
        cues=frozenset(cues),
        sentence_start=not lead,
        lower_case=not written.split()[-1][:1].isupper(),
        place=_last_word(before) in _PLACE_WORDS and not cues & _NOT_A_PLACE,
        noun=noun,
        described=described,
    )
    return mention, position


# Words after "and" that are not a co-author: "Loebel und Kollegen", "Naviaux og Team".
_NOT_COAUTHORS = frozenset(
    {"kollegen", "kolleger", "kollegaer", "collega's", "collegas", "colaboradores",
     "collègues", "collegues", "mitarbeiter", "team", "colleagues", "co", "others"}
)  # fmt: skip


def _coauthors(text: str, position: int, cues: set[str]) -> tuple[list[str], int]:
    """Keys of the names joined to a name by `/`, `&`, `and` or commas, and where they end
    (initials after each name are passed over: "Naviaux RK, Naviaux JC, Li K")."""
    coauthors: list[str] = []
    initials = _INITIALS_AFTER.match(text, position)
    if initials:
        position = initials.end()
    while len(coauthors) < 6:
        separator = _SEPARATOR.match(text, position)
        if separator is None:
            break
        name = _NEXT_NAME.match(text, separator.end())
        if name is None or name.group().lower() in _CAPITALISED_ORDINARY:
            break
        written = _POSSESSIVE_END.sub("", name.group())
        if written.lower() in GROUP_WORDS or written.lower() in _NOT_COAUTHORS:
            break
        key = name_key(written)
        full = _SURNAME_AFTER_GIVEN.match(text, name.end())
        if full and full.group("surname").lower() not in _CAPITALISED_ORDINARY:
            # "Leo Grant", "Ingrid G. Rekeland": a given name, then the surname. Either
            # word may be the surname ("Holm Nature 2020"): the candidate decides.
            written = _POSSESSIVE_END.sub("", full.group("surname"))
            key = f"{key}{COAUTHOR_EITHER}{name_key(written)}"
            name = full
        coauthors.append(key)
        position = name.end()
        initials = _INITIALS_AFTER.match(text, position)
        if initials:
            position = initials.end()
        if written != name.group():
            cues.add("possessive")
            break
    if coauthors:
        cues.add("author-list")
    return coauthors, position


def _description(
    text: str, position: int, before: str, cues: set[str]
) -> tuple[str | None, tuple[str, ...], int]:
    """The study noun after a name ("… cytokine paper", "… critique of the imaging methods"):
    the noun, the words describing the study, and where the description ends."""
    noun = _NOUN_AFTER.match(text, position)
    if noun is None:
        return None, (), position
    marked = cues & {"possessive", "et-al"} or _last_word(before) in _DETERMINERS
    if not marked and noun.end() - position > 12:
        return None, (), position  # a noun further on, in a name standing alone
    cues.add("study-noun")
    words = noun.group().split()
    of = _OF_AFTER.match(text, noun.end())
    end = of.end() if of else noun.end()
    described = (*words[:-1], *(of.group().split()[1:] if of else ()))
    return words[-1].lower(), tuple(described), end


def _from_citation(
    text: str, citation: AuthorYear, is_key: Callable[[str], bool]
) -> Mention | None:
    """An author-year citation found by `linker.author_year` as a mention."""
    first = citation.surnames[0]
    key = name_key(first.split())
    # "lindqvist berg et al." is found as "berg": the word written before may belong to it.
    before = re.search(
        r"([^\W\d_][\w'’-]{1,40})\s{1,2}$", text[max(0, citation.start - 45) : citation.start]
    )
    joined = name_key([before.group(1), first]) if before else ""
    if joined and is_key(joined):
        key = joined
    elif not is_key(key):
        return None
    written = text[citation.start : citation.end]
    cues = {"year-beside"}
    if citation.strong:
        cues.add("et-al" if _ET_AL_ANYWHERE.search(written) else "author-list")
    if re.search(r"['’]s\b", written):
        cues.add("possessive")
    inside = _NOUN.search(written)
    after = _NOUN_AFTER.match(text, citation.end)
    noun = (
        inside.group().lower() if inside else after.group().split()[-1].lower() if after else None
    )
    if noun:
        cues.add("study-noun")
    if _cited_by(text[max(0, citation.start - 60) : citation.start]):
        cues.add("by")
    sentence_start, _ = sentence_span(text, citation.start)
    lead = text[sentence_start : citation.start].strip(" \t\"'“‘*_>([-•")
    name_at = text.lower().find(first.split()[-1], citation.start)
    return Mention(
        start=citation.start,
        end=citation.end,
        key=key,
        coauthors=tuple(name_key(s.split()) for s in citation.surnames[1:]),
        year=citation.year,
        cues=frozenset(cues),
        sentence_start=not lead,
        lower_case=name_at >= 0 and not text[name_at].isupper(),
        place=False,
        noun=noun,
        described=tuple(after.group().split()[:-1]) if after and not inside else (),
    )


class _Years:
    """The years of a text that a sentence may cite, read when first asked for."""

    def __init__(self, text: str, claimed: list[tuple[int, int]]) -> None:
        self._text = text
        self._claimed = claimed
        self._found: list[tuple[int, int]] | None = None

    def __iter__(self) -> Iterator[tuple[int, int]]:
        if self._found is None:
            self._found = _years(self._text, self._claimed)
        return iter(self._found)


def _years(text: str, claimed: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """(position, year) of the years a sentence may cite: not a citation's own, not a date."""
    found = []
    for match in _YEAR.finditer(text):
        position = match.start()
        if _inside(position, claimed):
            continue
        if _NOT_A_CITATION_YEAR.search(text[max(0, position - 20) : position]):
            continue
        found.append((position, int(match.group(1))))
    return found


def sentence_span(text: str, position: int) -> tuple[int, int]:
    """Start and end of the sentence around `position` (line breaks end sentences too)."""
    # `_SENTENCE_END` is tried only at its marks (found by a plain character class, which
    # the engine skips to), the last one before `position` first: the pattern tried at
    # every character of the 400 before costs more than the rest of reading a mention.
    start = 0
    low = max(0, position - 400)
    marks = [mark.start() for mark in _SENTENCE_MARK.finditer(text, low, position)]
    for mark in reversed(marks):
        found = _SENTENCE_END.match(text, mark, position)
        if found is not None:
            start = found.end()  # the end of the last sentence end, as `finditer` gives it
            break
    start = max(start, low) if low else start
    end = min(len(text), position + 400)
    for following in _SENTENCE_MARK.finditer(text, position, position + 400):
        found = _SENTENCE_END.match(text, following.start(), position + 400)
        if found is not None:
            end = found.start()
            break
    return start, end


# Where a sentence end can begin: "!", "?", "." or a line break.
_SENTENCE_MARK = re.compile(r"[!?.\n]")


def _sentence_year(
    years: _Years, start: int, end: int, low: int, high: int
) -> tuple[int | None, bool]:
    """The year that goes with a name: the nearest one after it in its sentence, else the
    nearest one before it, else one at the start of the next sentence ("… review of PEM.
    2021 I think?", "… Erschienen 2021"); and whether it stands right beside the name."""
    after = [(p, y) for p, y in years if end <= p < high and p - end <= _YEAR_REACH_AFTER]
    if after:
        position, year = after[0]
        return year, position - end <= 8
    before = [(p, y) for p, y in years if low <= p < start and start - p <= _YEAR_REACH_BEFORE]
    if before:
        return before[-1][1], False
    following = [(p, y) for p, y in years if high <= p <= high + _NEXT_SENTENCE_REACH]
    if following:
        return following[0][1], False
    return None, False
