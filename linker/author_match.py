"""Which atlas entry an author mention names, scored from signals, with the signals kept.

A mention's candidates are the entries whose first author has its surname key; a name that
is no first author's but a co-author's is read only with a cue of a name (a possessive,
"by", "Dr."/"Prof.", "and colleagues", a year beside it) and scored the same way. Each
candidate is scored from what the post says around the mention:

| signal | points | |
| --- | --- | --- |
| `year` | 3 | the year beside the name or in its sentence is the entry's year |
| `year±1` | 1 | one year off (an e-pub year): only wins with journal or topic words |
| `coauthor` | 3 | every other author named is an author of the entry |
| `journal` | 3 | the entry's journal, in full, ISO 4 abbreviation or acronym |
| `topic` | 1 each, at most 3 | words of the entry's title or summary that its rivals lack |
| `described` | 2 | a word of the post's description ("the … cytokine paper") is a topic word |
| `kind` | 1 | the study noun ("review", "trial", "survey") fits the entry's title |
| `group-name` | 1 | a group author named as a group ("the CORE-ME study investigators") |
| `only-entry` | 2 | no year given, and the surname is the first author of this entry only |
| `partial-name` | -1 | found by the last word of a surname with particles only |
| `word-surname` | -2 | an ordinary word ("Brown", "Hope") not marked as a name |
| `subject` | 1 | the subject the post gives ("on …", "looked at …") is the entry's |
| `design`, `size` | 1 each | design words ("open-label") or cohort size ("17 patients") fit |
| `other-author` | -1 | the name is a co-author's or senior author's, not the first author's |

A year, co-author, journal, subject, design, cohort size or first-author initials that
contradict a candidate remove it ("Jason 2022 on the DePaul questionnaire", "Holm KA 2003",
"… in BMJ Open"; see `linker.author_topic`), and so does a post that disowns the name
("wrong Tanaka"). The mention needs a
cue that it is a citation at all (et al., an author list, a possessive, a study noun, "and
colleagues", "a study by", a group's "investigators", a reporting verb, or a year beside the
name); a surname that is a word needs one that marks it as a name (et al., an author list, a
possessive, "and colleagues", "a study by", a group's "investigators"), and the name of an
institution ("the Cochrane review") is never taken without one. The best candidate
is taken when it scores at least `THRESHOLD` and beats the runner-up by `MARGIN`; otherwise
the mention is left unmatched. The dev set (benchmarks/devset, `python -m
benchmarks.bench_devset`) sets the threshold: at 2 a post citing nothing gets a match, at 1
precision falls below 0.99, at 4 recall falls to 0.85. 3 keeps "Name YEAR" for a name
with one entry that year (a citation on its own) and asks any other reading for a second
signal.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import chain

from linker.author_mentions import (
    COAUTHOR_EITHER,
    Mention,
    find_mentions,
    other_author_mentions,
    sentence_span,
)
from linker.author_topic import (
    Verdict,
    Vocabulary,
    design_verdict,
    designs_in,
    disowned,
    size_verdict,
    sizes_in,
    topic_of,
)
from linker.author_year import AuthorYear
from linker.everyday import zipf
from linker.journals import journal_forms, journal_words, names_journal
from linker.surnames import is_group, is_institution, is_word_surname, keys_of, name_key, surname_of
from linker.textnorm import tokens
from records.models import AtlasEntry

THRESHOLD = 3
MARGIN = 1
_MAX_CANDIDATES = 12  # "Wang et al. 2021" among dozens: nothing short of an identifier settles it
# Without a year, words alone pick among a few entries of one author, not among many.
_MAX_CANDIDATES_WITHOUT_YEAR = 4
_MAX_TOPIC = 3
# What makes a surname that is also a word ("Brown", "Hope", "Cochrane") a name: a study
# noun or a verb after it is not enough ("the Cochrane review", "Young people found").
_NAME_CUES = frozenset({"et-al", "author-list", "possessive", "colleagues", "group", "by"})
_WORD_CACHE = 4096
_VOCABULARY_CACHE = 1024
_LOWER_CASE_MIN_LETTERS = 7
_LOWER_CASE_NOUN_LETTERS = 5
_WINDOW_BEFORE = 200
_WINDOW_AFTER = 250
_PARAGRAPH = re.compile(r"\n\s*\n")
# Words too common in this field's titles and summaries to tell studies apart.
_COMMON_TEXT = """
    with from that this their into among after during between versus were than have been
    also more less most some other over under about which while where there these those
    study studies patients patient people persons participants subjects adults children
    chronic fatigue syndrome mecfs myalgic encephalomyelitis encephalopathy illness
    disease diseases disorder review analysis systematic narrative cohort trial
    randomised randomized controlled control controls placebo clinical evidence effect
    effects role association associated associations symptoms symptom severity treatment
    therapy data results found finding findings showed show shows using based case year
    years month months week weeks higher lower reduced increased altered elevated
    impaired compared measured measurement group groups sample samples healthy long
    covid post sars infection infectious onset paper article report reports research
    preprint new first following before does only such many much each both same than
    what when they them those like just thing things people
