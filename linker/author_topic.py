"""What a post says a cited paper is about, and whether an atlas entry agrees.

"Jason et al 2022 on the DePaul questionnaire", "Holm 2017 looked at sleep quality", "the
Moreau gut microbiome paper", "Walitts Studie über Darmflora": a citation often says its
subject. `topic_of` reads it (after a word that introduces a subject: on, about, looked at,
über, over, om, sobre, sur …; set off right after the citation by a bracket, colon or dash
when plainly English; and the words a post puts before its study noun), and
`Vocabulary.verdict` compares it with the entry's title, summary, findings, keywords and
aliases:

- `AGREES` when two of the post's subject words, or more than a third of them, are the
  entry's (by Snowball stem, or nearly the same letters across languages: "Zytokine" meets
  "cytokine", "Darmmikrobiom" meets "microbiome");
- `CONTRADICTS` otherwise, when the post names its subject in English with words that tell
  something (not everyday words, by wordfreq's frequencies in `linker.everyday`; not the
  field's own words such as "patients" or "ME/CFS");
- `SILENT` when the post says nothing about the subject.

Study design ("open-label", "placebo-controlled", "meta-analysis", "phase 2", "follow-up")
and cohort size ("17 patients", "n = 1,500") are compared the same way by `designs_in` and
`sizes_in`. The word lists below are the field's study vocabulary, not a language's.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

import Stemmer
from rapidfuzz import fuzz

from linker.cognates import any_cognate, content_words
from linker.everyday import zipf, zipf_english
from linker.surnames import name_key
from linker.textnorm import tokens
from records.models import AtlasEntry


class Verdict(Enum):
    """What a post's words say of one entry."""

    AGREES = "agrees"
    CONTRADICTS = "contradicts"
    SILENT = "silent"


