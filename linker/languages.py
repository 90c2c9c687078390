"""Citation words of the community's other languages (German, Dutch, Norwegian, Spanish,
French), written over with their English equivalents so the English author matching reads them.

`as_english` keeps every character where it was (each replacement has the length of what it
replaces), so the spans found in the rewritten text are spans of the post as written:

- local forms of "et al." (`u. a.`, `e.a.`, `m.fl.`, `mfl.`, `y col.`, `y cols.`, `et coll.`,
  `e col.`) become `et al.`;
- "and" between two capitalised words (`und`, `en`, `og`, `y`, `et`) becomes `&`/`and`;
- the study noun and "by" of each language before a name (`die Studie von`, `het onderzoek
  van`, `studien til`, `el estudio de`, `l'étude de`) become `study by`;
- a year written in words (`zweitausendneunzehn`, `tjuenitten`, `dos mil veinte`, `deux mille
  dix-huit`, 2001 to 2029) becomes its digits, padded with spaces;
- a German or Scandinavian possessive without apostrophe before "study" (`Walitts Studie`,
  `Fluges studie`) becomes `Walitt's study`.

`WORD_SURNAMES` and `PLACE_WORDS` are the precision side: surnames that are ordinary words in
these languages (German nouns are capitalised: `Sommer`, `Klein`) and the words before a
place name ("nach", "til", "à"), which `linker.author_mentions` treats like their English ones.
"""

from __future__ import annotations

import re

# Local forms of "et al.": German u. a., Dutch e.a., Norwegian m.fl./mfl., Spanish y col./y
# cols., French et coll./et col., Portuguese and Italian e col./e coll.
_ET_AL_FORMS = re.compile(
    r"(?<![\w.])(?:u\.\s?a\.|e\.\s?a\.|m\.\s?fl\.|mfl\.|y\s{1,2}cols?\.|et\s{1,2}coll?\.|"
    r"e\s{1,2}coll?\.)(?!\w)",
    re.IGNORECASE,
)
# "and" between two names: "Berg und Holm", "Sørensen og Fluge", "Núñez y García-López".
_CAPITAL = r"[A-ZÀ-ÖØ-ÞĀ-Ž]"
_AND_FORMS = re.compile(rf"(?<=[^\W\d_])[ \t]{{1,2}}(und|og|en|y|et)[ \t]{{1,2}}(?={_CAPITAL})")
# "Walitts Studie", "Walitts NIH Studie", "Fluges studie": the genitive s of German and the
# Scandinavian languages, a word or two before the study noun.
_GENITIVE = re.compile(
    rf"(?<![\w'’-])({_CAPITAL}[^\W\d_]{{1,40}}?[^\W\d_s])s((?:[ \t][^\W\d_][\w-]{{0,25}}){{0,2}}?)"
    r"[ \t]([Ss]tudie|[Ss]tudien|[Aa]rbeit)\b"
)
# The study noun and "by" of each language before a name: "die Studie von", "het onderzoek
# van", "studien til", "el estudio de", "l'étude de".
_STUDY_BY = re.compile(
    r"(?<![\w-])(?:Studie|Arbeit|Untersuchung|Publikation|Paper|studie|onderzoek|artikel|"
    r"studien|artikkelen|undersøkelsen|estudio|trabajo|artículo|ensayo|étude|travail|article|"
    r"essai|publication)[ \t]{1,2}(?:von|van|til|av|de|del|d['’]|des)[ \t]{0,2}"
    rf"(?={_CAPITAL})",
    re.IGNORECASE,
)

_WORD_SURNAMES_TEXT = """
    sommer winter klein lang lange kurz gross groot bakke haugen holm berg dal vik
    lund strand costa blanco petit grand lebrun leblanc vogel fuchs wolf koch becker
    schmidt weiss schwarz braun roth jung alt neu hahn bauer meier stein
"""
WORD_SURNAMES = frozenset(_WORD_SURNAMES_TEXT.split())

# Words after a name that make it an institution or an illness, not an author, in English and
# the five languages: "King's College", "Brown University", "Long Covid", "Haukeland sykehus".
_INSTITUTION_WORDS_TEXT = """
    college university universität universitaet universiteit universitet universidad
    université universite hospital hospitals klinik klinikum kliniek clinic clinique
    clínica sykehus sjukhus ziekenhuis hôpital hopital institute institut instituut
    instituto covid covid-19 umc
"""
INSTITUTION_WORDS = frozenset(_INSTITUTION_WORDS_TEXT.split())

_PLACE_WORDS_TEXT = """
    nach im bei zum zur naar bij til på paa i mot hacia desde en à au aux chez vers
"""
PLACE_WORDS = frozenset(_PLACE_WORDS_TEXT.split())