"""
_COMMON = frozenset(_COMMON_TEXT.split())


@dataclass(frozen=True)
class AuthorDecision:
    """An accepted mention: the entry it names, its score and the signals that fired."""

    mention: Mention
    entry: int
    score: int
    signals: tuple[str, ...]


@dataclass
class _Candidate:
    number: int
    score: int
    signals: list[str]
    topic: set[str]

    def add(self, points: int, signal: str) -> None:
        self.score += points
        self.signals.append(signal)


class AuthorMatcher:
    """First-author surname keys of the atlas, and the scoring of mentions against them."""

    def __init__(
        self,
        entries: list[AtlasEntry],
        title_words: Callable[[int], list[str]] | None = None,
    ) -> None:
        """`title_words`: the folded words of entry `number`'s title, if the caller has
        them at hand (`linker.titles.TitleIndex.words_of`), spare folding titles again."""
        self._entries = entries
        self._full: dict[str, list[int]] = {}
        self._partial: dict[str, list[int]] = {}
        self._starts: set[str] = set()  # keys and first words of names of several words
        for number, entry in enumerate(entries):
            if not entry.authors:
                continue
            full, partial = keys_of(entry.authors[0])
            for key in full:
                self._full.setdefault(key, []).append(number)
            for key in partial:
                self._partial.setdefault(key, []).append(number)
            first_word = surname_of(entry.authors[0]).split(maxsplit=1)
            if len(first_word) > 1:
                self._starts.add(name_key(first_word[0]))
        self._starts.update(self._full, self._partial)
        # An author with very many entries is looked up by year, not by walking them all.
        self._by_year: dict[str, dict[int | None, list[int]]] = {}
        for key, numbers in (*self._full.items(), *self._partial.items()):
            if len(numbers) > _MAX_CANDIDATES:
                years: dict[int | None, list[int]] = {}
                for number in numbers:
                    years.setdefault(entries[number].year, []).append(number)
                self._by_year[key] = years
        self._words: dict[int, set[str]] = {}
        self._stems: dict[int, set[str]] = {}
        self._vocabularies: dict[int, Vocabulary] = {}
        self._journals: dict[str, set[str]] | None = None  # form → journals, built on first use
        # Co-authors, built with the index: every post asks whether it names one.
        self._others = _OtherAuthors(entries)
        self._title_words = title_words

    def is_key(self, key: str) -> bool:
        """Whether some entry's first author is found under `key`."""
        return key in self._full or key in self._partial

    def decide(
        self, text: str, citations: list[AuthorYear], words: AbstractSet[str] | None = None
    ) -> list[AuthorDecision]:
        """The mentions of `text` that name exactly one entry clearly enough (`words`: the
        folded words of `text`, if known, spare reading it for what it lacks)."""
        decisions = []
        mentions = find_mentions(text, self.is_key, citations, self._starts, words)
        for mention in mentions:
            decision = self.score(text, mention)
            if decision is not None:
                decisions.append(decision)
        folded = words if words is not None else frozenset(tokens(text))
        # Most posts hold no co-author's name: a set test spares them the pattern of cues.
        if self._others.any_of(folded) and _may_cue_other_author(text):
            decisions += self._other_authors_in(text, mentions, folded)
        return decisions

    def _other_authors_in(
        self, text: str, mentions: list[Mention], folded: AbstractSet[str]
    ) -> list[AuthorDecision]:
        """Co-authors and senior authors named with a cue of a name ("Montoya's …", "led by
        Prof. Mella", "Klimas and colleagues"), where no first author was found."""
        others = self._others
        keys = {w for w in folded if len(w) >= _OTHER_MIN_LETTERS and others.has(w)}
        keys -= {key for key in keys if self.is_key(key)}
        if not keys:
            return []
        taken = [(m.start, m.end) for m in mentions]
        decisions = []
        for mention in other_author_mentions(text, keys, taken):
            if not mention.cues & _OTHER_AUTHOR_CUES:
                continue
            decision = self.score(text, mention, others.numbers(mention.key))
            if decision is not None:
                decisions.append(decision)
        return decisions

    def score(
        self, text: str, mention: Mention, others: list[int] | None = None
    ) -> AuthorDecision | None:
        """The entry `mention` names, or None when no candidate is clearly best (`others`:
        the entries whose co-author it names, instead of those whose first author it names)."""
        if not _may_be_citation(mention):
            return None
        numbers = self._full.get(mention.key) if others is None else others
        partial = numbers is None
        if numbers is None:
            numbers = self._partial.get(mention.key, [])
        candidates = self._candidates(
            self._near_year(mention.key, numbers, mention.year), mention, mention.year
        )
        year_given = mention.year
        if not candidates and mention.year is not None and "year-beside" not in mention.cues:
            # A year elsewhere in the sentence ("I got ill in 2019, then read …") may not be
            # the paper's: judge the name without it.
            if len(numbers) <= _MAX_CANDIDATES_WITHOUT_YEAR:
                candidates = self._candidates(numbers, mention, None)
            year_given = None
        limit = _MAX_CANDIDATES if year_given is not None else _MAX_CANDIDATES_WITHOUT_YEAR
        if not candidates or len(candidates) > limit:
            return None
        candidates = self._consistent(text, mention, candidates)
        if not candidates:
            return None
        only = year_given is None and len(numbers) == 1 and not partial
        for candidate in candidates:
            _name_signals(candidate, mention, only=only, partial=partial, other=others is not None)
        if len(candidates) > 1 or candidates[0].score < THRESHOLD:
            # One candidate already over the threshold needs no more words (they only add).
            self._weigh(text, mention, candidates)
        candidates.sort(key=lambda c: -c.score)
        best = candidates[0]
        runner_up = candidates[1].score if len(candidates) > 1 else None
        if best.score < THRESHOLD or (runner_up is not None and best.score - runner_up < MARGIN):
            return None
        cues = [f"cue:{cue}" for cue in sorted(mention.cues)]
        signals = ("surname", *best.signals, *cues, f"score:{best.score}")
        return AuthorDecision(mention, best.number, best.score, signals)

    def _consistent(
        self, text: str, mention: Mention, candidates: list[_Candidate]
    ) -> list[_Candidate]:
        """Candidates less those the post contradicts: the paper's subject ("Jason 2022 on the
        DePaul questionnaire"), its design ("open-label"), its cohort size ("17 patients"),
        its journal ("in BMJ Open") or the first author's initials ("Holm KA"). Agreement on
        subject, design or size adds points."""
        low, high = sentence_span(text, mention.start)
        if high < mention.end:
            high = sentence_span(text, mention.end)[1]
        sentence = text[low:high]
        described = () if mention.noun in _VAGUE_NOUNS else mention.described
        topic = topic_of(text, mention.end, described, with_expansions)
        designs = designs_in(sentence)
        sizes = sizes_in(sentence)
        initials = _initials_after(text, mention)
        journal = self._journal_named(text, mention.end, high)
        if disowned(text, mention.start, mention.end, mention.key):
            return []
        if journal is not None:
            # "… 2023 (Front Immunol)", "… 2023 — the Frontiers in Immunology one": the words
            # after the citation name its journal, which is checked on its own.
            topic = topic_of(text, mention.end, described, with_expansions, set_off=False)
        kept = []
        for candidate in candidates:
            entry = self._entries[candidate.number]
            if initials and not _initials_fit(initials, entry):
                continue
            if journal and entry.journal:
                form = _journal_form(entry.journal, *journal)
                if form is None:
                    continue
                exact = form != _SHORTENED
                candidate.add(3 if exact else 1, f"journal:{form}")
            if not (topic or designs or sizes):
                kept.append(candidate)
                continue
            vocabulary = self._vocabulary(candidate.number)
            silent = (Verdict.SILENT, ())
            checks = (
                ("subject", vocabulary.verdict(topic) if topic else silent),
                ("design", design_verdict(designs, vocabulary.designs) if designs else silent),
                ("size", size_verdict(sizes, vocabulary.sizes) if sizes else silent),
            )
            if any(verdict is Verdict.CONTRADICTS for _, (verdict, _) in checks):
                continue
            for name, (verdict, words) in checks:
                if verdict is Verdict.AGREES:
                    candidate.add(1, f"{name}:{','.join(words)}")
            kept.append(candidate)
        return kept

    def _vocabulary(self, number: int) -> Vocabulary:
        """The subject words of an entry (kept for the entries asked for; a post names few)."""
        vocabulary = self._vocabularies.get(number)
        if vocabulary is None:
            if len(self._vocabularies) > _VOCABULARY_CACHE:
                self._vocabularies.clear()
            entry = self._entries[number]
            vocabulary = Vocabulary(entry, with_expansions)
            self._vocabularies[number] = vocabulary
        return vocabulary

    def _journal_named(self, text: str, start: int, end: int) -> tuple[str, set[str]] | None:
        """The words naming an atlas journal right after a citation ("… 2022 in BMJ Open")
        and the journals they may name."""
        found = _IN_JOURNAL.search(text, start, min(end, start + _JOURNAL_REACH))
        if found is None:
            return None
        if self._journals is None:
            self._journals = {}
            for journal in {e.journal for e in self._entries if e.journal}:
                forms = journal_forms(journal)
                for form in (*forms.phrases, *forms.words, *(a.lower() for a in forms.acronyms)):
                    self._journals.setdefault(form, set()).add(journal)
        words = tokens(found.group("name"))
        for size in range(len(words), 0, -1):
            if size < len(words) and words[0] in _DROPPED_BEFORE_JOURNAL:
                break
            journals = self._journals.get(" ".join(words[:size]))
            if journals:
                return found.group("name"), journals
        return None

    def _weigh(self, text: str, mention: Mention, candidates: list[_Candidate]) -> None:
        """Add what the words around the mention say for each candidate."""
        window = _window(text, mention)
        words = journal_words(window)
        topics = self._topics(candidates, window, mention)
        described_words = {_stem(w) for w in tokens(with_expansions(" ".join(mention.described)))}
        for candidate in candidates:
            entry = self._entries[candidate.number]
            named = any(signal.startswith("journal:") for signal in candidate.signals)
            form = names_journal(entry.journal, window, words) if entry.journal else None
            if form and not named:
                candidate.add(3, f"journal:{form}")
            found = sorted(topics[candidate.number])[:_MAX_TOPIC]
            if found:
                candidate.add(len(found), "topic:" + ",".join(found))
            described = topics[candidate.number] & described_words
            if described:
                candidate.add(2, "described:" + ",".join(sorted(described)))
            if mention.noun and _is_kind(mention.noun, self._entry_words(candidate.number), entry):
                candidate.add(1, f"kind:{mention.noun}")
            if "group" in mention.cues and is_group(entry.authors[0]):
                candidate.add(1, "group-name")

    def _near_year(self, key: str, numbers: list[int], year: int | None) -> list[int]:
        """`numbers`, or for an author with very many entries those within a year of `year`."""
        by_year = self._by_year.get(key)
        if by_year is None:
            return numbers
        if year is None:
            return numbers[: _MAX_CANDIDATES + 1]  # too many to choose from without a year
        return [n for y in (year - 1, year, year + 1) for n in by_year.get(y, [])]

    def _candidates(
        self, numbers: list[int], mention: Mention, year: int | None
    ) -> list[_Candidate]:
        """Entries not ruled out by the year and the co-authors named."""
        found = []
        for number in numbers:
            entry = self._entries[number]
            signals: list[str] = []
            score = 0
            if year is not None:
                if entry.year == year:
                    score, signals = 3, ["year"]
                elif entry.year is not None and abs(entry.year - year) == 1:
                    score, signals = 1, ["year±1"]
                else:
                    continue
            if mention.coauthors:
                names = self._author_keys(entry)
                if not all(
                    any(part in names for part in coauthor.split(COAUTHOR_EITHER))
                    for coauthor in mention.coauthors
                ):
                    continue
                score += 3
                signals.append("coauthor")
            found.append(_Candidate(number, score, signals, set()))
            if len(found) > _MAX_CANDIDATES:
                break
        return found

    def _author_keys(self, entry: AtlasEntry) -> set[str]:
        keys: set[str] = set()
        for author in entry.authors:
            full, partial = keys_of(author)
            keys.update(full, partial)
            keys.add(name_key(surname_of(author).split()[-1:]) if surname_of(author) else "")
        return keys

    def _topics(
        self, candidates: list[_Candidate], window: str, mention: Mention
    ) -> dict[int, set[str]]:
        """Per candidate, the distinctive words of its title and summary the post uses."""
        name_words = set(tokens(mention.key))
        words = _affirmed(tokens(with_expansions(window)))
        post = _stems(set(words) - name_words)
        own = {c.number: self._entry_stems(c.number) & post for c in candidates}
        if len(candidates) == 1:
            return own
        # Only words that set a candidate apart from its rivals count: those of its own that
        # no other candidate's words hold (counted once, not compared pair by pair).
        holders = Counter(chain.from_iterable(own.values()))
        return {number: {w for w in words if holders[w] == 1} for number, words in own.items()}

    def _entry_stems(self, number: int) -> set[str]:
        """The stems of the words of an entry's title and summary that can tell it apart."""
        stems = self._stems.get(number)
        if stems is None:
            if len(self._stems) > _WORD_CACHE:
                self._stems.clear()
            stems = _stems(self._entry_words(number))
            self._stems[number] = stems
        return stems

    def _entry_words(self, number: int) -> set[str]:
        """The folded words of an entry's title and summary (kept for the entries asked for;
        a post names few)."""
        words = self._words.get(number)
        if words is None:
            if len(self._words) > _WORD_CACHE:
                self._words.clear()
            entry = self._entries[number]
            if entry.summary or self._title_words is None:
                words = set(tokens(f"{entry.title} {entry.summary or ''}"))
            else:
                words = set(self._title_words(number))  # the same words, already folded
            self._words[number] = words
        return words