# Words that introduce a paper's subject, in English and the five other languages.
_CUES_TEXT = """
    on about into regarding concerning re investigating investigated investigates examining
    examined examines studying studied assessing assessed evaluating evaluated measuring
    testing tested exploring explored looking_at looked_at looks_at dealing_with focused_on
    focusing_on
"""
_CUES = frozenset(_CUES_TEXT.split())
# … reporting a finding: its words are often not the entry's ("found eight loci").
_CLAIMS = frozenset(["found", "showed", "shows", "reported", "suggested", "claimed", "claims"])
# The same in German, Dutch, Norwegian, Spanish and French. Their subjects only agree: with
# no dictionary to translate "Darmflora", "skolen" or "variabilité cardiaque" into an
# English entry's words, sharing none of them is no contradiction (the dev set measured it:
# even a three-word threshold cost eleven true matches to catch four traps).
_LOCAL_CUES_TEXT = """
    über ueber zu zum zur untersuchte zeigte fand over naar bekeek onderzocht toonde vond om
    undersøkte undersokte så_på viste fant sobre acerca_de analizó estudió examinó mostró
    encontró sur concernant portant_sur à_propos_de a_étudié a_montré
"""
_LOCAL_CUES = frozenset(_LOCAL_CUES_TEXT.split())
# … of them, those reporting a finding ("fant autoantistoffer"): said in other words than
# the entry's, they never contradict it.
_LOCAL_CLAIMS_TEXT = "zeigte fand toonde vond viste fant mostró encontró a_montré"
_LOCAL_CLAIMS = frozenset(_LOCAL_CLAIMS_TEXT.split())
# Between the citation and that word: its year, a study noun, a journal ("Jason et al. 2022
# in Fatigue on …", "Walitt et al. 2024, a paper on …"), a few words at most, no end of
# sentence.
_GAP_END = re.compile(r"[.!?\n;]")
_GAP_REACH = 60
_WORD_AT = re.compile(r"[^\s,]+")
_STRIP = "\"'“”‘’()[]:*_"
# Words in that gap that show the sentence has moved on to the writer ("Fluge 2019, I read
# it on the train"): then what follows is not the paper's subject.
_GAP_STOP_TEXT = """
    i i'm i've we you he she they it my me our your his her their and but because so then
    ich wir du er sie es und aber ik wij jij hij zij het en maar jeg vi du han hun og men
    yo nosotros tú él ella y pero je nous tu il elle et mais
"""
_GAP_STOP = frozenset(_GAP_STOP_TEXT.split())
_MAX_GAP_WORDS = 5
# Where and when a paper was posted or read, not what it is about ("on Twitter", "on Monday").
_NOT_SUBJECTS_TEXT = """
    twitter reddit forum forums youtube pubmed scihub facebook discord substack medrxiv
    biorxiv page pages slide slides website site blog podcast tv radio news phone
    monday tuesday wednesday thursday friday saturday sunday holiday train bus
    internet web thread post posts comment comments list lists paywalled paywall pdf link
    free open access full text abstract summary scihub sci doi
"""
_NOT_SUBJECTS = frozenset(_NOT_SUBJECTS_TEXT.split())
_IDIOM = re.compile(
    r"\s*(?:the\s+other\s+hand|the\s+one\s+hand|top\s+of|average|the\s+contrary|purpose|"
    r"(?:its|their|his|her|my|our)\s+own|and\s+off|the\s+way|the\s+whole|the\s+fence|"
    r"board|hold|the\s+same\s+page|the\s+edge|the\s+record|balance|paper|time)\b",
    re.IGNORECASE,
)
# Where a subject's words end: punctuation, or a word that starts another clause.
_END = re.compile(r"[.,;:!?()\[\]\n\"“”]|\s-\s|\s[–—]\s")
_CLAUSE_TEXT = """
    but because since which who whom whose while when where although though so if
    i we you he she they it my our your was were is are has have had will would could
    should can did does do it's i'm that's this that these those there here then
    und aber weil weil dass der die das ich wir en maar omdat dat ik wij og men fordi
    som jeg vi y pero porque que yo nosotros et mais parce qui je nous
"""
_CLAUSE = frozenset(_CLAUSE_TEXT.split())
# A subject introduced by "this"/"that" points elsewhere in the thread: it says nothing.
_DEICTIC = frozenset({"this", "that", "these", "those", "it", "them", "here", "there"})
_MAX_TOPIC_WORDS = 10
_CLAIM_MIN_TELLING = 2
_AGREEING_WORDS = 2
_AGREEING_SHARE = 3
# Content words a subject in another language needs, none of them a cognate of the entry's,
# to contradict it: one rare word may be a translation ("Darmflora", "skolen").
_FOREIGN_WORDS = 2
# Words of the field that every candidate shares: they neither agree nor contradict.
_GENERIC_TEXT = """
    me cfs mecfs cfsme pem myalgic encephalomyelitis encephalopathy chronic fatigue fatigued
    syndrome illness illnesses disease diseases disorder disorders condition conditions
    patient patients people persons person participants subjects sufferers cohort group
    groups sample samples study studies paper papers article articles trial trials
    research work data result results finding findings review reviews analysis analyses
    preprint report evidence effect effects outcome outcomes change changes difference
    differences level levels role thing things stuff topic subject question issue issues
    whole same other another some many most more less lot lots kind sort type whether
    adults adult humans human individuals case cases control controls healthy compared
    two three four five six seven eight nine ten twelve twenty hundred hundreds thousand
    thousands million percent half third quarter
    associated association link links linked relationship between versus among within
    studie studien untersuchung arbeit patienten betroffene onderzoek patiënten pasienter
    pacientes estudio étude etude patients malades artikel forskning personer mensen
"""
_GENERIC = frozenset(_GENERIC_TEXT.split())
# Verbs and comparisons of any finding ("reduces", "improved", "higher"), by Snowball stem.
_GENERIC_STEMS_TEXT = """
    reduc increas improv lower higher better wors protect caus help affect show find use
    measur compar relat associ chang alter elev impair decreas rais drop fell rise risk
    predict link depend influenc trigger lead prevent treat present common rare major minor
    signific differ similar effect post long acut
"""
_GENERIC_STEMS = frozenset(_GENERIC_STEMS_TEXT.split())
# A word this frequent in everyday language (Zipf scale, wordfreq) is no subject of its own.
_EVERYDAY_ZIPF = 5.6
# Words before a study noun are often just adjectives ("the big Fluge trial"): only rarer
# words there name a subject.
_DESCRIBED_ZIPF = 4.6
_MIN_LETTERS = 3
_ACRONYM_LETTERS = 5
_SIMILAR = 88  # rapidfuzz ratio of two stems that are one word in two languages
_SIMILAR_PART = 88  # … and of a word inside a compound ("Darmmikrobiom")
_COMPOUND_EXTRA = 3  # a compound has at least this many letters more than its part
_SIMILAR_MIN_LETTERS = 5
_PART_MIN_LETTERS = 4
_STEMMER = Stemmer.Stemmer("english")


