"""The shared data model: atlas entries, posts, references and matches.

Every part of the bot speaks these types; platform adapters convert to and from them at
their boundary, so nothing platform-specific travels inward.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from records.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

PemBadge = Literal["required", "not_required", "unclear"]

# A lone UTF-16 surrogate (from a JSON `\ud800` escape or undecodable bytes read with
# surrogateescape) is no character: SQLite, JSON output and HTTP bodies refuse to encode it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def strip_lone_surrogates(text: str) -> str:
    """`text` without lone surrogates, the one kind of str that cannot be written as UTF-8."""
    return _LONE_SURROGATE.sub("", text)


EvidenceLevel = Literal["E0", "E1", "E2", "E3", "E4"]

_PEM_SYNONYMS: dict[str, PemBadge] = {
    "required": "required",
    "pem required": "required",
    "pem ✓": "required",
    "pem✓": "required",
    "yes": "required",
    "true": "required",
    "not_required": "not_required",
    "not required": "not_required",
    "not-required": "not_required",
    "pem not required": "not_required",
    "no": "not_required",
    "false": "not_required",
    "unclear": "unclear",
    "pem unclear": "unclear",
    "pem ?": "unclear",
    "pem?": "unclear",
    "unknown": "unclear",
}
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


class Snapshot(BaseModel):
    """Which atlas generator, scanner and policy produced an entry, and when it was read."""

    model_config = ConfigDict(extra="allow")

    generator: str | None = None
    scanner: str | None = None
    policy: str | None = None
    accessed: str | None = None


class AtlasEntry(BaseModel):
    """One atlas study in the import/export format (docs/atlas-format.md); extra fields kept."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=200)
    title: str = Field(min_length=1, max_length=2000)
    url: str | None = None
    authors: list[str] = []
    year: int | None = Field(default=None, ge=1800, le=2100)
    journal: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    summary: str | None = None
    why_it_matters: str | None = None
    findings: list[str] = []
    conclusions: list[str] = []
    open_questions: list[str] = []
    does_not_prove: str | None = None
    pem: PemBadge | None = None
    evidence_level: EvidenceLevel | None = None
    study_type: str | None = None
    review_status: str | None = None
    # The atlas's confidence words for the entry ("Moderate confidence", "Preliminary").
    confidence: str | None = None
    retracted: bool = False
    # The names people use for the study: trial names, acronyms ("RIVERA trial", "PACE").
    aliases: tuple[str, ...] = ()
    # What the enricher adds from Crossref and Europe PMC, for search and description
    # matching: subject keywords, every author's affiliations, the journal's abbreviations,
    # where in the journal it appeared and when. Tuples and None, so that the many entries
    # without them share one empty value (a 100,000-entry atlas stays small in memory).
    keywords: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    journal_abbrevs: tuple[str, ...] = ()
    volume: str | None = None
    issue: str | None = None
    article_number: str | None = None  # the article number, or the first page
    published: str | None = None  # ISO date, as precise as known ("2016-03", "2016-03-09")
    snapshot: Snapshot | None = None

    @field_validator("id")
    @classmethod
    def _slug_shape(cls, value: str) -> str:
        slug = value.strip().lower()
        if not _SLUG.match(slug):
            raise ValueError("id must be an atlas slug: lower-case letters, digits and hyphens")
        return slug

    @field_validator("doi", mode="before")
    @classmethod
    def _doi(cls, value: Any) -> str | None:
        return _normalized_or_error(value, normalize_doi, "DOI")

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid(cls, value: Any) -> str | None:
        return _normalized_or_error(value, normalize_pmid, "PMID")

    @field_validator("pmcid", mode="before")
    @classmethod
    def _pmcid(cls, value: Any) -> str | None:
        return _normalized_or_error(value, normalize_pmcid, "PMCID")

    @field_validator("pem", mode="before")
    @classmethod
    def _pem(cls, value: Any) -> Any:
        if value is None or value == "":
            return None
        if isinstance(value, bool):
            return "required" if value else "not_required"
        return _PEM_SYNONYMS.get(str(value).strip().lower(), value)

    @field_validator("evidence_level", mode="before")
    @classmethod
    def _evidence_level(cls, value: Any) -> Any:
        # Pages show "E1 Replicated"; the format stores just the code.
        if isinstance(value, str) and value.strip():
            return value.strip().split()[0].upper()
        return None if value == "" else value

    @field_validator(
        "authors", "findings", "conclusions", "open_questions", "aliases", "keywords",
        "affiliations", "journal_abbrevs", mode="before",
    )  # fmt: skip
    @classmethod
    def _list(cls, value: Any) -> Any:
        return _as_list(value)

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: Any) -> Any:
        return None if value == "" else value

    @field_validator(
        "url", "journal", "summary", "why_it_matters", "does_not_prove", "study_type",
        "review_status", "confidence", "volume", "issue", "article_number", "published",
        mode="before",
    )  # fmt: skip
    @classmethod
    def _blank_is_none(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("volume", "issue", "article_number", mode="before")
    @classmethod
    def _number_as_text(cls, value: Any) -> Any:
        # Volumes and article numbers are labels ("9", "Suppl 2", "e0186802"), not amounts.
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @property
    def first_author_surname(self) -> str | None:
        """`Lee` from `Lee, Jin-Seok`, or None when the entry lists no author."""
        if not self.authors:
            return None
        return self.authors[0].split(",")[0].strip() or None

    def to_json_dict(self) -> dict[str, Any]:
        """The compact export form: defaults left out, unknown fields kept."""
        return self.model_dump(mode="json", exclude_defaults=True)


def _normalized_or_error(value: Any, normalize: Any, label: str) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    normalized: str | None = normalize(str(value))
    if normalized is None:
        raise ValueError(f"{value!r} is not a valid {label}")
    return normalized


def _as_list(value: Any) -> Any:
    """Lists pass through; a CSV cell holds a JSON array or `;`-separated items."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(";") if part.strip()]
    return value


class RefKind(StrEnum):
    """How a post referred to a study."""

    DOI = "doi"
    PMID = "pmid"
    PMCID = "pmcid"
    SLUG = "slug"
    TITLE = "title"
    AUTHOR_YEAR = "author_year"
    PUBLISHER_ID = "publisher_id"  # an article id of the publisher's own (a PII, an MDPI path)
    DESCRIPTION = "description"  # a trial name, group, institution, journal and date, …


class Reference(BaseModel):
    """One place in a text that refers to a study.

    `value` is the normalised identifier (DOI, PMID, PMCID, slug) or, for titles and
    author-year citations, the cleaned text that was recognised. `start`/`end` index the
    original text, so `text == original[start:end]`.
    """

    model_config = ConfigDict(frozen=True)

    kind: RefKind
    value: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    rule: str = ""

    @property
    def key(self) -> str:
        """The unmatched-log key: `doi:10.1/x`, `pmid:123`, `title:some words`."""
        return f"{self.kind.value}:{self.value}"


class Match(BaseModel):
    """A reference and the atlas entry it resolved to (None: not in the atlas).

    `rule` names the rule that matched; `signals` is the decision log of a scored match
    (an author mention: `surname`, `year`, `journal:nat med`, `topic:…`, `cue:possessive`,
    `score:6`).
    """

    model_config = ConfigDict(frozen=True)

    reference: Reference
    entry: AtlasEntry | None = None
    score: float = Field(default=100.0, ge=0, le=100)
    rule: str = ""
    signals: tuple[str, ...] = ()
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None

    @property
    def atlas_id(self) -> str | None:
        """The atlas slug, or None for a study the atlas does not hold."""
        return self.entry.id if self.entry else None


class Post(BaseModel):
    """A message from any platform, in our own terms.

    `place` is where settings apply (a Discord channel or thread, a subreddit); `thread` is
    the conversation used for cooldowns (a Discord thread or channel, a Reddit submission).
    `parent_place` is the place that `place` sits in (a Discord thread's or forum post's
    channel), whose settings apply where `place` has none of its own. `parent_id` is the
    message this one answers (a Reddit comment's parent comment or submission).
    """

    model_config = ConfigDict(frozen=True)

    platform: Literal[
        "discord", "reddit", "console", "scan", "xenforo", "discourse", "lemmy", "feeds"
    ]
    place: str
    thread: str
    message_id: str
    author_id: str
    author_name: str = ""
    author_is_bot: bool = False
    text: str
    permalink: str | None = None
    created_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    is_edit: bool = False
    parent_id: str | None = None
    parent_place: str | None = None

    @field_validator("*", mode="after")
    @classmethod
    def _encodable(cls, value: Any) -> Any:
        """Strip lone surrogates at the boundary, so any post can be stored and answered."""
        return strip_lone_surrogates(value) if isinstance(value, str) else value
