"""Studies people name by describing them rather than citing them.

"the RIVERA trial", "the MCAM study group", "Karolinska researchers found …", "a 2016 paper in
Microbiome on the gut", "Scientific Reports volume 9, Article number: 1234 (2019)": each names
one atlas study by what the records hold about it (aliases, title acronyms, group authors,
affiliations, journal, year, volume and article number, keywords). Only posts that carry a
study cue are read (`has_cue`, one regular expression), so posts that describe nothing cost
next to nothing, and a description gives a match only when one entry clearly fits.

Evidence and weights (a decision needs `THRESHOLD` and a lead of `MARGIN` over the next entry):

| signal            | weight | when                                                          |
| ----------------- | ------ | ------------------------------------------------------------- |
| `name:`           | 4      | an alias or a title's trial name/acronym, beside a study cue  |
| `group:`          | 4      | a group author's name or initials                             |
| `locator:`        | 5      | the entry's journal with its volume and article number/page   |
| `institution:`    | 2      | an affiliation's institution or city, beside a study cue      |
| `journal:`+`year` | 2 (+1) | the journal and year (+1 when no other entry has both)        |
| `year`            | 1      | the entry's year, with another signal                         |
| `topic:`          | 1 each | a telling word of the entry's title/keywords/summary, or its  |
|                   |        | cognate in another language ("citoquinas") (≤ 2)              |
| other year        | veto   | the post gives years, none of them the entry's                |

Institutions and journals alike need a topic word too, many studies share them, unless both
the entry's journal with its year and one of its institutions are named ("a 2019 PNAS paper from
Stanford", "i JCI Insight i 2016 fra Bergen"): in another language the topic words rarely match.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from linker.author_match import with_expansions
from linker.author_topic import Verdict, Vocabulary, stem, topic_of
from linker.cognates import any_cognate, content_words
from linker.everyday import english_figure
from linker.journals import DROPPED, journal_forms
from linker.textnorm import tokens, tokens_with_spans
from records.models import AtlasEntry

THRESHOLD = 4
MARGIN = 2
_MAX_CANDIDATES = 60
# A trial's name may head a few papers (results, follow-up, reanalysis), not more.
_TITLE_NAME_OWNERS = 3
_TOPIC_MAX = 2
_CUE_WINDOW = 60
_LOCATOR_WINDOW = 90
_MAX_PHRASE_WORDS = 8

# Study cues in English, German, Dutch, Norwegian, Spanish, French and Swedish: the nouns and
# verbs a description of a study leans on. A post without one is not read further.
_CUE_WORDS_TEXT = """
    study studies studie studien studier studiet studiene studierna studio studios estudio
    estudios etude etudes étude études trial trials essai essais ensayo ensayos cohort cohorts
    cohorte cohorten kohort kohorte kohorten kohorten paper papers article articles articulo
    articulos artículo artículos artikel artikeln artikkel artikkelen research researcher
    researchers team teams equipe equipes équipe équipes equipo equipos forskning forskere
    forskare forskarna forskerne forscher forscherinnen onderzoek onderzoekers investigador
    investigadores investigadoras investigacion investigación chercheur chercheurs
    chercheuses recherche recherches untersuchung untersuchungen group groups gruppe gruppen
    groep grupo grupos groupe groupes consortium published publie publiee publies publié
    publiée publiés publicado publicada publicados gepubliceerd veroffentlicht veröffentlicht
    publisert publicerad publicerte journal revista revue tidsskrift tidsskriftet tidskrift
    tidskriften tijdschrift zeitschrift volume vol jahrgang report rapport rapporten bericht
    informe committee survey surveys review umfrage enquete encuesta undersokelse
    publication publicacion publikation"""
_CUE_WORDS = frozenset(_CUE_WORDS_TEXT.split())
# "2011;377:823" and "15, 907 (2024)": a volume and an article number or page.
_LOCATOR = re.compile(
    r"(?:19|20)\d\d\s?;\s?\d{1,4}(?:\(\w{1,6}\))?\s?:\s?[eE]?\d"
    r"|\b\d{1,4},\s?(?:[Aa]rticle (?:number|no\.?):?\s?)?[eE]?\d{1,7}"
    r"\s?\((?:19|20)\d\d\)"
)
# Words of an alias that say what kind of thing it names, not which one.
_KIND_WORDS_TEXT = """
    trial study studie studien estudio etude essai ensayo cohort cohorte kohort kohorte
    the de het der die el la le les los study group paper report rapport rapporten bericht
    informe rapporten"""
_KIND_WORDS = frozenset(_KIND_WORDS_TEXT.split())
# Parts of a title that name the study itself: "(PACE): a randomised trial", "the MCAM
# study", "BRIGHT-LC: a cohort …". An acronym elsewhere in a title ("(CPET) in …") is a
# method or a measure, not a name.
_ACRONYM = r"[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*"
_TITLE_NAME_IN_BRACKETS = re.compile(
    rf"\(({_ACRONYM})\)\s*[:,]?\s*(?:\w+[\s-]+){{0,4}}?(?i:trial|study|cohort)\b"
)
# "the SMILE trial", not "a two-day CPET study" (a method) or "an MRI study".
_TITLE_NAME_BEFORE_KIND = re.compile(
    rf"\b[Tt]he\s({_ACRONYM})\s+(?:trial|study|cohort|programme|program)\b"
)
_TITLE_NAME_FIRST = re.compile(rf"({_ACRONYM})\s*:")
_KINDS_IN_TITLES = ("trial", "study", "cohort", "program")
_ACRONYM_LETTERS = 3
# A group author: no "Surname, Given" comma, or a word that groups people.
_GROUP_WORDS = re.compile(
    r"(?i)\b(?:group|consortium|committee|collaborat\w*|network|investigators|institute|"
    r"society|council|academ\w*|board|agency|centers?|centres?)\b"
)
# Affiliation words that say what kind of place it is, not which one.
_PLACE_KIND_WORDS_TEXT = """

    department dept division faculty school college university universitet universiteit
    universitat universidad universite institute institut instituto hospital sykehus
    ziekenhuis klinikum clinic clinical center centre centro research laboratory lab unit
    medicine medical sciences science health public national program programme foundation
    stichting and of the for de la del der und en og och y et at biology chronic fatigue
    services service section box campus graduate"""
_PLACE_KIND_WORDS = frozenset(_PLACE_KIND_WORDS_TEXT.split())
_MIN_PLACE_LETTERS = 4
# Words that set a journal's one-word name apart: "in Cell", "im Lancet", "la revista Cell".
_JOURNAL_BEFORE = re.compile(
    r"(?i)(?:\b(?:in|im|i|en|dans|die|der|dem|the|de|la|le|el|het|revista|journal|revue|"
    r"tidsskrift(?:et)?|tidskrift(?:en)?|tijdschrift|zeitschrift)|[(,;:])\s*$"
)
_GROUP_TAIL = re.compile(r"\s(?:Committee|Commission|Panel|Working Group|Task Force|on|for)\s")
_FIELD_PART = re.compile(
    r"(?i)(?:department|dept\.?|division|section|unit|laboratory|faculty|graduate school|"
    r"(?:institute|centre|center|school) (?:of|for))\b"
)
_NUMBER = re.compile(r"(?<![\w.])[eE]?(\d{1,7})(?![\w])")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_COMMON_SHARE = 0.02
_COMMON_MIN = 10
_FEW_ENTRIES = 3
_MIN_TOPIC_LETTERS = 3
# Above this Zipf frequency (wordfreq's, read from linker/everyday_words.tsv) a word is
# everyday language, no study's subject.
_EVERYDAY = 5.0
# Below this Zipf frequency a word the entry lacks says the post means another subject.
_RARE = 4.5  # not below linker.everyday.ENGLISH_MIN_ZIPF, where its English figures stop


def has_cue(text: str, words: Iterable[str] | None = None) -> bool:
    """Whether `text` carries a word that descriptions of studies use.

    Every post passes here: given the post's folded words (`linker.textnorm.tokens`, which
    the index has at hand) this is a set look-up; a regular expression of the cue words
    would cost more than the rest of matching on a post that has none.
    """
    if not _CUE_WORDS.isdisjoint(tokens(text) if words is None else words):
        return True
    return (";" in text or "(" in text) and _LOCATOR.search(text) is not None


@dataclass(frozen=True)
class DescriptionDecision:
    """One entry a description names clearly: where, with what score and signals."""

    entry: int
    start: int
    end: int
    score: int
    signals: tuple[str, ...]


@dataclass(frozen=True)
class _Phrase:
    words: tuple[str, ...]
    kind: str  # "name", "group", "institution"
    entries: tuple[int, ...]
    written: str  # the form as the records write it (for case checks)


@dataclass
class _Candidate:
    score: int = 0
    signals: list[str] = field(default_factory=list)
    spans: list[tuple[int, int]] = field(default_factory=list)
    weak_only: bool = True

    def add(self, weight: int, signal: str, span: tuple[int, int], *, weak: bool) -> None:
        """Count a signal once; `weak` ones (institution, journal) need a topic word too."""
        if signal not in self.signals:
            self.score += weight
            self.signals.append(signal)
            self.spans.append(span)
            self.weak_only &= weak

    @property
    def corroborated(self) -> bool:
        """Whether the entry's journal with its year and one of its institutions both fire:
        two facts of its record that agree, which a place or a journal alone is not."""
        kinds = {signal.split(":", 1)[0] for signal in self.signals}
        return {"journal", "institution"} <= kinds


class DescriptionMatcher:
    """The names, groups, places and journals of atlas entries, ready for descriptions."""

    def __init__(self, entries: list[AtlasEntry]) -> None:
        self._entries = entries
        owners: defaultdict[tuple[str, tuple[str, ...]], set[int]] = defaultdict(set)
        written: dict[tuple[str, tuple[str, ...]], str] = {}
        # Entries by (journal, year); a pair with more entries than a description can tell
        # apart keeps none (an empty tuple), so a large atlas costs little memory here.
        self._journal_year: dict[tuple[str, int], list[int] | tuple[()]] = {}
        # A journal's folded forms by their first word: (form's words, the journal).
        self._journals: defaultdict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
        self._locators: defaultdict[tuple[str, str], list[int]] = defaultdict(list)
        self._known_journals: set[str] = set()
        for number, entry in enumerate(entries):
            for kind, form in _phrases_of(entry):
                words = tuple(tokens(form))[:_MAX_PHRASE_WORDS]
                if words:
                    owners[(kind, words)].add(number)
                    written.setdefault((kind, words), form)
            if entry.journal:
                journal = self._remember_journal(entry.journal, entry.journal_abbrevs)
                if entry.year:
                    self._add_journal_year((journal, entry.year), number)
                if entry.volume:
                    self._locators[(journal, entry.volume.strip().lower())].append(number)
        self._phrases: defaultdict[str, list[_Phrase]] = defaultdict(list)
        for (kind, words), numbers in owners.items():
            if len(numbers) > _MAX_CANDIDATES or (
                kind == "title" and len(numbers) > _TITLE_NAME_OWNERS
            ):
                continue  # a name in many titles is an illness or a method ("ME/CFS: …")
            name_kind = "name" if kind == "title" else kind
            phrase = _Phrase(words, name_kind, tuple(sorted(numbers)), written[(kind, words)])
            self._phrases[words[0]].append(phrase)
        self._common: frozenset[str] | None = None

    def _add_journal_year(self, key: tuple[str, int], number: int) -> None:
        bucket = self._journal_year.get(key)
        if bucket is None:
            self._journal_year[key] = [number]
        elif isinstance(bucket, list):
            if len(bucket) >= _MAX_CANDIDATES:
                self._journal_year[key] = ()
            else:
                bucket.append(number)

    def _remember_journal(self, journal: str, abbreviations: Iterable[str]) -> str:
        """One key for a journal however its entries spell it; its forms are remembered."""
        key = _journal_key(journal)
        if key in self._known_journals:
            return key
        self._known_journals.add(key)
        forms = journal_forms(journal)
        written = [*forms.phrases, *forms.words, *(a.lower() for a in forms.acronyms)]
        written += [" ".join(tokens(abbreviation)) for abbreviation in abbreviations]
        for form in dict.fromkeys(written):
            words = tuple(form.split())
            if words:
                self._journals[words[0]].append((words, journal))
        return key

    # -- reading a post ------------------------------------------------------------------

    def decide(self, text: str, folded: list[str] | None = None) -> list[DescriptionDecision]:
        """The entries `text` describes clearly (at most one per description found); call it
        for posts that `has_cue`. `folded` are the text's `tokens`, if known."""
        folded = tokens(text) if folded is None else folded
        journals = []
        if not self._journals.keys().isdisjoint(folded):
            journals = self._journals_in([word for word in folded if word not in DROPPED])
        if not journals and self._phrases.keys().isdisjoint(folded):
            return []  # no name, place or journal the records know: the usual case, kept cheap
        candidates: defaultdict[int, _Candidate] = defaultdict(_Candidate)
        if not self._phrases.keys().isdisjoint(folded):
            words, starts, ends = tokens_with_spans(text)
            self._names(text, words, starts, ends, candidates)
        else:
            words = folded
        self._journal_signals(text, journals, candidates)
        if not candidates or len(candidates) > _MAX_CANDIDATES:
            return []
        years = {int(y) for y in _YEAR.findall(text)}
        blanked = tokens(_blank_spans(text, candidates.values()))
        topic = _topic_words(blanked)
        # Words of another language that are the entry's English words, spelled its way
        # ("citoquinas", "rituksimab", "Pyruvatdehydrogenase"): compared only now, with few
        # candidates left.
        foreign = content_words(blanked)
        for number, candidate in candidates.items():
            entry = self._entries[number]
            if years and entry.year and entry.year not in years:
                candidate.score = -100  # the post names other years: another paper
                continue
            if years and entry.year and "year" not in candidate.signals:
                candidate.score += 1
                candidate.signals.append("year")
            entry_topic = self._topic_of(entry)
            shared = sorted(topic & entry_topic)
            shared += sorted(
                w for w in foreign if stem(w) not in shared and any_cognate((w,), entry_topic)
            )
            shared = shared[:_TOPIC_MAX]
            candidate.score += len(shared)
            candidate.signals.extend(f"topic:{word}" for word in shared)
            if candidate.weak_only and not shared and not candidate.corroborated:
                candidate.score = 0  # a place or a journal alone: many studies share it
        ranked = sorted(candidates.items(), key=lambda item: -item[1].score)
        best_number, best = ranked[0]
        runner_up = ranked[1][1].score if len(ranked) > 1 else 0
        if best.score < THRESHOLD or best.score - runner_up < MARGIN or not best.spans:
            return []
        start = min(s for s, _ in best.spans)
        end = max(e for _, e in best.spans)
        # "In 2016 Microbiome published a study on soil bacteria in farms": the journal and
        # year fit, the subject the post gives does not (the check author mentions use).
        if self._contradicted(text, end, best_number, best):
            return []
        signals = (*dict.fromkeys(best.signals), f"score:{best.score}")
        return [DescriptionDecision(best_number, start, end, best.score, signals)]

    def _contradicted(self, text: str, end: int, number: int, best: _Candidate) -> bool:
        """Whether the subject the post gives after the description is another study's.

        Only rare words the entry lacks count against it ("soil", "farms"; not "kids" or
        "properly", which a post uses for any study), and only when they outnumber the
        entry's words the post shares.
        """
        subject = topic_of(text, end, (), with_expansions)
        if subject is None:
            return False
        verdict, words = Vocabulary(self._entries[number], with_expansions).verdict(subject)
        if verdict is not Verdict.CONTRADICTS:
            return False
        rare = [w for w in words if english_figure(w) < _RARE]
        shared = sum(signal.startswith("topic:") for signal in best.signals)
        return len(rare) > shared

    def _names(
        self,
        text: str,
        words: list[str],
        starts: list[int],
        ends: list[int],
        candidates: defaultdict[int, _Candidate],
    ) -> None:
        """Aliases, title names, group authors and institutions written in `text`."""
        for position, word in enumerate(words):
            for phrase in self._phrases.get(word, ()):
                size = len(phrase.words)
                if tuple(words[position : position + size]) != phrase.words:
                    continue
                start, end = starts[position], ends[position + size - 1]
                if not _written_as_name(text, start, end, phrase):
                    continue
                weight = {"name": 4, "group": 4, "institution": 2}[phrase.kind]
                if phrase.kind == "institution" and len(phrase.entries) <= _FEW_ENTRIES:
                    weight += 1  # a place few atlas studies come from says more
                weak = phrase.kind == "institution"
                signal = f"{phrase.kind}:{' '.join(phrase.words)}"
                for number in phrase.entries:
                    candidates[number].add(weight, signal, (start, end), weak=weak)

    def _journal_signals(
        self,
        text: str,
        named: list[tuple[tuple[str, ...], str]],
        candidates: defaultdict[int, _Candidate],
    ) -> None:
        """The journal a post names, with its year, or its volume and article number."""
        if not named:
            return
        years = {int(y) for y in _YEAR.findall(text)}
        for form, journal in named:
            span = _journal_written(text, form, journal)
            if span is None:
                continue
            key = _journal_key(journal)
            label = f"journal:{' '.join(form)}"
            numbers = _numbers_after(text, span[1])
            for volume in numbers:
                for number in self._locators.get((key, volume), ()):
                    page = _article_digits(self._entries[number].article_number)
                    if page and page in numbers and page != volume:
                        signal = f"locator:{volume}:{page}"
                        candidates[number].add(5, signal, span, weak=False)
            for year in years:
                numbers_of_year = self._journal_year.get((key, year), ())
                if len(numbers_of_year) > _MAX_CANDIDATES:
                    continue
                bonus = 1 if len(numbers_of_year) == 1 else 0
                for number in numbers_of_year:
                    candidate = candidates[number]
                    candidate.add(2 + bonus, label, span, weak=True)
                    if "year" not in candidate.signals:
                        candidate.signals.append("year")

    def _journals_in(self, words: list[str]) -> list[tuple[tuple[str, ...], str]]:
        """(form, journal) of journals one of whose forms occurs in a post's folded words
        (articles and prepositions left out, as in the forms)."""
        found: dict[tuple[tuple[str, ...], str], None] = {}
        for position, word in enumerate(words):
            for form, journal in self._journals.get(word, ()):
                if tuple(words[position : position + len(form)]) == form:
                    found[(form, journal)] = None
        return list(found)

    def _topic_of(self, entry: AtlasEntry) -> frozenset[str]:
        """Telling words of an entry's title, keywords and summary (as stems)."""
        words = _topic_words(tokens(" ".join((entry.title, *entry.keywords, entry.summary or ""))))
        return words - self._common_words()

    def _common_words(self) -> frozenset[str]:
        """Topic words found in more than 2 % of titles: they tell no study apart."""
        if self._common is None:
            counts: Counter[str] = Counter()
            for entry in self._entries:
                counts.update(_topic_words(tokens(entry.title)))
            limit = max(_COMMON_MIN, int(_COMMON_SHARE * len(self._entries)))
            self._common = frozenset(word for word, count in counts.items() if count > limit)
        return self._common