def _name_signals(
    candidate: _Candidate, mention: Mention, *, only: bool, partial: bool, other: bool
) -> None:
    """What the name alone says: the only entry of its author, found by part of a surname,
    a co-author rather than the first author, an ordinary word not marked as a name."""
    if only:
        candidate.add(2, "only-entry")
    if partial:
        candidate.add(-1, "partial-name")
    if other:
        candidate.add(-1, "other-author")
    if is_word_surname(mention.key) and not mention.cues & _NAME_CUES:
        candidate.add(-2, "word-surname")


class _OtherAuthors:
    """The entries of each name that is an author but not the first, in arrays (the hashes
    of the names' keys in order, where each one's entries start, the entry numbers): some 4
    bytes a co-author, not a dict of lists; and the set of those hashes, which a post's
    words are tested against."""

    def __init__(self, entries: list[AtlasEntry]) -> None:
        # Built with the index, so kept cheap: a surname's key is folded once however many
        # entries list it (a 100,000-entry atlas has 200,000 co-authors but far fewer
        # surnames), and co-authors are counted into arrays under each name instead of
        # sorting 200,000 (hash, number) tuples or keeping a list of numbers a name (which
        # left 10 MB behind in a process that builds the index once).
        hashes_of: dict[str, int] = {}  # surname → hash of its key (0: no key)
        group_of: dict[int, int] = {}  # hash → its group, numbered as first met
        groups = array("i")  # per co-author: its group, and the entry it is an author of
        owners = array("i")
        for number, entry in enumerate(entries):
            for author in entry.authors[1:]:
                surname = surname_of(author)
                hashed = hashes_of.get(surname)
                if hashed is None:
                    key = name_key(surname)
                    hashed = hashes_of[surname] = hash(key) if key else 0
                if hashed:
                    group = group_of.get(hashed)
                    if group is None:
                        group = group_of[hashed] = len(group_of)
                    groups.append(group)
                    owners.append(number)
        del hashes_of
        self._distinct = frozenset(group_of)
        # The groups in order of their hashes, each group's entries in entry order: a
        # counting sort into one array, with where each group starts.
        by_hash = sorted(group_of)
        rank = array("i", bytes(4 * len(by_hash)))
        for position, hashed in enumerate(by_hash):
            rank[group_of[hashed]] = position
        sizes = array("i", bytes(4 * (len(by_hash) + 1)))
        for group in groups:
            sizes[rank[group] + 1] += 1
        for position in range(len(by_hash)):
            sizes[position + 1] += sizes[position]
        self._keys = array("q", by_hash)
        self._starts = array("i", sizes)  # group at position p: entries[starts[p]:starts[p + 1]]
        filled = array("i", sizes)
        self._numbers = array("i", bytes(4 * len(owners)))
        for group, number in zip(groups, owners, strict=True):
            position = rank[group]
            self._numbers[filled[position]] = number
            filled[position] += 1

    def has(self, key: str) -> bool:
        """Whether some entry has a co-author under `key` (a rare hash collision only costs
        a look at that entry's authors)."""
        return hash(key) in self._distinct

    def any_of(self, words: AbstractSet[str]) -> bool:
        """Whether some entry may have a co-author under one of `words` (`has` of any)."""
        return not self._distinct.isdisjoint(map(hash, words))

    def numbers(self, key: str) -> list[int]:
        """The entries with a co-author under `key`."""
        wanted = hash(key)
        position = bisect_left(self._keys, wanted)
        if position == len(self._keys) or self._keys[position] != wanted:
            return []
        numbers = self._numbers[self._starts[position] : self._starts[position + 1]]
        return list(dict.fromkeys(numbers))