@dataclass(frozen=True)
class Topic:
    """A post's subject words for one citation: `words` may agree, `telling` may contradict."""

    words: frozenset[str]
    telling: frozenset[str]
    written: str  # the words as the post has them, for the decision log
    # Content words of a subject given in another language: they contradict an entry only
    # when there are enough of them and none is a cognate of its words (`linker.cognates`).
    foreign: frozenset[str] = frozenset()


def topic_of(
    text: str,
    end: int,
    described: tuple[str, ...] = (),
    expand: Callable[[str], str] = str,
    *,
    set_off: bool = True,
) -> Topic | None:
    """The subject a citation ending at `end` gives its paper, with the words a post wrote
    before the study noun (`described`), or None when it gives none. `expand` spells out
    the field's abbreviations ("LDN" → "LDN low dose naltrexone"); `set_off=False` leaves
    out words set off by a bracket, colon or dash right after the citation."""
    phrase, english, claim = _phrase_after(text, end, set_off=set_off)
    words = _phrase_words(expand(phrase)) if phrase else []
    telling = [w for w, acronym in words if _telling(w, acronym=acronym)]
    if claim and len(telling) < _CLAIM_MIN_TELLING:
        telling = []  # a finding is often in words the entry does not use ("found 8 loci")
    foreign = frozenset[str]()
    if not english:
        if words and not claim:
            foreign = content_words(w for w in _joined_words(phrase) if _telling(w))
        telling = []
    all_words = [w for w, _ in words if _may_agree(w)]
    for written in described:
        for word in tokens(expand(written)):
            if _may_agree(word):
                all_words.append(word)
            # A capitalised word before the noun names a place or team ("the Moreau NIH
            # trial"), not a subject.
            if not written[:1].isupper() and _telling(word, everyday=_DESCRIBED_ZIPF):
                telling.append(word)
    if not all_words and not telling:
        return None
    shown = phrase.strip() or " ".join(described)
    return Topic(frozenset(all_words), frozenset(telling), shown, foreign)


def _phrase_after(text: str, end: int, *, set_off: bool = True) -> tuple[str, bool, bool]:
    """The words after a subject's cue that follows a citation ending at `end` (or ""),
    whether the cue was English, and whether it reports a finding ("found", "showed")."""
    lead = _LEAD.match(text, end)
    if lead and not set_off:
        return "", False, False
    if lead:
        # "Fluge et al. 2019 (hip fractures in older women)", "… 2019: hip fractures": a
        # subject set off right after the citation. Read as a finding (it must say more than
        # one thing), and only when it is plainly English.
        rest = text[lead.end() : lead.end() + 120]
        cut = _END.search(rest)
        phrase = rest[: cut.start()] if cut else rest
        first = phrase.split()[:1]
        if first and first[0].lower().strip(_STRIP) not in _GAP_STOP and _english(phrase):
            return phrase, True, True
        return "", False, False
    gap_end = _GAP_END.search(text, end, end + _GAP_REACH)
    words = list(_WORD_AT.finditer(text, end, gap_end.start() if gap_end else end + _GAP_REACH))
    for index, word in enumerate(words[: _MAX_GAP_WORDS + 1]):
        found = None
        for size in (3, 2, 1):  # "à propos de", "looked at", "on"
            if index + size <= len(words):
                cue = "_".join(w.group().lower().strip(_STRIP) for w in words[index : index + size])
                if cue in _CUES or cue in _CLAIMS or cue in _LOCAL_CUES:
                    found = cue, words[index + size - 1].end()
                    break
        if found is None:
            if word.group().lower().strip(_STRIP) in _GAP_STOP:
                return "", False, False
            continue
        cue, after = found
        claim = cue in _CLAIMS or cue in _LOCAL_CLAIMS
        if claim:
            that = _THAT.match(text, after)
            after = that.end() if that else after
        rest = text[after : after + 120]
        cut = _END.search(rest)
        return (rest[: cut.start()] if cut else rest), cue not in _LOCAL_CUES, claim
    return "", False, False


