"""The atlas in memory, built once, answering "which studies does this post cite?".

Identifiers (DOI, PMID, PMCID, slug, and aliases such as a preprint's DOI) resolve by
dictionary look-up; titles through the shingle index of `linker.titles`; author-year
citations through (first-author surname, year), only when exactly one entry fits.
"""

from __future__ import annotations

import gc
import re
from collections import Counter
from collections.abc import Iterable

from config.settings import LinkerSettings
from linker.author_match import AuthorMatcher
from linker.author_year import AuthorYear, find_author_years, fold_surname
from linker.descriptions import DescriptionMatcher, has_cue
from linker.found import (
    Found,
    drop_overlapping_titles,
    merge_citation_blocks,
    one_per_study,
    overruled_by_identifiers,
    to_match,
)
from linker.languages import as_english
from linker.references import Scan, mask_spans, scan_identifiers
from linker.search import TitleSearch
from linker.spans import SpanSet
from linker.textnorm import normalize_title, title_words, tokens, tokens_with_spans
from linker.titles import TitleIndex
from linker.trim import trimmed_length
from linker.urls import canonical_doi
from linker.versions import settle_titles
from records.identifiers import (
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    normalize_publisher_id,
)
from records.models import AtlasEntry, Match, Reference, RefKind

_MAX_AUTHOR_YEAR_CANDIDATES = 12
_IDENTIFIER_KINDS = (
    RefKind.DOI,
    RefKind.PMID,
    RefKind.PMCID,
    RefKind.SLUG,
    RefKind.PUBLISHER_ID,
)

# A bare atlas slug: surname, year, title words (`lee-2024-brain-regional`).
_SLUG = re.compile(
    r"(?<![\w/.-])[a-z][a-z'-]{0,40}-(?:19|20)\d{2}(?:-[a-z0-9]{1,40}){1,4}(?![\w-])"
)
# The rest of a DOI that a line break cut without a separator (the atlas says if it fits).
# A full stop right before the break belongs to the DOI (`10.1371/journal.` ⏎ `pone.0123456`).
_NEXT_LINE_WORD = re.compile(r"(\.?)[ \t]{0,20}\r?\n[ \t]{0,20}([^\s\"'<>`|]{1,200})")
# Title words too common in this field to tell studies apart.
_COMMON_WORDS_TEXT = """
    with from that this their into among after during between study studies patients
    chronic fatigue syndrome myalgic encephalomyelitis review analysis systematic
"""
_COMMON_TITLE_WORDS = frozenset(_COMMON_WORDS_TEXT.split())
# Words that announce a title ("I read …", "the paper titled …") and that continue a citation.
_TITLE_CUE_BEFORE = re.compile(
    r"\b(?:read|titled|entitled|called|named|paper|study|article)$", re.I
)
# An ellipsis right after a cut title, maybe after closing punctuation or a few words of the
# title's next name ("... post-infectious myalgic encephalomyelitis…").
_ELLIPSIS_AFTER = re.compile(
    r"[)\]:;,'\"”’*_]{0,3}\s?(?:[^\s.…]{1,25}\s?){0,3}(?:\[?\.{3}\]?|\[?…\]?)"
)
_LIST_ITEM_BEFORE = re.compile(r"(?:^|\n)[ \t]{0,8}\d{1,3}[.)]$")  # "1. Title" in a list
_CITATION_AFTER = re.compile(r"(?:by|from|in|et\.?\s?al|published|(?:19|20)\d{2})\b", re.I)
# A lookup query of the form "Surname 2024", "van der Berg et al. (2019)", "Lee, 2024". It runs
# on the query with whitespace collapsed and cut to `_AUTHOR_YEAR_QUERY_CHARS`, and every
# word is matched possessively, so no query can make it backtrack
# (https://www.regular-expressions.info/catastrophic.html).
_AUTHOR_YEAR_QUERY_CHARS = 120
# A lookup names one study: an identifier, a link, a slug or title words all fit in far
# less. Reading no further keeps every lookup about as cheap as a short post.
LOOKUP_QUERY_CHARS = 2_000
_AUTHOR_YEAR_QUERY = re.compile(
    r"(?P<name>[^\W\d_][\w'’-]{0,40}+(?:[ -][^\W\d_][\w'’-]{0,40}+){0,4}?)"
    r"(?:,? et\.? ?al\.?)?,? ?\(?(?P<year>(?:19|20)\d{2})\)?"
)