@lru_cache(maxsize=8192)
def _journal_key(journal: str) -> str:
    """One key for a journal however entries write it ("Lancet (London, England)", "The
    Lancet" and "lancet" are one)."""
    words = tokens(re.sub(r"\([^)]*\)", " ", journal))
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words) or journal.lower()


def _phrases_of(entry: AtlasEntry) -> Iterable[tuple[str, str]]:
    """(kind, form) of every name, group and place the records give for `entry`."""
    for alias in entry.aliases:
        yield "name", alias
        words = alias.split()
        core = [w for w in words if " ".join(tokens(w)) not in _KIND_WORDS]
        if core and len(core) < len(words):
            yield "name", " ".join(core)
    yield from (("title", name) for name in _title_names(entry.title))
    for author in entry.authors:
        # "Surname, Given" has one or two spaces; a group under a comma has more words.
        if "," not in author or (author.count(" ") > 2 and _GROUP_WORDS.search(author)):
            yield from (("group", form) for form in _group_forms(author))
    for affiliation in entry.affiliations:
        yield from (("institution", place) for place in _places(affiliation))


def _group_forms(author: str) -> list[str]:
    """A group author's name, its short name and their initials."""
    forms = [author]
    # "Institute of Medicine Committee on the Diagnostic Criteria …" is known as the
    # Institute of Medicine, the IOM.
    head = _GROUP_TAIL.split(author, maxsplit=1)[0].strip(" ,")
    if head != author and len(head.split()) >= 2:
        forms.append(head)
    named = forms[-1]
    # "Institute of Medicine" is IOM; "Norwegian Institute of Public Health" NIPH.
    for initials in (
        "".join(w[0] for w in re.findall(r"\b[A-Z]\w*", named)),
        "".join(w[0] for w in re.findall(r"\b[^\W\d_]\w*", named)).upper(),
    ):
        if len(initials) >= _ACRONYM_LETTERS:
            forms.append(initials)
    forms += re.findall(r"\(([A-Z][A-Za-z0-9-]{2,})\)", author)
    return forms