def _english(phrase: str) -> bool:
    """Whether a phrase is plainly English: it has a frequent English word, and none of its
    frequent words is much more frequent in another of the community's languages ("de",
    "i", "et", "nach" are not English)."""
    words = [w for w in tokens(phrase) if zipf(w)]
    return any(zipf_english(w) >= _EVERYDAY_ZIPF for w in words) and all(
        zipf_english(w) >= zipf(w) - _ENGLISH_MARGIN for w in words
    )


_ENGLISH_MARGIN = 0.5  # "in" is a little more frequent in Dutch than in English
_THAT = re.compile(r"\s{1,2}that\b", re.IGNORECASE)
_LEAD = re.compile(r"[ \t]{0,2}(?:\(|:|[–—]|[ \t]-[ \t])[ \t]{0,2}(?=[^\W\d_])")


def _phrase_words(phrase: str) -> list[tuple[str, bool]]:
    """(folded, written as an acronym) of the words of a subject, up to a word that starts a clause.

    The words are folded together, so that a name spelled out over several words becomes
    its abbreviation as in the entry's text ("post-exertional malaise" → "pem")."""
    raw = phrase.split()
    if raw and raw[0].lower().strip("'’") in _DEICTIC:
        return []
    if _IDIOM.match(phrase):
        return []  # "Fluge 2019, on the other hand, …"
    if _NOT_SUBJECTS.intersection(tokens(" ".join(raw[:3]))):
        return []
    kept: list[str] = []
    for written in raw[: _MAX_TOPIC_WORDS + 3]:
        if written.lower() in _CLAUSE and kept:
            break
        kept.append(written)
    acronyms = {
        folded
        for written in kept
        if written[:1].isupper() and any(c.isupper() for c in written[1:])
        for folded in tokens(written)
    }
    return [(word, word in acronyms) for word in tokens(" ".join(kept))][:_MAX_TOPIC_WORDS]


def _joined_words(phrase: str) -> list[str]:
    """The folded words of a subject up to a word that starts a clause, reading on past
    "and" ("olijfolie en hart- en vaatziekten": both are the subject)."""
    kept: list[str] = []
    for written in phrase.split()[: _MAX_TOPIC_WORDS + 3]:
        lowered = written.lower()
        if lowered in _CLAUSE and lowered not in _AND and kept:
            break
        kept.append(written)
    return tokens(" ".join(kept))[:_MAX_TOPIC_WORDS]


# "and" in the community's languages: it joins two parts of one subject.
_AND = frozenset({"and", "und", "en", "og", "och", "y", "et"})


def _telling(word: str, *, acronym: bool = False, everyday: float = 0.0) -> bool:
    """Whether a subject word can tell one paper's subject from another's (`everyday`: a
    stricter Zipf frequency above which a word tells nothing)."""
    if len(word) < _MIN_LETTERS or word.isdigit() or word in _GENERIC:
        return False
    if stem(word) in _GENERIC_STEMS:
        return False
    if acronym and len(word) <= _ACRONYM_LETTERS:
        return False  # an acronym we cannot read ("NIH", "UCL", "DSQ")
    return not _everyday(word) and not (everyday and zipf(word) >= everyday)


def _may_agree(word: str) -> bool:
    """Whether a word of the post can show that an entry is its subject."""
    if word in _GENERIC or len(word) < _MIN_LETTERS or word.isdigit() or _everyday(word):
        return False
    return stem(word) not in _GENERIC_STEMS


def _everyday(word: str) -> bool:
    """Whether `word` is among the most frequent words of one of the community's languages."""
    return zipf(word) >= _EVERYDAY_ZIPF


@lru_cache(maxsize=65_536)
def stem(word: str) -> str:
    """A word's English Snowball stem ("fractures" → "fractur")."""
    return str(_STEMMER.stemWord(word))


def entry_text(entry: AtlasEntry) -> str:
    """Everything an entry says about its subject: title, summary, findings, keywords."""
    parts: list[str] = [entry.title, entry.summary or "", entry.why_it_matters or ""]
    parts += [*entry.findings, *entry.conclusions, *entry.keywords, *entry.aliases]
    # Not the journal: "Brain Communications" says nothing of a paper's subject.
    parts += [entry.study_type or "", entry.does_not_prove or ""]
    return " ".join(parts)