# What makes a word a co-author's name worth reading: a possessive, "by", a title, "and
# colleagues", a year right after ("Pripuzova 2010"), "lab"/"team"/"group".
_OTHER_AUTHOR_CUE = re.compile(
    r"[A-Z][\w-]{1,40}['’]s\b|\b(?:by|von|van|door|av|de|par)[ \t](?-i:[A-Z])|"
    r"\b(?:Dr|Prof|Professor|Doctor|colleagues|kollegen|kolleger|collega|colaboradores|"
    r"collègues|lab|team|group)\b|[A-Z][\w'’-]{1,40}[ \t]\(?(?:19|20)\d\d\b"
)
# What each branch of `_OTHER_AUTHOR_CUE` cannot do without, found by searches that skip
# ahead in C to their first letters (the cue itself is tried at every character): "'s", a
# "by"-word and a capital, a title or group word, a year after a word and a space.
_OTHER_AUTHOR_HINT_WORDS = re.compile(
    r"(?:by|von|van|door|av|de|par)[ \t][A-Z]|Dr|Prof|Doctor|colleagues|kollegen|kolleger|"
    r"collega|colaboradores|collègues|lab|team|group"
)
_OTHER_AUTHOR_HINT_YEAR = re.compile(r"(?:19|20)(?:(?<=[\w'’-][ \t]..)|(?<=[\w'’-][ \t]\(..))\d\d")