# Years in words, 2001-2029: the ways of saying "two thousand" (all years) and the shorter
# "twenty" of spoken Dutch and Norwegian (2010 on: "twintig negentien", "tjuenitten"), then the
# numbers 1-29 of each language.
_YEAR_WORDS = {
    "de": (
        ("zweitausend", "zweitausendund"),
        (),
        """eins zwei drei vier fünf sechs sieben acht
        neun zehn elf zwölf dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn
        zwanzig einundzwanzig zweiundzwanzig dreiundzwanzig vierundzwanzig fünfundzwanzig
        sechsundzwanzig siebenundzwanzig achtundzwanzig neunundzwanzig""",
    ),
    "nl": (
        ("tweeduizend",),
        ("twintig",),
        """een twee drie vier vijf zes zeven acht negen
        tien elf twaalf dertien veertien vijftien zestien zeventien achttien negentien twintig
        eenentwintig tweeëntwintig drieëntwintig vierentwintig vijfentwintig zesentwintig
        zevenentwintig achtentwintig negenentwintig""",
    ),
    "no": (
        ("to tusen og", "totusenog", "to tusen", "totusen"),
        ("tjue",),
        """en to tre fire
        fem seks sju åtte ni ti elleve tolv tretten fjorten femten seksten sytten atten nitten
        tjue tjueen tjueto tjuetre tjuefire tjuefem tjueseks tjuesju tjueåtte tjueni""",
    ),
    "es": (
        ("dos mil",),
        (),
        """uno dos tres cuatro cinco seis siete ocho nueve diez once doce
        trece catorce quince dieciséis diecisiete dieciocho diecinueve veinte veintiuno
        veintidós veintitrés veinticuatro veinticinco veintiséis veintisiete veintiocho
        veintinueve""",
    ),
    "fr": (
        ("deux mille", "deux-mille"),
        (),
        """un deux trois quatre cinq six sept huit neuf dix
        onze douze treize quatorze quinze seize dix-sept dix-huit dix-neuf vingt vingt-et-un
        vingt-deux vingt-trois vingt-quatre vingt-cinq vingt-six vingt-sept vingt-huit
        vingt-neuf""",
    ),
}


def _year_words() -> dict[str, int]:
    """Every form of the years above, its words split at spaces and hyphens, → the year."""
    years: dict[str, int] = {}
    for thousands, twenties, numbers in _YEAR_WORDS.values():
        for number, word in enumerate(numbers.split(), start=1):
            for prefix in thousands + (twenties if number >= 10 else ()):
                years[" ".join(f"{prefix} {word}".replace("-", " ").split())] = 2000 + number
    return years


_YEARS_IN_WORDS = _year_words()
_YEARS_JOINED = {form.replace(" ", ""): year for form, year in _YEARS_IN_WORDS.items()}
# Longest first, so "deux mille vingt et un" wins over "deux mille vingt"; written forms may
# join their parts with spaces, hyphens or nothing ("zweitausend neunzehn", "tjue-nitten").
_YEAR_IN_WORDS = re.compile(
    r"(?<![^\W\d_])(?:"
    + "|".join(
        r"[\s-]?".join(re.escape(part) for part in form.split())
        for form in sorted(_YEARS_IN_WORDS, key=len, reverse=True)
    )
    + r")(?![^\W\d_])",
    re.IGNORECASE,
)


def as_english(text: str) -> str:
    """`text` with the citation words above in English, every character where it was."""
    if not _may_need(text):
        return text
    text = _ET_AL_FORMS.sub(_et_al, text)
    text = _AND_FORMS.sub(_and, text)
    text = _YEAR_IN_WORDS.sub(_year, text)
    text = _STUDY_BY.sub(_study_by, text)
    return _GENITIVE.sub(_possessive, text)


def _may_need(text: str) -> bool:
    """A cheap test that spares most English posts the patterns: one search for what each
    rewrite starts with, a space and a local word (the post gets a space in front)."""
    return _MARKERS.search(" " + text) is not None


# A space, then the start of a local et al., "and", "study by", genitive noun or year in
# words. Every form above starts with one of these; English posts hardly ever hold one, and a
# literal space up front lets the search skip from space to space.
_MARKERS = re.compile(
    # The look-ahead turns most spaces away before the alternatives are tried.
    r" (?=[ueUEamMcoyvVdDsSAZztT])(?:[ueUE]\.\s?a\.|a\.|[mM]\.?\s?fl\.|[mM]fl\.|cols?\.|coll?\.|"
    r"[uU]nd |og |en |y |et (?!al)|[vV]on |[vV]an |til |av |[dD]e |del |des |d['’]|"
    r"[Ss]tudien?\b|[Aa]rbeit|[Zz]weitausend|[Tt]weeduizend|[Tt]wintig|[Tt]o ?tusen|[Tt]jue|"
    r"[Dd]os mil |[Dd]eux[ -]mille)"
)


def _et_al(match: re.Match[str]) -> str:
    return _fit("et al.", len(match.group()))


def _and(match: re.Match[str]) -> str:
    written = match.group()
    word = match.group(1)
    english = "and" if len(word) == 3 else "&"
    return written.replace(word, english.ljust(len(word)), 1)


def _year(match: re.Match[str]) -> str:
    """ "zweitausendneunzehn" → "2019" and spaces."""
    written = match.group()
    year = _YEARS_JOINED.get(re.sub(r"[\s-]", "", written.lower()))
    return written if year is None else str(year).ljust(len(written))


def _possessive(match: re.Match[str]) -> str:
    name, between, noun = match.groups()
    # The apostrophe takes one letter of the noun: "Walitts NIH Studie" → "Walitt's NIH study".
    return f"{name}'s{between} " + "study".ljust(len(noun) - 1)


def _study_by(match: re.Match[str]) -> str:
    """ "Studie von " → "  study by ": the noun and "by" English, right-aligned on the name."""
    written = match.group()
    english = "study by "
    if len(written) < len(english):
        return written
    return english.rjust(len(written))


def _fit(english: str, length: int) -> str:
    """`english` cut or padded with spaces to `length` ("et al." → "etal" for "e.a.")."""
    if len(english) <= length:
        return english.ljust(length)
    if english == "et al." and length == 5:
        return "et al"
    if english == "et al." and length == 4:
        return "etal"
    return english[:length]