class Vocabulary:
    """The subject words, designs and cohort sizes of one entry, each read when first asked."""

    def __init__(self, entry: AtlasEntry, expand: Callable[[str], str]) -> None:
        self._entry = entry
        self._expand = expand
        self._stems: frozenset[str] | None = None
        self._long: tuple[str, ...] = ()
        self._designs: frozenset[str] | None = None
        self._sizes: frozenset[int] | None = None

    @property
    def stems(self) -> frozenset[str]:
        """The Snowball stems of the entry's subject words."""
        if self._stems is None:
            text = self._expand(entry_text(self._entry))
            # Folded together ("post-exertional malaise" → "pem") and word by word ("malaise").
            words = tokens(text) + [w for part in text.split() for w in tokens(part)]
            self._stems = frozenset(stem(w) for w in words if len(w) >= _MIN_LETTERS)
            self._long = tuple(s for s in self._stems if len(s) >= _PART_MIN_LETTERS)
        return self._stems

    @property
    def designs(self) -> frozenset[str]:
        """The study designs the entry names."""
        if self._designs is None:
            self._designs = designs_in(entry_text(self._entry))
        return self._designs

    @property
    def sizes(self) -> frozenset[int]:
        """The cohort sizes the entry's title and summary give."""
        if self._sizes is None:
            self._sizes = sizes_in(f"{self._entry.title} {self._entry.summary or ''}")
        return self._sizes

    def verdict(self, topic: Topic) -> tuple[Verdict, tuple[str, ...]]:
        """Whether `topic` is this entry's subject, and the words that decided it.

        One shared word among many others is chance ("red wine protects against heart
        disease" is no paper on heart rate variability): the post's telling words must share
        at least a third with the entry, or two words.
        """
        agreeing = tuple(sorted(w for w in topic.words if self._has(w)))
        telling = topic.telling
        if agreeing and (
            len(agreeing) >= _AGREEING_WORDS or len(agreeing) * _AGREEING_SHARE > len(telling)
        ):
            return Verdict.AGREES, agreeing
        if telling:
            return Verdict.CONTRADICTS, tuple(sorted(telling - set(agreeing)))
        # "sobre riego de tomates en invernaderos": rare words, none of them the entry's.
        if len(topic.foreign) >= _FOREIGN_WORDS and not any_cognate(topic.foreign, self.stems):
            return Verdict.CONTRADICTS, tuple(sorted(topic.foreign))
        return Verdict.SILENT, ()

    def _has(self, word: str) -> bool:
        if not _may_agree(word):
            return False
        stemmed = stem(word)
        if stemmed in self.stems:  # (reads the stems, and so `_long`)
            return True
        if len(stemmed) < _PART_MIN_LETTERS:
            return False
        # A part of a compound ("imaging" in "neuroimaging", "Darmmikrobiom" holding
        # "microbiome"), or the same word in another language ("Zytokine").
        return any(
            (len(other) > len(stemmed) and stemmed in other)
            or (
                len(stemmed) >= _SIMILAR_MIN_LETTERS
                and (
                    fuzz.ratio(stemmed, other) >= _SIMILAR
                    or (
                        len(stemmed) >= len(other) + _COMPOUND_EXTRA
                        and fuzz.partial_ratio(other, stemmed) >= _SIMILAR_PART
                    )
                )
            )
            for other in self._long
        )