def _may_cue_other_author(text: str) -> bool:
    """Whether `_OTHER_AUTHOR_CUE` is found in `text` (most posts fail the hints)."""
    hinted = (
        "'s" in text
        or "’s" in text
        or _OTHER_AUTHOR_HINT_WORDS.search(text)
        or _OTHER_AUTHOR_HINT_YEAR.search(text)
    )
    return bool(hinted) and _OTHER_AUTHOR_CUE.search(text) is not None


_OTHER_AUTHOR_CUES = frozenset(
    {"possessive", "by", "title", "colleagues", "year-beside", "study-noun", "author-list",
     "et-al", "group"}
)  # fmt: skip
_OTHER_MIN_LETTERS = 3


# A study noun in a post and the words of titles or study types that show that kind of study.
_KINDS: dict[str, frozenset[str]] = {
    "review": frozenset({"review", "overview", "appraisal"}),
    "meta-analysis": frozenset({"meta", "metaanalysis"}),
    "metaanalysis": frozenset({"meta", "metaanalysis"}),
    "trial": frozenset({"trial", "randomised", "randomized", "rct"}),
    "rct": frozenset({"trial", "randomised", "randomized", "rct"}),
    "survey": frozenset({"survey", "questionnaire", "reported"}),
    "critique": frozenset({"critique", "critical", "appraisal", "limitations"}),
    "pilot": frozenset({"pilot", "feasibility"}),
    "cohort": frozenset({"cohort", "registry"}),
    "follow-up": frozenset({"follow", "followup"}),
    "biopsies": frozenset({"biopsy", "biopsies"}),
}
# The same kinds in the community's other languages.
for _local, _english in {
    "übersichtsarbeit": "review", "übersicht": "review", "oversikt": "review",
    "revisión": "review", "revue": "review", "ensayo": "trial", "essai": "trial",
    "kritik": "critique", "kritiek": "critique", "kritikk": "critique", "crítica": "critique",
    "umfrage": "survey", "encuesta": "survey", "enquête": "survey",
}.items():  # fmt: skip
    _KINDS[_local] = _KINDS[_english]