class AtlasIndex:
    """Atlas entries indexed for matching; build it with `AtlasIndex.build`."""

    def __init__(
        self,
        entries: list[AtlasEntry],
        settings: LinkerSettings,
        other_titles: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._entries = entries
        # Title rows past the entries are other titles of an entry (its preprint's, or its
        # published version's), by the entry number they belong to.
        self._title_owner: list[int] = []
        self._settings = settings
        self._by_id: dict[str, int] = {}
        self._identifiers: dict[RefKind, dict[str, int]] = {k: {} for k in _IDENTIFIER_KINDS}
        # "surname|year" → the entry number, or a list of them when several share it (most
        # keys have one entry: an int costs no list).
        self._by_author_year: dict[str, int | list[int]] = {}
        self._titles = TitleIndex(
            min_words=settings.title_min_words, min_score=settings.title_min_score
        )
        self._frequency: Counter[str] | None = None
        for number, entry in enumerate(entries):
            self._by_id.setdefault(entry.id, number)
            self._identifiers[RefKind.SLUG].setdefault(entry.id, number)
            for kind, value in (
                (RefKind.DOI, entry.doi),
                (RefKind.PMID, entry.pmid),
                (RefKind.PMCID, entry.pmcid),
            ):
                if value:
                    self._add_identifier(kind, value, number)
            first_author = entry.first_author_surname
            if first_author and entry.year:
                for key in _surname_keys(fold_surname(first_author)):
                    self._add_author_year(f"{key}|{entry.year}", number)
            self._titles.add(*title_words(entry.title))
        for title, entry_id in other_titles:
            owner = self._by_id.get(entry_id)
            if owner is not None and title.strip():
                self._titles.add(*title_words(title))
                self._title_owner.append(owner)
        self._titles.finish()
        self._search: TitleSearch | None = None
        self._authors = AuthorMatcher(entries, self._titles.words_of)
        self._describer: DescriptionMatcher | None = None  # built on the first cued post

    @classmethod
    def build(
        cls,
        entries: Iterable[AtlasEntry],
        aliases: Iterable[tuple[str, str, str]] = (),
        settings: LinkerSettings | None = None,
    ) -> AtlasIndex:
        """Index `entries` and their aliases ((kind, value, entry_id) as the records store them).

        A program that keeps the index for its lifetime does well to call `gc.freeze()` once it
        is built, so that full garbage collections stop re-scanning its objects.
        """
        # Building allocates millions of small objects that all live on; pausing the cyclic
        # garbage collector meanwhile avoids repeated full scans of them (and halves the time).
        aliases = list(aliases)
        titles = [(value, entry_id) for kind, value, entry_id in aliases if kind == "title"]
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            index = cls(list(entries), settings or LinkerSettings(), titles)
        finally:
            if was_enabled:
                gc.enable()
        for kind, value, entry_id in aliases:
            number = index._by_id.get(entry_id)
            if number is None:
                continue
            try:
                ref_kind = RefKind(kind)
            except ValueError:
                continue
            if ref_kind in _IDENTIFIER_KINDS:
                index._add_identifier(ref_kind, value, number)
        return index

    @property
    def _word_frequency(self) -> Counter[str]:
        """In how many titles each word occurs (counted on first use: only author-year
        disambiguation and title search need it)."""
        if self._frequency is None:
            self._frequency = Counter(
                word for n in range(len(self._entries)) for word in set(self._titles.words_of(n))
            )
        return self._frequency

    def _add_author_year(self, key: str, number: int) -> None:
        current = self._by_author_year.get(key)
        if current is None:
            self._by_author_year[key] = number
        elif isinstance(current, int):
            self._by_author_year[key] = [current, number]
        else:
            current.append(number)

    def _author_year_numbers(self, key: str) -> list[int]:
        """The entries whose first author and year are `key` ("surname|year"), in order."""
        found = self._by_author_year.get(key)
        if found is None:
            return []
        return [found] if isinstance(found, int) else list(found)

    def _add_identifier(self, kind: RefKind, value: str, number: int) -> None:
        normalized = value if _already_normal(kind, value) else _normalize(kind, value)
        if normalized:
            # Keep the caller's string when it is already normal: one copy per identifier.
            self._identifiers[kind].setdefault(value if value == normalized else normalized, number)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, entry_id: str) -> AtlasEntry | None:
        """The entry with this slug, or None."""
        number = self._by_id.get(entry_id.strip().lower())
        return None if number is None else self._entries[number]

    def resolve(self, kind: RefKind, value: str) -> AtlasEntry | None:
        """The entry an identifier (or alias) names, or None."""
        normalized = _normalize(kind, value)
        table = self._identifiers.get(kind)
        number = table.get(normalized) if table is not None and normalized else None
        return None if number is None else self._entries[number]

    def match(self, text: str) -> list[Match]:
        """One Match per distinct study `text` refers to, in order of first appearance.

        A study the atlas lacks comes back with `entry=None` and the identifier(s) the post
        gave (identifiers written side by side, "doi: … PMID: …", count as one study).
        Author-year citations and titles that fit no entry (or several) are left out, and an
        author-year citation is overruled by an identifier written right beside it.
        Only the first `linker.max_post_chars` characters are read, so no post costs more.
        """
        text = text[: self._settings.max_post_chars]
        scan = scan_identifiers(text)
        found = [self._resolve_reference(reference, text) for reference in scan.references]
        found = merge_citation_blocks(found, text)
        limit = self._settings.max_text_chars
        masked = mask_spans(scan.clean.text, scan.link_spans)[:limit]
        taken = SpanSet((f.reference.start, f.reference.end) for f in found)
        identified = list(found)
        found += self._slugs(text, scan, masked)
        words = tokens(masked)
        found += self._titles_in(text, scan, masked, words)
        if self._settings.author_year:
            citations = self._author_years(text, scan, masked, taken, words)
            citations = describing_no_identifier(citations, identified, text)
            found += overruled_by_identifiers(citations, identified, text)
        if self._settings.descriptions and not found:
            # A post that cites formally describes what it cites: no second study from that.
            found += self._descriptions_in(text, scan, masked, words)
        return one_per_study(found)

    def unmatched_citations(self, text: str, matches: Iterable[Match] = ()) -> list[Match]:
        """Strong author-year citations ("Smith et al. 2021") of studies the atlas lacks.

        Only citations whose first author and year fit no atlas entry at all, outside the
        spans of `matches`: an ambiguous citation of atlas studies is not a missing paper.
        Worth logging for curators; not a match to reply with.
        """
        taken = SpanSet((m.reference.start, m.reference.end) for m in matches)
        text = text[: self._settings.max_post_chars]
        scan = scan_identifiers(text)
        masked = mask_spans(scan.clean.text, scan.link_spans)[: self._settings.max_text_chars]
        masked = as_english(masked)
        found = []
        seen: set[str] = set()
        for citation in find_author_years(masked, weak=False):
            if self._author_year_candidates(citation):
                continue
            # One paper, one key: its first author and year, however many names were written.
            value = f"{citation.surnames[0]} {citation.year}"
            span = (citation.start, citation.end)
            reference = _reference(text, scan, RefKind.AUTHOR_YEAR, value, span, rule="author-year")
            if reference.key in seen or taken.overlaps(reference.start, reference.end):
                continue
            seen.add(reference.key)
            found.append(to_match(Found(reference, None, 100.0, "author-year-unmatched")))
        return found

    def search(self, query: str, limit: int = 5) -> list[Match]:
        """Matches for a lookup command, best first.

        An identifier, link or slug resolves exactly (one result). "Surname 2024" lists the
        entries by that first author and year. Anything else is taken as title words and
        gives up to `limit` ranked candidates with their scores. Only the first
        `LOOKUP_QUERY_CHARS` characters of a query are read.
        """
        query = query.strip()[:LOOKUP_QUERY_CHARS].strip()
        if not query:
            return []
        exact = [m for m in self.match(query) if m.reference.kind in _IDENTIFIER_KINDS]
        if exact:
            return exact[:limit]
        entry = self.get(query) if _SLUG.fullmatch(query.lower()) else None
        whole = Reference(kind=RefKind.TITLE, value=query, start=0, end=len(query), text=query)
        if entry is not None:
            slug = whole.model_copy(update={"kind": RefKind.SLUG, "value": entry.id})
            return [to_match(Found(slug, entry, 100.0, "slug"))]
        by_author = self._search_author_year(query, whole)
        if by_author:
            return by_author[:limit]
        return self._search_titles(query, whole, limit)

    # -- identifiers -------------------------------------------------------------------

    def _resolve_reference(self, reference: Reference, text: str) -> Found:
        entry = self.resolve(reference.kind, reference.value)
        if entry is None and reference.kind is RefKind.DOI:
            joined = self._join_next_line(reference, text)
            if joined is not None:
                return joined
            if reference.rule == "underscore-doi":
                entry = self._underscored_slashes(reference.value)
        return Found(reference, entry, 100.0, reference.rule)

    def _underscored_slashes(self, doi: str) -> AtlasEntry | None:
        """A DOI written with `_` for `/` whose suffix held a `/` of its own
        (`10.1093_brain_awab123`): the atlas says which underscore was a slash."""
        prefix, _, suffix = doi.partition("/")
        for position, char in enumerate(suffix[:80]):
            if char == "_":
                entry = self.resolve(
                    RefKind.DOI, f"{prefix}/{suffix[:position]}/{suffix[position + 1 :]}"
                )
                if entry is not None:
                    return entry
        return None

    def _join_next_line(self, reference: Reference, text: str) -> Found | None:
        """A DOI cut by a line break with no separator: join the next word if the atlas agrees."""
        following = _NEXT_LINE_WORD.match(text, reference.end)
        if following is None:
            return None
        rest = following.group(1) + following.group(2)[: trimmed_length(following.group(2))]
        entry = self.resolve(RefKind.DOI, reference.value + rest)
        if entry is None:
            return None
        end = following.start(2) + len(rest) - len(following.group(1))
        joined = reference.model_copy(
            update={
                "value": entry.doi or reference.value + rest,
                "end": end,
                "text": text[reference.start : end],
            }
        )
        return Found(joined, entry, 100.0, "doi-line-break")

    def _slugs(self, text: str, scan: Scan, masked: str) -> list[Found]:
        if "-19" not in masked and "-20" not in masked:
            return []  # every slug has "-<year>-"
        found = []
        for match in _SLUG.finditer(masked):
            entry = self.resolve(RefKind.SLUG, match.group())
            if entry is not None:
                span = match.span()
                reference = _reference(text, scan, RefKind.SLUG, entry.id, span, rule="slug")
                found.append(Found(reference, entry, 100.0, "slug"))
        return found

    # -- titles ------------------------------------------------------------------------

    def _titles_in(self, text: str, scan: Scan, masked: str, words: list[str]) -> list[Found]:
        hits = self._titles.find(words)
        if not hits:
            return []
        _, starts, ends = tokens_with_spans(masked)
        found = []
        for hit in hits:
            entry = self._entries[self._title_entry(hit.entry)]
            span = (starts[hit.first_word], ends[hit.end_word - 1])
            short = hit.rule == "title" and self._titles.is_short(hit.entry)
            if (
                short
                and not self._titles.is_exact_and_long_enough(hit)
                and not _set_apart(masked, *span, journal=entry.journal)
            ):
                continue  # a short title inside a sentence is likely ordinary words
            if hit.rule == "title-truncated" and not _marked_truncation(
                masked, *span, words=hit.end_word - hit.first_word
            ):
                continue  # the start of a title used as a sentence of one's own
            value = normalize_title(entry.title)
            reference = _reference(text, scan, RefKind.TITLE, value, span, rule=hit.rule)
            owners = {self._title_entry(row) for row in hit.owners} or {
                self._title_entry(hit.entry)
            }
            found.append(
                (
                    Found(reference, entry, round(hit.score, 1), hit.rule),
                    tuple(self._entries[number] for number in sorted(owners)),
                )
            )
        return drop_overlapping_titles(settle_titles(found, masked))

    def _title_entry(self, row: int) -> int:
        """The entry a title row belongs to (rows past the entries are other titles)."""
        size = len(self._entries)
        return row if row < size else self._title_owner[row - size]

    # -- author-year -------------------------------------------------------------------

    def _author_years(
        self, text: str, scan: Scan, masked: str, taken: SpanSet, words: list[str]
    ) -> list[Found]:
        """Author mentions that name one entry clearly (see `linker.author_match`); each
        Found carries the signals that decided it."""
        found = []
        masked = as_english(masked)  # "u. a.", "og", "Walitts Studie": same length, same spans
        citations = find_author_years(masked, weak=True)
        for decision in self._authors.decide(masked, citations, frozenset(words)):
            mention = decision.mention
            value = f"{mention.key} {mention.year}" if mention.year else mention.key
            span = (mention.start, mention.end)
            reference = _reference(text, scan, RefKind.AUTHOR_YEAR, value, span, rule="author-year")
            if taken.overlaps(reference.start, reference.end):
                continue
            score = min(95.0, 60.0 + 5.0 * decision.score)
            entry = self._entries[decision.entry]
            found.append(Found(reference, entry, score, "author-year", signals=decision.signals))
        return found

    def _descriptions_in(self, text: str, scan: Scan, masked: str, words: list[str]) -> list[Found]:
        """Studies named by description (see `linker.descriptions`); only posts with a study
        cue are read."""
        if not has_cue(masked, words):
            return []
        if self._describer is None:
            self._describer = DescriptionMatcher(self._entries)
        found = []
        for decision in self._describer.decide(masked, words):
            span = (decision.start, decision.end)
            reference = _reference(
                text, scan, RefKind.DESCRIPTION, masked[span[0] : span[1]], span, rule="description"
            )
            score = min(90.0, 50.0 + 5.0 * decision.score)
            entry = self._entries[decision.entry]
            found.append(Found(reference, entry, score, "description", signals=decision.signals))
        return found

    def _author_year_candidates(self, citation: AuthorYear) -> list[int]:
        first = citation.surnames[0]
        candidates = self._author_year_numbers(f"{first}|{citation.year}")
        if not candidates and " " in first:
            last = first.rsplit(" ", 1)[-1]
            candidates = self._author_year_numbers(f"{last}|{citation.year}")
        others = citation.surnames[1:]
        if others:
            candidates = [
                number
                for number in candidates
                if all(_surname_in(name, self._surnames(number)) for name in others)
            ]
        return candidates

    def _surnames(self, number: int) -> frozenset[str]:
        """The folded surnames of an entry's authors."""
        names = (fold_surname(author.split(",")[0]) for author in self._entries[number].authors)
        return frozenset(name for name in names if name)

    # -- search ------------------------------------------------------------------------

    def _search_author_year(self, query: str, whole: Reference) -> list[Match]:
        query = " ".join(query.split())
        if len(query) > _AUTHOR_YEAR_QUERY_CHARS:
            return []  # far longer than any "Surname et al. (2024)"
        parsed = _AUTHOR_YEAR_QUERY.fullmatch(query)
        if not parsed:
            return []
        name, year = fold_surname(parsed.group("name")), parsed.group("year")
        numbers = self._author_year_numbers(f"{name}|{year}")
        reference = whole.model_copy(
            update={"kind": RefKind.AUTHOR_YEAR, "value": f"{name} {year}"}
        )
        score = 100.0 if len(numbers) == 1 else 90.0
        return [to_match(Found(reference, self._entries[n], score, "author-year")) for n in numbers]

    def _search_titles(self, query: str, whole: Reference, limit: int) -> list[Match]:
        if self._search is None:
            choices = [
                " ".join(
                    (
                        *self._titles.words_of(n),
                        *tokens(e.first_author_surname or ""),
                        str(e.year or ""),
                    )
                )
                for n, e in enumerate(self._entries)
            ]
            self._search = TitleSearch(choices, self._word_frequency)
        return [
            to_match(Found(whole, self._entries[number], score, "title-search"))
            for number, score in self._search.rank(query, limit)
        ]