# Study designs: the forms a post or a title uses, by design.
_DESIGN_FORMS = {
    "open-label": r"open[\s-]?label|unblinded|non[\s-]?blinded|offen(?:e|en)?\s{1,2}studie",
    "placebo": r"placebo[\s-]?controlled|double[\s-]?blind(?:ed)?|placebokontroll\w*|"
    r"placebogecontroleerd\w*|controlado\s{1,2}con\s{1,2}placebo|contre\s{1,2}placebo",
    "meta-analysis": r"meta[\s-]?analys[ie]s|metaanalys[ei]\w*|metaan[áa]lisis|méta-analyse",
    "systematic-review": r"systematic\s{1,2}review|systematische\w*\s{1,2}übersicht\w*|"
    r"revisión\s{1,2}sistemática|revue\s{1,2}systématique",
    "phase-1": r"phase\s{0,2}(?:1|i)\b(?!i)",
    "phase-2": r"phase\s{0,2}(?:2|ii)\b(?!i)",
    "phase-3": r"phase\s{0,2}(?:3|iii)\b",
    "follow-up": r"follow[\s-]?up|long[\s-]?term\s{1,2}outcomes?|oppfølging\w*|nachbeobachtung",
    "pilot": r"pilot|feasibility|machbarkeit\w*|haalbaarheid\w*",
    "case-series": r"case\s{1,2}series|case\s{1,2}report|fallserie|fallbericht",
    "survey": r"survey|questionnaire\s{1,2}study|umfrage|enquête|encuesta|spørreundersøkelse",
    "cross-sectional": r"cross[\s-]?sectional|querschnitt\w*",
    "mendelian": r"mendelian\s{1,2}randomi[sz]ation",
}
_DESIGNS = {
    name: re.compile(rf"(?<!\w)(?:{form})", re.IGNORECASE) for name, form in _DESIGN_FORMS.items()
}
# Designs that one paper cannot be at once.
_EXCLUSIVE = (
    frozenset({"open-label", "placebo"}),
    frozenset({"phase-1", "phase-2", "phase-3"}),
    frozenset({"meta-analysis", "placebo", "open-label", "pilot", "case-series"}),
    frozenset({"systematic-review", "placebo", "open-label", "pilot", "case-series", "survey"}),
)


# A few letters every design form holds: most texts have none and need no regex at all.
_DESIGN_HINTS = (
    "label", "blind", "placebo", "meta", "review", "übersicht", "revisión", "revue", "phase",
    "follow", "long", "oppfølg", "nachbeob", "pilot", "feasib", "machbar", "haalbaar", "case",
    "fall", "survey", "questionnaire", "umfrage", "enquête", "encuesta", "spørre", "sectional",
    "querschnitt", "mendel", "offen", "placebokontroll",
)  # fmt: skip
_ANY_DESIGN = re.compile("|".join(f"(?:{form})" for form in _DESIGN_FORMS.values()), re.I)


def designs_in(text: str) -> frozenset[str]:
    """The study designs `text` names."""
    lowered = text.lower()
    if not any(hint in lowered for hint in _DESIGN_HINTS) or not _ANY_DESIGN.search(text):
        return frozenset()  # most texts name none: one search instead of one per design
    return frozenset(name for name, pattern in _DESIGNS.items() if pattern.search(text))


def design_verdict(post: frozenset[str], entry: frozenset[str]) -> tuple[Verdict, tuple[str, ...]]:
    """Whether the designs a post names fit an entry's."""
    shared = post & entry
    if shared:
        return Verdict.AGREES, tuple(sorted(shared))
    for group in _EXCLUSIVE:
        said, has = post & group, entry & group
        if said and has and not said & has:
            return Verdict.CONTRADICTS, tuple(sorted(said))
    return Verdict.SILENT, ()


# "17 patients", "n = 1,500", "1 500 participants", "15,000 cases", "64 Patienten"
_SIZE = re.compile(
    r"(?<![\w.,])(?:n\s{0,2}=\s{0,2})?(\d{1,3}(?:[,. \u202f]\d{3})+|\d{2,6})"
    r"(?:\s{1,2}(?:people|patients|participants|subjects|adults|adolescents|children|cases|"
    r"women|men|individuals|veterans|respondents|volunteers|patienten|deelnemers|pasienter|"
    r"deltakere|pacientes|participantes|personnes|malades|personas|personen)\b)",
    re.IGNORECASE,
)
_N_EQUALS = re.compile(r"\bn\s{0,2}=\s{0,2}(\d{1,3}(?:[,. \u202f]\d{3})+|\d{2,6})", re.IGNORECASE)