def _is_kind(noun: str, words: set[str], entry: AtlasEntry) -> bool:
    """Whether the entry is the kind of study the post's noun says ("review", "trial")."""
    kind = _KINDS.get(noun)
    if kind is None:
        return False
    study_type = tokens(entry.study_type or "")
    return not kind.isdisjoint(words) or not kind.isdisjoint(study_type)


# Abbreviations posts use for what titles spell out ("Moreau's LDN trial").
_EXPANSIONS = {
    "LDN": "low dose naltrexone", "CPET": "cardiopulmonary exercise test",
    "NK": "natural killer", "POTS": "postural orthostatic tachycardia",
    "OI": "orthostatic intolerance", "HRV": "heart rate variability",
    "CBF": "cerebral blood flow", "GWAS": "genome wide association",
    "FMD": "flow mediated dilation", "ASL": "arterial spin labelling",
    "PDH": "pyruvate dehydrogenase", "IA": "immunoadsorption", "RTX": "rituximab",
    "EBV": "epstein barr", "GET": "graded exercise therapy",
    "CBT": "cognitive behaviour therapy", "PBMC": "peripheral blood mononuclear",
    "PBMCs": "peripheral blood mononuclear", "PSG": "polysomnography",
    "SFN": "small fibre neuropathy", "MRS": "magnetic resonance spectroscopy",
    "PET": "positron emission tomography", "RBC": "red blood cell",
    "HR": "heart rate", "MRI": "magnetic resonance imaging",
}  # fmt: skip
_ABBREVIATION = re.compile(r"\b(?:" + "|".join(sorted(_EXPANSIONS, key=len, reverse=True)) + r")\b")