# One citation: a wiki template ("{{cite journal |author=… |doi=…}}") or a sentence that
# names its authors and gives a link ("Berg & Holm on the new guideline: https://doi.org/…").
_CITE_TEMPLATE = re.compile(r"\{\{\s{0,3}cite[^{}]{0,3000}\}\}", re.IGNORECASE)
_SAME_CITATION_REACH = 120
# Between a name and a link of the same citation: no end of sentence or line (unless a
# colon leads to the link on the next line), and nothing that brings in another paper.
_OTHER_CITATION = re.compile(
    r"[.!?](?:\s|$)|(?<!:)[ \t]*\n|\b(?:also|another|other|plus|versus|vs|whereas|while|"
    r"unlike|compared|auch|ook|også|también|aussi)\b",
    re.IGNORECASE,
)


def describing_no_identifier(
    citations: list[Found], identified: list[Found], text: str
) -> list[Found]:
    """Author mentions less those that describe an identifier of the same citation.

    "Berg & Holm on the new guideline: https://doi.org/…", "Moreau and colleagues …
    pubmed.ncbi.nlm.nih.gov/…" and a `{{cite journal |author=… |doi=…}}` template name the
    authors of the linked paper: the link says which paper it is, so the names are no
    second reference to another atlas entry by the same surname.
    """
    if not identified or not citations:
        return citations
    templates = [m.span() for m in _CITE_TEMPLATE.finditer(text)] if "{{" in text else []
    kept = []
    for citation in citations:
        reference = citation.reference
        entry_id = citation.entry.id if citation.entry else None
        described = False
        for other in identified:
            if other.entry is not None and other.entry.id == entry_id:
                continue
            link = other.reference
            if any(
                low <= reference.start
                and reference.end <= high
                and low <= link.start
                and link.end <= high
                for low, high in templates
            ):
                described = True
            elif reference.end <= link.start <= reference.end + _SAME_CITATION_REACH:
                gap = text[reference.end : link.start]
                described = not _OTHER_CITATION.search(gap) and not _names_between(
                    citations, reference.end, link.start
                )
            if described:
                break
        if not described:
            kept.append(citation)
    return kept