def _title_names(title: str) -> list[str]:
    """Trial and cohort names a title gives itself; cheap string tests spare most titles the
    regular expressions."""
    found = []
    if "(" in title:
        found += _TITLE_NAME_IN_BRACKETS.findall(title)
    if ("the" in title or "The" in title) and any(kind in title for kind in _KINDS_IN_TITLES):
        found += _TITLE_NAME_BEFORE_KIND.findall(title)
    if title[:1].isupper() and title[1:2].isupper():
        first = _TITLE_NAME_FIRST.match(title)
        if first:
            found.append(first.group(1))
    return [name for name in found if sum(c.isalpha() for c in name) >= _ACRONYM_LETTERS]


def _places(affiliation: str) -> Iterable[str]:
    """Institution and city names in an affiliation ("Haukeland", "Bergen", "CDC")."""
    parts = [part.strip() for part in affiliation.split(",") if part.strip()]
    if len(parts) >= 3:
        parts = parts[:-1]  # the country
    for part in parts:
        if _FIELD_PART.match(part):
            continue  # "Department of Exercise and Sport Sciences" names a field, not a place
        yield from re.findall(r"\(([A-Z][A-Z0-9-]{1,9})\)", part)
        outside = re.sub(r"\([^)]*\)", " ", part)
        telling = [
            word
            for word in re.findall(r"[^\W\d_][\w'’-]*", outside)
            if word[0].isupper() and word.lower() not in _PLACE_KIND_WORDS
        ]
        if telling and len(" ".join(telling)) >= _MIN_PLACE_LETTERS:
            yield " ".join(telling)
        for word in telling:
            if len(word) >= _MIN_PLACE_LETTERS and len(telling) > 1:
                yield word


