"""Finding study identifiers in forum text: links, DOIs, PMIDs, PMCIDs, author-year citations.

Links are read first (so a DOI inside a link is read once, by the rule for its host); bare
identifiers are then read from the rest of the text. A bare number is never taken for a PMID:
it needs its `PMID` label.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from linker.author_year import find_author_years
from linker.cleaning import CleanText, clean_for_scanning
from linker.spans import SpanSet
from linker.trim import trimmed_length
from linker.urls import (
    canonical_doi,
    decode_percent,
    fold_dashes,
    identifiers_in_url,
    strip_page_suffixes,
)
from records.identifiers import DOI_PREFIX, normalize_doi, normalize_pmcid, normalize_pmid
from records.models import Reference, RefKind

# A link: any http(s)/www URL, or a bare host that only ever serves studies.
# Stops at whitespace, quotes, `<`/`>` (Discord's `<link>` and HTML), and `|` (tables).
_URL = re.compile(
    r"""
    (?<![\w@.-])
    (?: https?://
      | www\.
      | (?:dx\.)?doi\.org/
      | (?:pubmed\.|pmc\.|www\.)?ncbi\.nlm\.nih\.gov/
      | (?:www\.)?europepmc\.org/
      | (?:www\.)?(?:mecfsatlas|cfsmeatlas)\.com/
      | (?:www\.)?(?:bio|med)rxiv\.org/
      | (?:www\.)?(?:nature|mdpi|sciencedirect|thelancet)\.com/
      | academic\.oup\.com/
    )
    [^\s<>"`|\u201c\u201d]{1,4000}
    """,
    re.VERBOSE | re.IGNORECASE,
)

# Every bare host above ends in `.com/` or `.org/` (or is an NCBI or www. address).
_URL_HINTS = ("http", "www.", ".org/", ".com/", "ncbi.nlm")
# What a link starts with, one of these whatever the case: where none stands, `_URL` cannot
# match, so an ASCII post is searched for these words instead of trying the pattern at
# every character.
_URL_STARTS = (
    "http", "www.", "doi.org/", "dx.doi.org/", "ncbi.nlm.nih.gov/", "pubmed.ncbi.nlm.nih.gov/",
    "pmc.ncbi.nlm.nih.gov/", "europepmc.org/", "mecfsatlas.com/", "cfsmeatlas.com/",
    "biorxiv.org/", "medrxiv.org/", "nature.com/", "mdpi.com/", "sciencedirect.com/",
    "thelancet.com/", "academic.oup.com/",
)  # fmt: skip

# A bare DOI (https://www.doi.org/doi-handbook/HTML/doi-syntax.html): `10.` + registrant
# code + `/` + suffix. Not inside a longer token, so IP addresses (`10.0.0.1`), versions
# (`v10.1234`) and paths never start one.
_DOI = re.compile(
    r"""
    (?<![\w./-])
    """
    + DOI_PREFIX
    + r"""
    /
    [^\s"`|\u201c\u201d\u2018\u2019]{1,1000}
    """,
    re.VERBOSE,
)
# A DOI written percent-encoded outside a link (`10.1016%2Fj.x`, twice: `10.1016%252Fj.x`),
# maybe after an encoded label (`doi%253A10.1016%252Fj.x`).
_ENCODED_DOI = re.compile(
    r"(?:(?<![\w./%-])|(?<=%3A)|(?<=%253A))"
    + DOI_PREFIX
    + r"%(?:25){0,3}2F[^\s\"`|<>\u201c\u201d\u2018\u2019]{1,1000}",
    re.IGNORECASE,
)
_DOI_LABEL_BEFORE = re.compile(r"(?:doi|DOI|Doi)\s{0,3}[:=]?\s{0,3}$")

# `PMID: 38016575`, `PMID 38016575`, `PubMed ID 38016575`, `PMIDs: 1234567, 2345678`
# (https://pubmed.ncbi.nlm.nih.gov/help/#pmid). The label is required.
_PMID = re.compile(
    r"""
    (?<![\w])
    (?: PMIDs? | PubMed[\s-]?IDs? | PubMed(?=\s{0,3}[:#]|\s{1,3}\d{6,9}(?!\d)) )
    \s{0,3}(?:[:#=]|no\.?)?\s{0,3}
    (?P<first>\d{1,9})(?![\w])
    (?P<more>(?:(?:\s{0,3}(?:,|;|and|&)\s{1,3}\d{5,9}|[ \t]{1,3}\d{7,9})(?![\w.,]\d|\w)){0,20})
    """,
    re.VERBOSE | re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+")

# `PMC10881493`, `PMCID: PMC10881493`, `PMCID 10881493`
# (https://www.ncbi.nlm.nih.gov/pmc/pmctopmid/).
_PMCID = re.compile(
    r"""
    (?<![\w/])
    (?: PMCID\s{0,3}[:#]?\s{0,3}(?:PMC\s?)?(?P<bare>\d{4,9})   # labelled: any length
      | PMC(?P<id>\d{5,9})                                  # PMC10881493
      | PMC\s(?P<spaced>\d{6,9})                            # "PMC 10881493", not "PMC 2019"
    )(?![\w])
    """,
    re.VERBOSE | re.IGNORECASE,
)


@dataclass(frozen=True)
class Scan:
    """The cleaned text and the identifier references found in it (spans in the original)."""

    clean: CleanText
    references: list[Reference]
    link_spans: list[tuple[int, int]]  # in the cleaned text


def find_references(text: str) -> list[Reference]:
    """Every study reference `text` makes on its own (no atlas needed), in order of appearance.

    Identifiers come back normalised (DOI lower case, PMID digits, PMCID `PMC` + digits,
    atlas slug); strong author-year citations ("Lee et al. 2024") come back as
    `RefKind.AUTHOR_YEAR` with their folded text. Titles need the atlas: see `AtlasIndex`.
    """
    scan = scan_identifiers(text)
    references = list(scan.references)
    masked = mask_spans(scan.clean.text, scan.link_spans)
    for citation in find_author_years(masked, weak=False):
        start, end = scan.clean.original_span(citation.start, citation.end)
        references.append(
            Reference(
                kind=RefKind.AUTHOR_YEAR,
                value=" ".join((*citation.surnames, str(citation.year))),
                start=start,
                end=end,
                text=text[start:end],
                rule="author-year",
            )
        )
    return sorted(references, key=lambda r: (r.start, r.end))


def scan_identifiers(text: str) -> Scan:
    """Links and bare identifiers, de-duplicated by span."""
    found = _Collector(text, clean_for_scanning(text))
    found.links()
    found.bare_dois()
    found.pmids()
    found.pmcids()
    found.references.sort(key=lambda r: (r.start, r.end))
    return Scan(found.clean, found.references, found.link_spans)


class _Collector:
    """Runs each detector over the cleaned text and maps what it finds to the original."""

    def __init__(self, text: str, clean: CleanText) -> None:
        self.text = text
        self.clean = clean
        self.body = clean.text
        # Cheap substring tests skip detectors that cannot fire (most posts cite nothing).
        self.lowered = clean.text.lower()
        self.references: list[Reference] = []
        self.link_spans: list[tuple[int, int]] = []
        self.links_seen = SpanSet()

    def add(self, kind: RefKind, value: str, start: int, end: int, rule: str) -> None:
        o_start, o_end = self.clean.original_span(start, end)
        self.references.append(
            Reference(
                kind=kind,
                value=value,
                start=o_start,
                end=o_end,
                text=self.text[o_start:o_end],
                rule=rule,
            )
        )

    def outside_links(self, start: int, end: int) -> bool:
        return not self.links_seen.overlaps(start, end)

    def links(self) -> None:
        if not any(hint in self.lowered for hint in _URL_HINTS):
            return
        for match in _links_in(self.body, self.lowered):
            length = trimmed_length(match.group())
            if length == 0:
                continue
            start, end = match.start(), match.start() + length
            self.link_spans.append((start, end))
            self.links_seen.add(start, end)
            if self.body.startswith("…", end):
                continue  # a link shortened for display ("doi.org/10.1038/s414…") names nothing
            for identifier in identifiers_in_url(self.body[start:end]):
                self.add(identifier.kind, identifier.value, start, end, identifier.rule)

    def bare_dois(self) -> None:
        if "10." not in self.body:
            return
        for match in _doi_matches(self.body):
            start = match.start()
            end = start + trimmed_length(match.group())
            candidate = self.body[start:end]
            if not self.outside_links(start, end) or self.body.startswith("…", end):
                continue
            doi = (
                normalize_doi(candidate)
                if _plausible_doi(candidate, self.body[max(0, start - 12) : start])
                else None
            )
            if doi:
                self.add(RefKind.DOI, _bare_doi(doi), start, end, "doi")
        if "%2" in self.body:
            self.encoded_dois()

    def encoded_dois(self) -> None:
        for match in _ENCODED_DOI.finditer(self.body):
            start = match.start()
            end = start + trimmed_length(match.group())
            if not self.outside_links(start, end):
                continue
            doi = normalize_doi(decode_percent(self.body[start:end]))
            if doi:
                self.add(RefKind.DOI, _bare_doi(doi), start, end, "doi-encoded")

    def pmids(self) -> None:
        if "pmid" not in self.lowered and "pubmed" not in self.lowered:
            return
        for match in _pmid_matches(self.body, self.lowered):
            if not self.outside_links(match.start(), match.end()):
                continue
            pmid = normalize_pmid(match.group("first"))
            if pmid:
                self.add(RefKind.PMID, pmid, match.start(), match.end("first"), "pmid-label")
            for extra in _NUMBER.finditer(match.group("more")):
                offset = match.start("more") + extra.start()
                pmid = normalize_pmid(extra.group())
                if pmid:
                    self.add(RefKind.PMID, pmid, offset, offset + len(extra.group()), "pmid-label")

    def pmcids(self) -> None:
        if "pmc" not in self.lowered:
            return
        for match in _PMCID.finditer(self.body):
            if not self.outside_links(match.start(), match.end()):
                continue
            digits = match.group("id") or match.group("bare") or match.group("spaced")
            pmcid = normalize_pmcid(f"PMC{digits}")
            if pmcid:
                self.add(RefKind.PMCID, pmcid, match.start(), match.end(), "pmcid")


def _links_in(body: str, lowered: str) -> Iterator[re.Match[str]]:
    """What `_URL.finditer(body)` finds (`lowered`: `body.lower()`).

    In ASCII text a link can only start where one of `_URL_STARTS` does (lower-casing
    ASCII keeps every offset), so the pattern is tried there alone.
    """
    if not body.isascii():
        return _URL.finditer(body)
    return _tried_at(_URL, body, _occurrences(lowered, _URL_STARTS))


def _doi_matches(body: str) -> Iterator[re.Match[str]]:
    """What `_DOI.finditer(body)` finds: every DOI starts with "10.", so "10.5mg" in a post
    costs one try of the pattern, not one at every character."""
    return _tried_at(_DOI, body, _occurrences(body, ("10.",)))


def _pmid_matches(body: str, lowered: str) -> Iterator[re.Match[str]]:
    """What `_PMID.finditer(body)` finds (`lowered`: `body.lower()`): in ASCII text every
    match starts where "pmid" or "pubmed" stands in the lower-cased text."""
    if not body.isascii():
        return _PMID.finditer(body)
    return _tried_at(_PMID, body, _occurrences(lowered, ("pmid", "pubmed")))


def _occurrences(text: str, needles: Iterable[str]) -> list[int]:
    """Where any of `needles` starts in `text`, in order."""
    starts = set()
    for needle in needles:
        position = text.find(needle)
        while position >= 0:
            starts.add(position)
            position = text.find(needle, position + 1)
    return sorted(starts)


def _tried_at(pattern: re.Pattern[str], body: str, starts: list[int]) -> Iterator[re.Match[str]]:
    """What `pattern.finditer(body)` finds, for a pattern whose every match begins at one of
    `starts`: tried there alone (its look-behind still sees the text before), each match
    read on from the end of the one before, as `finditer` would."""
    end = 0
    for position in starts:
        if position < end:
            continue
        match = pattern.match(body, position)
        if match is not None:
            end = match.end()
            yield match


def _bare_doi(doi: str) -> str:
    """A DOI as pasted from an article page: drop the page suffix and a preprint's version."""
    doi = fold_dashes(doi)
    return normalize_doi(strip_page_suffixes(canonical_doi(doi))) or doi


def _plausible_doi(candidate: str, before: str) -> bool:
    """Reject DOI look-alikes: a suffix of a few digits only (`10.2023/11`) needs a label."""
    suffix = candidate.split("/", 1)[1] if "/" in candidate else ""
    if not any(ch.isalnum() for ch in suffix):
        return False
    if suffix.isdigit() and len(suffix) < 5:
        return bool(_DOI_LABEL_BEFORE.search(before))
    return True


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span blanked out (same length, so offsets still hold)."""
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for span_start, end in sorted(spans):
        start = max(span_start, last)
        parts.append(text[last:start])
        parts.append(" " * max(0, end - start))
        last = max(last, end)
    parts.append(text[last:])
    return "".join(parts)