# "… in BMJ Open", "published in the Lancet", "(Nature Medicine, 2021)": a journal's name,
# capitalised, after "in" (and its forms in the other languages) or a bracket.
_IN_JOURNAL = re.compile(
    r"(?:(?<![\w'’-])(?:in|im|en|i|dans|publi[ée]e?\s{1,2}dans)\s{1,2}(?:the\s{1,2}|der\s{1,2}|"
    r"la\s{1,2}|le\s{1,2})?|\(\s?)"
    r"(?P<name>(?-i:[A-Z])[\w&.:-]{0,30}(?:\s{1,2}(?:of\s{1,2}|and\s{1,2}|&\s{1,2})?"
    r"(?-i:[A-Z])[\w&.:-]{0,30}){0,5})",
    re.IGNORECASE,
)
_JOURNAL_REACH = 120
_SHORTENED = "shortened"  # the journal named is a shortening of the entry's
_VAGUE_NOUNS = frozenset({"one", "thing", "work", "data"})
_DROPPED_BEFORE_JOURNAL = frozenset({"the"})
# Initials written after a surname: "Holm KA", "White PD", "Walitt B.", "Holm, K.A."
_INITIALS = re.compile(
    r"[ \t]{1,2}(?:,[ \t]?)?(?P<initials>(?-i:[A-ZØÅÆÖÄÜ]){1,2}(?=[\s,;&)]|$)|"
    r"(?-i:[A-ZØÅÆÖÄÜ])\.(?:[ \t]?-?(?-i:[A-Z])\.){0,2})"
)
_INITIALS_NAME = re.compile(r"(?:[\w'’-]+[ \t]{1,2}){0,3}?[\w'’-]+?(?=['’]s\b|[ \t,])")