def _written_as_name(text: str, start: int, end: int, phrase: _Phrase) -> bool:
    """A name counts where written as one (capitalised as the records write it, or right
    beside a study cue) and where a study cue is near."""
    if not _has_cue_word(text[max(0, start - _CUE_WINDOW) : end + _CUE_WINDOW]):
        return False
    written = text[start:end]
    if phrase.kind == "group" and len(phrase.words) >= 3:
        return True  # "Institute of Medicine committee": a long name is no chance phrase
    # An acronym counts in capitals, another name capitalised; in lower case only a trial's
    # name right beside its cue ("the rivera trial").
    as_written = written.isupper() if phrase.written.isupper() else written[:1].isupper()
    if as_written:
        return True
    if phrase.kind not in ("name", "institution"):
        return False
    if len(phrase.words) > 1 and _has_cue_word(written):
        return True  # an alias holding its own cue, "the rituxme trial"
    # Right beside a cue: "the rivera trial", "estudio rituxme", "l'étude pace".
    after, before = tokens(text[end : end + 25]), tokens(text[max(0, start - 25) : start])
    return bool(after and after[0] in _CUE_WORDS) or bool(before and before[-1] in _CUE_WORDS)


def _has_cue_word(text: str) -> bool:
    return not _CUE_WORDS.isdisjoint(tokens(text))