def sizes_in(text: str) -> frozenset[int]:
    """The cohort sizes `text` gives ("17 patients", "n = 1,500")."""
    found = [m.group(1) for m in _SIZE.finditer(text)] + [
        m.group(1) for m in _N_EQUALS.finditer(text)
    ]
    sizes = set()
    for raw in found:
        digits = re.sub(r"\D", "", raw)
        if len(digits) == 4 and digits[:2] in ("19", "20") and raw.isdigit():
            continue  # "in 2019 patients were …": a year
        if digits and 2 <= int(digits) <= 10_000_000:
            sizes.add(int(digits))
    return frozenset(sizes)


def size_verdict(post: frozenset[int], entry: frozenset[int]) -> tuple[Verdict, tuple[str, ...]]:
    """Whether the cohort sizes a post gives fit an entry's (those its title or summary give)."""
    if not post or not entry:
        return Verdict.SILENT, ()
    shared = sorted(p for p in post if any(abs(p - e) <= max(1, e // 50) for e in entry))
    if shared:
        return Verdict.AGREES, tuple(map(str, shared))
    return Verdict.CONTRADICTS, tuple(map(str, sorted(post)))


# A post that says its paper is not the one the name suggests: "wrong Tanaka", "ein anderer
# Walitt", "verkeerde Moreau", "mauvais Petit", "nothing to do with ME", "nada que ver".
_OTHER_ONE = (
    r"(?:wrong|different|another|falsche[nrs]?|anderer?|verkeerde|feil|annen|"
    r"otro|otra|equivocad[oa]|mauvais|autre)"
)
_DISOWNED = re.compile(
    r"nothing\s{1,2}to\s{1,2}do\s{1,2}with\s{1,2}(?:me\b|cfs|me/cfs|long\s{1,2}covid|us\b|"
    r"pem\b)|(?:totally|completely|entirely)\s{1,2}unrelated|wrong\s{1,2}field|"
    r"same\s{1,2}(?:sur)?name|not\s{1,2}(?:a|an|the)\s{1,2}me(?:/cfs)?\s{1,2}(?:paper|study)|"
    r"nichts\s{1,2}(?:mit\s{1,2}me\s{1,2}|damit\s{1,2})?zu\s{1,2}tun|ganz\s{1,2}anderes|"
    r"iets\s{1,2}(?:heel\s{1,2})?anders|helt\s{1,2}annet|noe\s{1,2}annet|"
    r"nada\s{1,2}que\s{1,2}ver|rien\s{1,2}à\s{1,2}voir|autre\s{1,2}chose",
    re.IGNORECASE,
)
_DISOWN_REACH = 160
# A few letters each disowning form holds: most posts have none and need no regex at all.
_DISOWN_HINTS = (
    "nothing", "unrelated", "field", "same", "not ", "nichts", "ander", "iets", "annet",
    "nada", "rien", "autre", "wrong", "differ", "another", "falsch", "verkeerd", "feil",
    "annen", "otro", "otra", "equivocad", "mauvais", "niet", "nicht", "ikke", "no ", "pas ",
)  # fmt: skip
# "not the Tanaka you mean", "niet de Tanaka die je zoekt", "nicht der Walitt"
_NOT_THE = r"(?:not|niet|nicht|ikke|no|pas)\s{1,2}(?:the|de|der|die|den|el|la|le)"


_OTHER_NAMED = re.compile(
    rf"(?<![\w'’-])(?:{_OTHER_ONE}|{_NOT_THE})\s{{1,2}}"
    r"(?P<first>[^\W\d_][\w'’-]{0,40})(?:\s{1,2}(?P<second>[^\W\d_][\w'’-]{0,40}))?",
    re.IGNORECASE,
)


def disowned(text: str, start: int, end: int, key: str) -> bool:
    """Whether the words after a citation (from `end`, in its sentence or the next) say it
    is another paper than the atlas's by that name ("… wrong Tanaka", "nada que ver");
    `key` is the surname's key (`linker.surnames.name_key`)."""
    window = text[max(0, start - 40) : end + _DISOWN_REACH].lower()
    if not any(hint in window for hint in _DISOWN_HINTS):
        return False
    if _DISOWNED.search(text, end, end + _DISOWN_REACH):
        return True
    for found in _OTHER_NAMED.finditer(text, max(0, start - 40), end + _DISOWN_REACH):
        # "wrong Tanaka", "a different old Moreau": the name is one of the two words after
        if key in (name_key(found.group("first")), name_key(found.group("second") or "")):
            return True
    return False
