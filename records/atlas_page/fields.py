"""Turning the raw pieces of a page (`PageParts`) into an `AtlasEntry`.

Rules shared by every layout: the byline, author names, badges, the snapshot line and where
the slug comes from. Nothing is guessed: a part the page does not show stays empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from records.atlas_page.bibtex import BibEntry, parse_bibtex
from records.atlas_page.parts import LIST_SECTIONS, PROSE_SECTIONS, PageParts
from records.errors import AtlasPageError
from records.identifiers import normalize_doi, normalize_pmcid, normalize_pmid
from records.models import AtlasEntry, Snapshot
from records.wording import counted

# The byline joins authors, journal, year and the DOI link with a middle dot.
BYLINE_SEPARATOR = re.compile(r"\s+[·•]\s+")
_YEAR = re.compile(r"^(?:1[89]|20|21)\d\d$")
_ET_AL = re.compile(r",?\s*et\s+al\.?$", re.IGNORECASE)

# Badge texts, old and new forms (docs/atlas-format.md, "The PEM badge").
_PEM_BADGE = re.compile(
    r"""^PEM \s* (?:
          (?P<required>required|✓|✔)
        | (?P<not_required>not[\s-]+required)
        | (?P<unclear>unclear|\?)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_EVIDENCE_BADGE = re.compile(r"^(?P<code>E[0-4])(?:$|[\s:·-])", re.IGNORECASE)
_PEER_REVIEWED = re.compile(r"^peer[\s-]?reviewed$", re.IGNORECASE)
_REVIEW_STATUS = {"machine draft": "Machine draft", "reviewed": "Reviewed"}
# The confidence badge beside the evidence level: "Moderate confidence", "Preliminary".
_CONFIDENCE_BADGE = re.compile(
    r"^(?:(?:very\s+)?(?:high|moderate|low)\s+confidence|preliminary)$", re.IGNORECASE
)
_RETRACTED_BADGE = re.compile(r"^retracted$", re.IGNORECASE)

# Study types the atlas prints as badges; a text rendering has no markup to tell a badge
# from a title, so only these names count there. HTML badges may carry any type.
KNOWN_STUDY_TYPES = frozenset(
    {
        "systematic-review",
        "meta-analysis",
        "review",
        "narrative-review",
        "rct",
        "clinical-trial",
        "observational",
        "cohort",
        "case-control",
        "cross-sectional",
        "case-report",
        "case-series",
        "mechanistic",
        "qualitative",
        "guideline",
        "commentary",
        "protocol",
    }
)

# Where the slug may be read: a page URL, or the BibTeX key `mecfsatlas-<slug>`.
_EVIDENCE_PATH = re.compile(r"/evidence/(?P<slug>[a-z0-9][a-z0-9-]*)/?(?:[?#].*)?$", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_BIBTEX_KEY = re.compile(r"^mecfsatlas-(?P<slug>[a-z0-9][a-z0-9-]*)$", re.IGNORECASE)

# "ME/CFS Atlas. Generator v1 / Scanner v1.4 / policy v0.1. Accessed 2026-05-25. <url>"
_VERSION = r"(v?\d+(?:\.\d+)*)"
_SNAPSHOT_PARTS = {
    "generator": re.compile(rf"\bGenerator\s+{_VERSION}", re.IGNORECASE),
    "scanner": re.compile(rf"\bScanner\s+{_VERSION}", re.IGNORECASE),
    "policy": re.compile(rf"\bpolicy\s+{_VERSION}", re.IGNORECASE),
    "accessed": re.compile(r"\bAccessed\s+(\d{4}-\d{2}-\d{2})", re.IGNORECASE),
}
_PUBMED_NOTE = re.compile(r"\bPubMed\s*(?:ID)?\s*:\s*(\d{1,9})\b", re.IGNORECASE)
_PMC_NOTE = re.compile(r"\b(PMC\d{1,9})\b")
_DOI_URL = re.compile(r"https?://(?:dx\.)?doi\.org/\S+", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")

# A heading-less text rendering keeps prose paragraphs in page order; the last one belongs
# to "What This Study Does Not Prove" only when it says what the study does not show.
_LIMITS_CUE = re.compile(
    r"\b(?:does|do|did|can)\s*not\s+(?:prove|establish|show|demonstrate|explain)\b|\bcannot\b",
    re.IGNORECASE,
)


@dataclass
class Badges:
    """The badges of one page, interpreted."""

    pem: str | None = None
    evidence_level: str | None = None
    study_type: str | None = None
    review_status: str | None = None
    confidence: str | None = None
    peer_reviewed: bool = False
    retracted: bool = False
    unknown: list[str] = field(default_factory=list)


@dataclass
class ParsedPage:
    """A parsed page: the entry, remarks on what was seen but not used, and warnings.

    A warning means the entry lacks something every atlas page shows (badges, a summary):
    it is imported, and the caller reports it so a curator can look at the page.
    """

    entry: AtlasEntry
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def is_badge_text(text: str) -> bool:
    """True for a badge the atlas prints (used where no markup tells a badge apart)."""
    cleaned = " ".join(text.split())
    return _badge_kind(cleaned) is not None or cleaned.lower() in KNOWN_STUDY_TYPES


def is_byline(line: str) -> bool:
    """True for `authors · journal · year · DOI` (at least two parts, one a year or `DOI`)."""
    parts = [part.strip() for part in BYLINE_SEPARATOR.split(line.strip())]
    return len(parts) >= 2 and any(_YEAR.match(part) or part.lower() == "doi" for part in parts)


def split_authors(text: str) -> list[str]:
    """`Lee, Jin-Seok, Sato, Wakiro et al.` → [`Lee, Jin-Seok`, `Sato, Wakiro`].

    The byline joins surname and given names with the same comma that separates authors,
    so the parts are paired; a lone last part (an odd count) stays on its own.
    """
    cleaned = _ET_AL.sub("", " ".join(text.split())).strip().rstrip(",")
    if not cleaned:
        return []
    if ";" in cleaned:
        return [part.strip() for part in cleaned.split(";") if part.strip()]
    parts = [part.strip() for part in cleaned.split(",") if part.strip()]
    return [", ".join(parts[index : index + 2]) for index in range(0, len(parts), 2)]


def split_byline(byline: str) -> tuple[str | None, str | None, str | None]:
    """(authors text, journal, year) from `authors · journal · year · DOI`."""
    parts = [part.strip() for part in BYLINE_SEPARATOR.split(byline.strip())]
    parts = [part for part in parts if part and part.lower() != "doi"]
    year_index = next((i for i, part in enumerate(parts) if _YEAR.match(part)), None)
    year = parts[year_index] if year_index is not None else None
    before = parts if year_index is None else parts[:year_index]
    if len(before) >= 2:
        return before[0], " · ".join(before[1:]), year
    if len(before) == 1:
        return (
            (before[0], None, year) if _looks_like_authors(before[0]) else (None, before[0], year)
        )
    return None, None, year


def _looks_like_authors(text: str) -> bool:
    """Authors end in `et al.` or come as `Last, First` pairs (an even number of parts)."""
    if _ET_AL.search(text):
        return True
    parts = [part for part in text.split(",") if part.strip()]
    return len(parts) >= 2 and len(parts) % 2 == 0


def classify_badges(texts: list[str], study_type_hint: str | None = None) -> Badges:
    """Interpret badge texts; the first badge of no known kind is the study type."""
    badges = Badges(study_type=study_type_hint)
    for raw in texts:
        text = " ".join(raw.split())
        kind = _badge_kind(text)
        if kind is None:
            if badges.study_type is None:
                badges.study_type = text
            elif text != badges.study_type:
                badges.unknown.append(text)
            continue
        name, value = kind
        if name == "peer_reviewed":
            badges.peer_reviewed = True
        elif name == "retracted":
            badges.retracted = True
        else:
            setattr(badges, name, value)
    return badges


def _badge_kind(text: str) -> tuple[str, str] | None:
    """(field, value) for a badge of a known kind, else None."""
    pem = _PEM_BADGE.match(text)
    if pem:
        return "pem", next(name for name, value in pem.groupdict().items() if value)
    level = _EVIDENCE_BADGE.match(text)
    if level:
        return "evidence_level", level.group("code").upper()
    if text.lower() in _REVIEW_STATUS:
        return "review_status", _REVIEW_STATUS[text.lower()]
    if _CONFIDENCE_BADGE.match(text):
        return "confidence", text
    flags = (("peer_reviewed", _PEER_REVIEWED), ("retracted", _RETRACTED_BADGE))
    return next(((name, "yes") for name, pattern in flags if pattern.match(text)), None)


def parse_snapshot(line: str | None) -> Snapshot | None:
    """The versions and access date named by the atlas-snapshot line, if any."""
    if not line:
        return None
    found = {}
    for name, pattern in _SNAPSHOT_PARTS.items():
        match = pattern.search(line)
        if match:
            found[name] = match.group(1)
    return Snapshot(**found) if found else None


def slug_from_url(url: str | None) -> str | None:
    """`https://www.mecfsatlas.com/evidence/lee-2024-brain-regional` → the slug."""
    if not url:
        return None
    match = _EVIDENCE_PATH.search(url.strip())
    return match.group("slug").lower() if match else None


def build_entry(parts: PageParts, *, url: str | None = None, slug: str | None = None) -> ParsedPage:
    """The entry a page describes.

    `url` is where the page was read (its slug wins: it is what the atlas serves now);
    `slug` is given by a caller who knows it. Structured data (JSON-LD, a data blob, meta
    tags) wins over what the visible text says. Raises AtlasPageError naming what is
    missing when there is no slug or no title.
    """
    notes: list[str] = []
    structured = parts.structured
    bib = parse_bibtex(parts.bibtex) if parts.bibtex else None
    if structured.get("url"):
        parts.page_urls.insert(0, str(structured["url"]))
    entry_slug = _find_slug(parts, bib, url=url, slug=slug)
    if parts.cut_short:
        raise AtlasPageError(f"{entry_slug}: the page is cut short (it never closes </html>)")
    title = (
        structured.get("title")
        or parts.title
        or (bib.get("title") if bib else None)
        or _window_title(structured.get("og_title"))
        or parts.window_title
    )
    if not title:
        raise AtlasPageError(f"{entry_slug}: no title (no heading, BibTeX title or page title)")

    structured_badges = _structured_badges(structured)
    badges = classify_badges(
        structured_badges or parts.badges, structured.get("study_type") or parts.study_type_badge
    )
    notes.extend(f"unrecognised badge ignored: {text!r}" for text in badges.unknown)
    data: dict[str, Any] = {"id": entry_slug, "title": title}
    data["url"] = _canonical_url(parts, bib, entry_slug, url)
    data.update(_byline_fields(parts, bib))
    data.update(_identifiers(parts, bib, notes))
    data.update(_section_fields(parts, notes))
    data.update(_structured_fields(structured, notes))
    data.update(
        pem=badges.pem,
        evidence_level=badges.evidence_level,
        study_type=badges.study_type,
        review_status=badges.review_status,
        confidence=badges.confidence,
        retracted=badges.retracted
        or parts.retraction_banner
        or structured.get("retracted") is True,
        snapshot=parse_snapshot(parts.snapshot_line) or _structured_snapshot(structured),
    )
    if badges.peer_reviewed:
        data["peer_reviewed"] = True
    try:
        entry = AtlasEntry(**{key: value for key, value in data.items() if value is not None})
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors()
        )
        raise AtlasPageError(f"{entry_slug}: the page has invalid values ({problems})") from exc
    return ParsedPage(entry=entry, notes=notes, warnings=_warnings(entry))


def _warnings(entry: AtlasEntry) -> list[str]:
    """What every atlas page shows but this one did not yield."""
    warnings = []
    if not (entry.pem or entry.evidence_level or entry.study_type or entry.review_status):
        warnings.append("no badges found")
    if not entry.summary:
        warnings.append("no summary found")
    return warnings


def _window_title(text: Any) -> str | None:
    """An Open Graph title without the site name the atlas appends."""
    if not isinstance(text, str):
        return None
    parts = re.split(r"\s+[—–|-]\s+(?=(?:CFSMEATLAS|MECFSATLAS|ME/CFS Atlas|CFS/ME Atlas)$)", text)
    return parts[0].strip() or None


def _structured_snapshot(structured: dict[str, Any]) -> Snapshot | None:
    found = structured.get("snapshot")
    return Snapshot(**found) if isinstance(found, dict) and found else None


def _structured_badges(structured: dict[str, Any]) -> list[str]:
    """Badge texts from structured data, in the words the page would print."""
    texts = [str(text) for text in structured.get("badges") or []]
    pem = structured.get("pem_badge")
    if pem:
        pem_text = str(pem).replace("_", " ").replace("-", " ").strip()
        texts.append(pem_text if pem_text.lower().startswith("pem") else f"PEM {pem_text}")
    for name in ("evidence_badge", "review_badge"):
        if structured.get(name):
            texts.append(str(structured[name]))
    return texts


def _structured_fields(structured: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Bibliographic fields and sections that structured data gives (they win)."""
    data: dict[str, Any] = {}
    for name in ("authors", "journal", "year", *PROSE_SECTIONS, *LIST_SECTIONS):
        if structured.get(name):
            data[name] = structured[name]
    for name, normalize in (
        ("doi", normalize_doi),
        ("pmid", normalize_pmid),
        ("pmcid", normalize_pmcid),
    ):
        value = structured.get(name)
        if value:
            normalized = normalize(str(value))
            if normalized:
                data[name] = normalized
            else:
                notes.append(f"structured {name} is not valid, ignored: {value!r}")
    return data


def _find_slug(parts: PageParts, bib: BibEntry | None, *, url: str | None, slug: str | None) -> str:
    candidates = [slug.strip().lower() if slug else None, slug_from_url(url)]
    structured_slug = str(parts.structured.get("slug") or "").strip().lower()
    candidates.append(structured_slug if _SLUG.match(structured_slug) else None)
    if bib is not None:
        key = _BIBTEX_KEY.match(bib.key)
        candidates.append(key.group("slug").lower() if key else None)
        candidates.append(slug_from_url(bib.get("url")))
    candidates.extend(slug_from_url(page_url) for page_url in parts.page_urls)
    for candidate in candidates:
        if candidate:
            return candidate
    raise AtlasPageError(
        "no slug: the page names no /evidence/<slug> URL and no mecfsatlas-<slug> BibTeX key"
    )


def _canonical_url(
    parts: PageParts, bib: BibEntry | None, slug: str, url: str | None
) -> str | None:
    """The page's own address (canonical link, BibTeX or snapshot URL), else where it was read.

    A declared address for another slug (a page moved or copied) is not trusted.
    """
    for candidate in [*parts.page_urls, bib.get("url") if bib else None]:
        if candidate and slug_from_url(candidate) == slug:
            return candidate.strip()
    return url


def _byline_fields(parts: PageParts, bib: BibEntry | None) -> dict[str, Any]:
    """Authors, journal and year: BibTeX first (it lists every author), then the byline."""
    authors_text, journal, year = split_byline(parts.byline) if parts.byline else (None, None, None)
    authors: list[str] = []
    if bib and bib.get("author"):
        authors = [name.strip() for name in (bib.get("author") or "").split(" and ") if name]
    authors = authors or parts.byline_authors or split_authors(authors_text or "")
    return {
        "authors": authors or None,
        "journal": (bib.get("journal") if bib else None) or parts.byline_journal or journal,
        "year": (bib.get("year") if bib else None) or parts.byline_year or year,
    }


def _identifiers(parts: PageParts, bib: BibEntry | None, notes: list[str]) -> dict[str, Any]:
    """DOI from BibTeX, the byline link or the citation; PMID/PMCID from the BibTeX note."""
    doi_candidates = [bib.get("doi") if bib else None, *parts.doi_links]
    doi_candidates.extend(_DOI_URL.findall(parts.citation or ""))
    doi = None
    for candidate in doi_candidates:
        if candidate:
            doi = normalize_doi(candidate.rstrip(".,;"))
            if doi:
                break
            notes.append(f"not a DOI, ignored: {candidate!r}")
    note = (bib.get("note") or "") if bib else ""
    pmid_match = _PUBMED_NOTE.search(note)
    pmcid_match = _PMC_NOTE.search(note)
    return {
        "doi": doi,
        "pmid": normalize_pmid(
            (bib.get("pmid") if bib else None) or (pmid_match.group(1) if pmid_match else None)
        ),
        "pmcid": normalize_pmcid(pmcid_match.group(1) if pmcid_match else None),
    }


def _section_fields(parts: PageParts, notes: list[str]) -> dict[str, Any]:
    """Prose sections as paragraphs joined by blank lines; list sections as lists."""
    data: dict[str, Any] = {}
    for key in PROSE_SECTIONS:
        if parts.sections.get(key):
            data[key] = "\n\n".join(parts.sections[key])
    for key in LIST_SECTIONS:
        if parts.sections.get(key):
            data[key] = list(parts.sections[key])
    if parts.unlabelled and not parts.sections:
        data.update(_assign_unlabelled(parts.unlabelled, notes))
    elif parts.unlabelled:
        notes.append(f"{counted(len(parts.unlabelled), 'paragraph')} outside any section ignored")
    return data


def _assign_unlabelled(paragraphs: list[str], notes: list[str]) -> dict[str, str]:
    """Prose of a rendering that lost its headings: summary, why it matters, does not prove.

    Only sentences are placed: a breadcrumb ("Home Evidence Methodology"), a menu or a
    "Back to evidence" link read by order would otherwise become the summary.
    """
    prose = [paragraph for paragraph in paragraphs if is_prose(paragraph)]
    if len(prose) < len(paragraphs):
        skipped = counted(len(paragraphs) - len(prose), "short line")
        notes.append(f"ignored {skipped} without a sentence (navigation, breadcrumbs)")
    if not prose:
        return {}
    paragraphs = prose
    data = {"summary": paragraphs[0]}
    if len(paragraphs) >= 2:
        data["why_it_matters"] = paragraphs[1]
    rest = paragraphs[2:]
    if rest and _LIMITS_CUE.search(rest[-1]):
        data["does_not_prove"] = rest.pop()
    if rest:
        notes.append(f"{counted(len(rest), 'paragraph')} without a heading could not be placed")
    notes.append("no section headings: paragraphs were placed by their order on the page")
    return data


# Prose has at least this many words; a breadcrumb or a menu has fewer.
_PROSE_MIN_WORDS = 6
_SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*$""")
_PUNCTUATION = re.compile(r"[.!?…:;,]")


def is_prose(text: str) -> bool:
    """Whether `text` reads as an entry field's sentences: it ends as a sentence does, or it
    has enough words, mostly lower-case (a Title Case run of links is navigation)."""
    if all(is_badge_text(token) for token in BYLINE_SEPARATOR.split(text)):
        return False
    if _SENTENCE_END.search(text):
        return True
    words = text.split()
    lower = sum(1 for word in words if word[:1].islower())
    return len(words) >= _PROSE_MIN_WORDS and 2 * lower >= len(words)


def is_navigation(text: str) -> bool:
    """Short text with no punctuation at all: a breadcrumb, a menu entry, a "Back to
    evidence" link; never part of a summary or caveat."""
    return len(text.split()) < 5 and not _PUNCTUATION.search(text)


def find_urls(text: str) -> list[str]:
    """Every http(s) URL in `text`, trailing punctuation removed."""
    return [url.rstrip(".,;)") for url in _URL.findall(text)]