def _topic_words(words: Iterable[str]) -> frozenset[str]:
    """The stems of the words that can tell one study's subject from another's."""
    return frozenset(found for word in words if (found := _telling_stem(word)))


@lru_cache(maxsize=65_536)
def _telling_stem(word: str) -> str | None:
    """A word's Snowball stem, or None for a number, a short word or an everyday English word
    (wordfreq: "different", "paper", "nature"). English, because a topic word counts only when
    the entry's English text shares it: "gut" and "diverse" are everyday German, not English."""
    if len(word) < _MIN_TOPIC_LETTERS or word.isdigit():
        return None
    if english_figure(word) >= _EVERYDAY:
        return None
    return stem(word)


def _blank_spans(text: str, candidates: Iterable[_Candidate]) -> str:
    """`text` with the names and journals found blanked: they are no topic words."""
    spans = sorted({span for candidate in candidates for span in candidate.spans})
    if not spans:
        return text
    parts, position = [], 0
    for start, end in spans:
        if start >= position:
            parts.append(text[position:start])
            position = end
    parts.append(text[position:])
    return " ".join(parts)


def _journal_written(text: str, form: tuple[str, ...], journal: str) -> tuple[int, int] | None:
    """Where `text` names the journal by `form`, written as a journal's name: an acronym in
    capitals ("PNAS"); a one-word name ("Cell", "Microbiome") capitalised and set as a name
    ("in Cell", "Cell paper", "Microbiome volume 4"); a longer name in any case."""
    gap = r"[\W_]{1,4}(?:(?:of|the|and|in|for|on|&)[\W_]{1,4})*"
    pattern = r"(?<!\w)" + gap.join(re.escape(word) for word in form) + r"(?!\w)"
    acronyms = {a.lower() for a in journal_forms(journal).acronyms}
    for found in re.finditer(pattern, text, re.IGNORECASE):
        written = found.group()
        if len(form) > 1:
            return found.span()
        if " ".join(form) in acronyms:
            if written.isupper():
                return found.span()
            continue
        before = text[max(0, found.start() - 20) : found.start()]
        after = text[found.end() : found.end() + 25]
        set_as_name = (
            _JOURNAL_BEFORE.search(before) is not None
            or (tokens(after)[:1] and tokens(after)[0] in _CUE_WORDS)
            or _NUMBER.search(after[:12]) is not None
        )
        if written[:1].isupper() and set_as_name:
            return found.span()
    return None


def _numbers_after(text: str, position: int) -> set[str]:
    """The numbers written just after a journal's name ("volume 9, Article number: 1234")."""
    window = text[position : position + _LOCATOR_WINDOW]
    return {number.lstrip("0") or "0" for number in _NUMBER.findall(window)}


def _article_digits(article: str | None) -> str | None:
    """The digits of an article number or first page ("e0186802" → "186802", "585-593" → "585")."""
    if not article:
        return None
    found = re.search(r"\d+", article)
    return found.group().lstrip("0") or None if found else None
