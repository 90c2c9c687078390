"""What the metadata services tell us about a paper, in one shape for every service."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from typing import Any, Literal, ParamSpec, TypeVar

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.errors import MetadataServiceError
from records.identifiers import normalize_doi, normalize_pmcid, normalize_pmid

P = ParamSpec("P")
R = TypeVar("R")
Parsed = TypeVar("Parsed")
# What reading valid JSON of an unexpected shape raises ({"published": [2024]} and the like).
_SHAPE_ERRORS = (TypeError, ValueError, AttributeError, KeyError, IndexError)

NoticeKind = Literal["retraction", "expression_of_concern", "correction", "withdrawal"]


def shape_checked(method: Callable[P, R]) -> Callable[P, R]:
    """Turn an answer of an unexpected shape into MetadataServiceError (a failed attempt for
    that paper, tried again in a later pass) instead of a crash that repeats every pass."""

    @functools.wraps(method)
    def checked(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except MetadataServiceError:
            raise
        except _SHAPE_ERRORS as exc:
            service = str(getattr(args[0], "service", "metadata")) if args else "metadata"
            detail = " ".join(str(exc).split())[:200]
            raise MetadataServiceError(
                service, f"unexpected answer ({type(exc).__name__}: {detail})"
            ) from exc

    return checked


class Notice(BaseModel):
    """A published notice about a paper: a retraction, withdrawal, correction or concern."""

    model_config = ConfigDict(frozen=True)

    kind: NoticeKind
    notice_id: str
    source: str
    label: str | None = None
    notice_doi: str | None = None
    date: str | None = None


class IdRecord(BaseModel):
    """The identifiers the NCBI ID converter knows for one requested id."""

    model_config = ConfigDict(frozen=True)

    requested: str
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None

    _doi = field_validator("doi", mode="before")(lambda v: normalize_doi(_text(v)))
    _pmid = field_validator("pmid", mode="before")(lambda v: normalize_pmid(_text(v)))
    _pmcid = field_validator("pmcid", mode="before")(lambda v: normalize_pmcid(_text(v)))


class PaperMetadata(BaseModel):
    """Bibliographic facts about one paper, from one service or merged from several."""

    sources: list[str] = []
    title: str | None = None
    authors: list[str] = []
    year: int | None = Field(default=None, ge=1000, le=2200)
    journal: str | None = None
    type: str | None = None
    doi: str | None = None
    pmid: str | None = None
    pmcid: str | None = None
    open_access_url: str | None = None
    # The publisher's own ids of the article (`pii:S…`, `mdpi:…`, `oup:…`), for aliases.
    publisher_ids: list[str] = []
    # DOIs of the same work's other versions (its preprint, or its published version).
    versions: list[str] = []
    is_notice: bool = False
    notices: list[Notice] = []
    # What description matching reads: where the authors work, the journal's short names,
    # where in it the paper is, when it appeared, its keywords.
    affiliations: list[str] = []
    journal_abbrevs: list[str] = []
    volume: str | None = None
    issue: str | None = None
    article_number: str | None = None  # the article number, or the first page
    published: str | None = None  # ISO date, as precise as the service gives it
    keywords: list[str] = []

    _doi = field_validator("doi", mode="before")(lambda v: normalize_doi(_text(v)))
    _pmid = field_validator("pmid", mode="before")(lambda v: normalize_pmid(_text(v)))
    _pmcid = field_validator("pmcid", mode="before")(lambda v: normalize_pmcid(_text(v)))

    @property
    def identifiers(self) -> dict[str, str]:
        """The DOI, PMID and PMCID that are known, by kind."""
        found = {"doi": self.doi, "pmid": self.pmid, "pmcid": self.pmcid}
        return {kind: value for kind, value in found.items() if value}

    @property
    def retracted(self) -> bool:
        """True when a retraction or withdrawal notice is known."""
        return any(n.kind in ("retraction", "withdrawal") for n in self.notices)


def _text(value: Any) -> str | None:
    """Services send ids as strings or numbers; empty means unknown."""
    if value is None or value == "":
        return None
    return str(value)


def merge_metadata(records: Iterable[PaperMetadata | None]) -> PaperMetadata | None:
    """Combine records, earlier ones winning field by field; notices are pooled."""
    present = [record for record in records if record is not None]
    if not present:
        return None
    merged: dict[str, Any] = {}
    for record in present:
        for name, value in record.model_dump(exclude={"sources", "notices", "is_notice"}).items():
            if merged.get(name) in (None, []) and value not in (None, []):
                merged[name] = value
    notices: dict[tuple[str, str], Notice] = {}
    for record in present:
        for notice in record.notices:
            notices.setdefault((notice.kind, notice.notice_id), notice)
    return PaperMetadata(
        **merged,
        sources=[source for record in present for source in record.sources],
        is_notice=any(record.is_notice for record in present),
        notices=list(notices.values()),
    )


def read_json(response: httpx.Response, service: str) -> Any:
    """The decoded body of a successful answer; None for 404 (unknown to the service).

    Raises MetadataServiceError for any other failure status or a body that is not JSON.
    """
    if response.status_code == 404:
        return None
    if response.status_code >= 400:
        raise MetadataServiceError(service, f"HTTP {response.status_code}")
    try:
        return response.json()
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        raise MetadataServiceError(service, f"malformed JSON ({exc})") from exc


def send(client: httpx.Client, request: httpx.Request, service: str) -> httpx.Response:
    """Send a request, turning network failures and timeouts into MetadataServiceError."""
    try:
        return client.send(request)
    except httpx.HTTPError as exc:
        raise MetadataServiceError(service, f"{type(exc).__name__}: {exc}") from exc


def as_dict(value: Any, service: str, what: str) -> dict[str, Any]:
    """`value` if it is a JSON object; MetadataServiceError when the answer lacks that shape."""
    if not isinstance(value, dict):
        raise MetadataServiceError(service, f"unexpected answer: {what}")
    return value


def fetch_member(
    client: httpx.Client, request: httpx.Request, service: str, member: str
) -> dict[str, Any] | None:
    """The JSON object under `member` of the answer's top-level object; None for a 404."""
    body = read_json(send(client, request, service), service)
    if body is None:
        return None
    outer = as_dict(body, service, "not an object")
    return as_dict(outer.get(member), service, f"no {member}")


def fetch_records(
    client: httpx.Client,
    request: httpx.Request,
    service: str,
    *,
    member: str,
    records: str,
    parse: Callable[[dict[str, Any]], Parsed],
) -> list[Parsed]:
    """The objects listed at `member`.`records` of the answer, each parsed, in order; [] for
    a 404. Entries that are not objects are skipped."""
    found = fetch_member(client, request, service, member)
    if found is None:
        return []
    listed = as_list(found.get(records), service, f"no {records} in {member}")
    return [parse(item) for item in listed if isinstance(item, dict)]


def as_list(value: Any, service: str, what: str) -> list[Any]:
    """`value` if it is a JSON array; MetadataServiceError when the answer lacks that shape."""
    if not isinstance(value, list):
        raise MetadataServiceError(service, f"unexpected answer: {what}")
    return value