def _initials_after(text: str, mention: Mention) -> str | None:
    """The initials written after the mention's surname, if any ("Holm KA 2003" → "KA")."""
    head = text[mention.start : min(mention.end, mention.start + 60)]
    for word in re.finditer(r"[^\W\d_][\w'’-]*", head):
        if name_key(word.group()) and mention.key.endswith(name_key(word.group())):
            found = _INITIALS.match(head, word.end())
            if found is None:
                return None
            return found.group("initials").replace(".", "").replace(" ", "").replace("-", "")
    return None


def _initials_fit(initials: str, entry: AtlasEntry) -> bool:
    """Whether initials fit the entry's first author (whose given names may be unknown)."""
    if not entry.authors or "," not in entry.authors[0]:
        return True
    given = entry.authors[0].split(",", 1)[1].strip()
    return not given or given[0].upper() == initials[0]


def _journal_form(journal: str, written: str, named: set[str]) -> str | None:
    """How the journal a post names (`written`, the atlas journals it may be) names the
    entry's, or None if it names another ("Nature" for "Nature Communications" may be the
    entry's: people shorten journal names)."""
    form = names_journal(journal, written, journal_words(written))
    if form:
        return form
    if journal in named:
        return " ".join(tokens(written))
    entry_words = set(tokens(journal))
    if any(set(tokens(other)) <= entry_words for other in named):
        return _SHORTENED
    return None


def _may_be_citation(mention: Mention) -> bool:
    """Whether a mention can be a citation at all, whatever the atlas holds."""
    if not mention.cues or (mention.lower_case and not _lower_case_citation(mention)):
        return False
    if mention.place and not mention.cues & {"et-al", "author-list"}:
        return False  # "moved to Holm in 2017"
    # "the Cochrane review", "the Stanford study"
    return not is_institution(mention.key) or bool(mention.cues & _NAME_CUES)


def _lower_case_citation(mention: Mention) -> bool:
    """A name written in lower case is cited before "et al."; or when it is no word of the
    community's languages and has its year beside it ("vanderberg 2018") or a study noun, a
    possessive or a "by" ("the giloteaux microbiome paper", "die studie von loebel")."""
    if "et-al" in mention.cues:
        return True
    if is_word_surname(mention.key) or zipf(mention.key) > 0:
        return False
    long_name = len(mention.key) >= _LOWER_CASE_MIN_LETTERS
    if long_name and "year-beside" in mention.cues:
        return True
    return len(mention.key) >= _LOWER_CASE_NOUN_LETTERS and bool(
        mention.cues & {"study-noun", "possessive", "by"}
    )


def with_expansions(text: str) -> str:
    """`text` with the spelled-out form after each abbreviation of `_EXPANSIONS`."""
    return _ABBREVIATION.sub(lambda m: f"{m.group()} {_EXPANSIONS[m.group()]}", text)


def _affirmed(words: list[str]) -> list[str]:
    """Words less those the post denies ("not the tilt one", "no gut data")."""
    kept = []
    denied = 0
    for word in words:
        if word in ("not", "no", "nor", "without"):
            denied = 3
            continue
        if denied:
            denied -= 1
            if word not in ("the", "a", "an", "that", "this"):
                denied = 0
            continue
        kept.append(word)
    return kept


def _stems(words: AbstractSet[str]) -> set[str]:
    """The stems of the usable ones of `words` (common words set aside in C first: an
    entry's words are read for each post that names its author)."""
    return {_stem(w) for w in words - _COMMON if len(w) >= 4 and not w.isdigit()}


def _stem(word: str) -> str:
    """Words compare by their first six letters: "cytokines" meets "cytokine"."""
    return word[:6]


def _window(text: str, mention: Mention) -> str:
    """The text around a mention where its journal and topic words are looked for."""
    low = max(0, mention.start - _WINDOW_BEFORE)
    high = min(len(text), mention.end + _WINDOW_AFTER)
    before = list(_PARAGRAPH.finditer(text, low, mention.start))
    if before:
        low = before[-1].end()
    after = _PARAGRAPH.search(text, mention.end, high)
    if after:
        high = after.start()
    return text[low:high]