def _names_between(citations: list[Found], start: int, end: int) -> bool:
    """Whether another author mention stands between `start` and `end`."""
    return any(start <= c.reference.start < end for c in citations)


def _already_normal(kind: RefKind, value: str) -> bool:
    """A cheap test that spares re-normalising what AtlasEntry's validators normalised."""
    if kind is RefKind.PMID:
        return value.isascii() and value.isdigit() and value[0] != "0"
    if kind is RefKind.PMCID:
        return (
            value.startswith("PMC")
            and value[3:].isascii()
            and value[3:].isdigit()
            and value[3] != "0"
        )
    if kind is RefKind.DOI:
        return (
            value.startswith("10.")
            and value == value.lower()
            and not value.startswith("10.1101/")
            and "/" in value
            and len(value.split(maxsplit=1)) == 1
            and value.strip() == value
        )
    return False


def _normalize(kind: RefKind, value: str) -> str | None:
    if kind is RefKind.DOI:
        doi = normalize_doi(value)
        return canonical_doi(doi) if doi else None
    if kind is RefKind.PMID:
        return normalize_pmid(value)
    if kind is RefKind.PMCID:
        return normalize_pmcid(value)
    if kind is RefKind.SLUG:
        return value.strip().lower() or None
    if kind is RefKind.PUBLISHER_ID:
        return normalize_publisher_id(value)
    return None


def _surname_keys(surname: str) -> set[str]:
    """`van der meer` is found as written and as `meer`."""
    return {surname, surname.rsplit(maxsplit=1)[-1]}


def _surname_in(name: str, authors: frozenset[str]) -> bool:
    last = name.rsplit(maxsplit=1)[-1]
    return name in authors or any(author.rsplit(maxsplit=1)[-1] == last for author in authors)


def _reference(
    text: str, scan: Scan, kind: RefKind, value: str, span: tuple[int, int], *, rule: str
) -> Reference:
    start, end = scan.clean.original_span(*span)
    return Reference(kind=kind, value=value, start=start, end=end, text=text[start:end], rule=rule)


def _starts_with_journal(after: str, journal: str | None) -> bool:
    """Whether the text goes on with the entry's journal ("… syndrome PNAS", "… Lancet")."""
    if not journal:
        return False
    wanted = tokens(journal)[:2]
    return bool(wanted) and tokens(after[:60])[: len(wanted)] == wanted


def _marked_truncation(text: str, start: int, end: int, *, words: int) -> bool:
    """A cut-short title is cited when an ellipsis marks the cut, or when a long stretch of
    it (ten words or more) stands apart from the sentence."""
    if _ELLIPSIS_AFTER.match(text, end, end + 40):
        return True
    return words >= 10 and _set_apart(text, start, end)


def _set_apart(text: str, start: int, end: int, *, journal: str | None = None) -> bool:
    """Whether a short title is cited rather than used as words of a sentence.

    It must be marked at its start (quoted, bracketed, on its own line, after "read" or
    "titled", or capitalised mid-sentence the way titles are) and at its end (punctuation,
    a bracket, or a citation going on: "by Naviaux", "in PNAS", "2016", "et al.").
    """
    before = text[max(0, start - 40) : start].rstrip(" \t")
    after = text[end : end + 80].lstrip(" \t")
    opens = (
        not before
        or before[-1] in "\"'“‘*_([:\n>«-—–"
        or bool(_TITLE_CUE_BEFORE.search(before))
        or bool(_LIST_ITEM_BEFORE.search(before))
        or (text[start].isupper() and before[-1].isalpha())
    )
    closes = (
        not after
        or after[0] in "\"'”’*_)]([.,;:\n»?!-—–"
        or bool(_CITATION_AFTER.match(after))
        or _starts_with_journal(after, journal)
    )
    return opens and closes
