"""Crossref's REST API: a work's metadata by DOI, and the notices that update it.

https://api.crossref.org/swagger-ui/index.html ; polite use puts a contact address in the
User-Agent (https://www.crossref.org/documentation/retrieve-metadata/rest-api/tips-for-using-the-crossref-rest-api/).
A retraction shows up as `updated-by` on the original work (Crossref and Retraction Watch
data) and as `update-to` on the notice itself.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

import httpx

from bot.errors import MetadataServiceError
from bot.metadata.models import (
    Notice,
    NoticeKind,
    PaperMetadata,
    fetch_member,
    fetch_records,
    shape_checked,
)
from linker import identifiers_in_url
from records.identifiers import normalize_doi, normalize_publisher_id
from records.models import RefKind

SERVICE = "crossref"
_TAG = re.compile(r"<[^>]+>")  # JATS markup such as <i>...</i> inside titles
# Crossref update types (https://www.crossref.org/documentation/crossmark/participating-in-crossmark/)
_UPDATE_KINDS: dict[str, NoticeKind] = {
    "retraction": "retraction",
    "removal": "withdrawal",
    "withdrawal": "withdrawal",
    "expression_of_concern": "expression_of_concern",
    "expression-of-concern": "expression_of_concern",
    "correction": "correction",
    "erratum": "correction",
    "corrigendum": "correction",
}


def user_agent(mailto: str | None) -> str:
    """`evidence-bot/0.1 (mailto:curators@example.org)`: Crossref's polite-pool signature."""
    return f"evidence-bot/0.1 (mailto:{mailto})" if mailto else "evidence-bot/0.1"


class CrossrefClient:
    """Look up works on Crossref through the caller's httpx client."""

    service = SERVICE

    def __init__(self, client: httpx.Client, *, base_url: str, mailto: str | None) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._headers = {"User-Agent": user_agent(mailto), "Accept": "application/json"}

    @shape_checked
    def work(self, doi: str) -> PaperMetadata | None:
        """The work with this DOI, or None when Crossref does not know it."""
        url = f"{self._base_url}/works/{quote(doi, safe='/')}"
        request = self._client.build_request("GET", url, headers=self._headers)
        message = fetch_member(self._client, request, SERVICE, "message")
        return None if message is None else parse_work(message)

    @shape_checked
    def by_alternative_id(self, alternative_id: str, rows: int = 2) -> list[PaperMetadata]:
        """Works that carry this publisher id (an Elsevier PII such as `S0092867421001234`)
        as their `alternative-id` (https://www.crossref.org/documentation/retrieve-metadata/rest-api/rest-api-filters/)."""
        return self._works({"filter": f"alternative-id:{alternative_id}", "rows": str(rows)})

    @shape_checked
    def search_bibliographic(self, citation: str, rows: int = 3) -> list[PaperMetadata]:
        """Works whose metadata best fits a free-text citation, best first."""
        return self._works({"query.bibliographic": citation, "rows": str(rows)})

    def _works(self, params: dict[str, str]) -> list[PaperMetadata]:
        """The works a `/works` query (a filter or a search) lists, best first."""
        url = f"{self._base_url}/works"
        request = self._client.build_request("GET", url, params=params, headers=self._headers)
        return fetch_records(
            self._client, request, SERVICE, member="message", records="items", parse=parse_work
        )


def parse_work(work: dict[str, Any]) -> PaperMetadata:
    """A Crossref work object as PaperMetadata; unusual values are dropped, not fatal."""
    try:
        return PaperMetadata(
            sources=[SERVICE],
            title=_first_text(work.get("title")),
            authors=[_author(a) for a in work.get("author") or [] if _author(a)],
            year=_year(work),
            journal=_first_text(work.get("container-title")),
            type=work.get("type") if isinstance(work.get("type"), str) else None,
            doi=work.get("DOI"),
            publisher_ids=publisher_ids_of(work),
            versions=_versions(work),
            is_notice=any(
                str(update.get("type", "")).lower() in _UPDATE_KINDS
                for update in work.get("update-to") or []
                if isinstance(update, dict)
            ),
            notices=_notices(work),
            affiliations=_affiliations(work),
            journal_abbrevs=[t for t in work.get("short-container-title") or [] if _is_text(t)],
            volume=_label(work.get("volume")),
            issue=_label(work.get("issue")),
            # An article number where the journal gives one, else the first page ("823-836").
            article_number=_label(work.get("article-number"))
            or _label(str(work.get("page") or "").split("-")[0]),
            published=_published(work),
        )
    except (TypeError, ValueError) as exc:
        raise MetadataServiceError(SERVICE, f"unexpected work record ({exc})") from exc


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _label(value: Any) -> str | None:
    """A volume, issue or page as the work writes it (a number or a string)."""
    text = str(value).strip() if isinstance(value, str | int) else ""
    return text[:40] or None


def _affiliations(work: dict[str, Any]) -> list[str]:
    """Every author's affiliation names, each once, in order
    (https://api.crossref.org/swagger-ui/index.html: `author[].affiliation[].name`)."""
    found: dict[str, None] = {}
    for author in work.get("author") or []:
        for affiliation in (author.get("affiliation") or []) if isinstance(author, dict) else []:
            name = affiliation.get("name") if isinstance(affiliation, dict) else None
            if _is_text(name):
                found[" ".join(str(name).split())] = None
    return list(found)


def _published(work: dict[str, Any]) -> str | None:
    """The publication date as ISO text ("2016-03", "2016-03-09") from its date-parts."""
    for field in ("published", "issued", "published-print", "published-online"):
        parts = ((work.get(field) or {}).get("date-parts") or [[None]])[0]
        numbers = [p for p in parts if isinstance(p, int)] if isinstance(parts, list) else []
        if numbers:
            return "-".join(f"{n:02d}" if i else str(n) for i, n in enumerate(numbers[:3]))
    return None


def publisher_ids_of(work: dict[str, Any]) -> list[str]:
    """The publisher's own ids of a work: PIIs among its `alternative-id`s, and the id its
    landing page (`resource.primary.URL`) names (an MDPI or Oxford article path)."""
    found: list[str] = []
    for alternative in work.get("alternative-id") or []:
        value = (
            normalize_publisher_id(f"pii:{alternative}") if isinstance(alternative, str) else None
        )
        if value and value not in found:
            found.append(value)
    resource = work.get("resource")
    primary = resource.get("primary") if isinstance(resource, dict) else None
    url = primary.get("URL") if isinstance(primary, dict) else None
    if isinstance(url, str):
        for identifier in identifiers_in_url(url[:2000]):
            if identifier.kind is RefKind.PUBLISHER_ID and identifier.value not in found:
                found.append(identifier.value)
    return found


# Relations that name the same work in another version
# (https://www.crossref.org/documentation/schema-library/markup-guide-metadata-segments/relationships/).
_VERSION_RELATIONS = ("has-preprint", "is-preprint-of", "has-version", "is-version-of")


def _versions(work: dict[str, Any]) -> list[str]:
    """DOIs of the work's preprint or published version, from its `relation` object."""
    relations = work.get("relation")
    found: list[str] = []
    if not isinstance(relations, dict):
        return found
    for name in _VERSION_RELATIONS:
        targets = relations.get(name)
        for target in targets if isinstance(targets, list) else []:
            if isinstance(target, dict) and target.get("id-type") == "doi":
                doi = normalize_doi(str(target.get("id") or ""))
                if doi and doi not in found:
                    found.append(doi)
    return found


def _first_text(values: Any) -> str | None:
    if isinstance(values, list) and values and isinstance(values[0], str):
        return " ".join(_TAG.sub("", values[0]).split()) or None
    return None


def _author(author: Any) -> str:
    if not isinstance(author, dict):
        return ""
    family, given = author.get("family"), author.get("given")
    if family and given:
        return f"{family}, {given}"
    return str(family or author.get("name") or "")


def _year(work: dict[str, Any]) -> int | None:
    for field in ("published", "issued", "published-print", "published-online", "created"):
        parts = (work.get(field) or {}).get("date-parts") or [[None]]
        if parts and parts[0] and isinstance(parts[0][0], int):
            return parts[0][0]
    return None


def _date(update: dict[str, Any]) -> str | None:
    parts = (update.get("updated") or {}).get("date-parts") or [[]]
    numbers = [p for p in (parts[0] if parts else []) if isinstance(p, int)]
    return "-".join(f"{n:02d}" for n in numbers) if numbers else None


def _notices(work: dict[str, Any]) -> list[Notice]:
    """Notices about this work: `updated-by` entries and retraction-like `relation`s."""
    notices = []
    for update in work.get("updated-by") or []:
        kind = _UPDATE_KINDS.get(str(update.get("type", "")).lower())
        if kind is None:
            continue
        doi = update.get("DOI")
        notices.append(
            Notice(
                kind=kind,
                notice_id=f"doi:{doi}" if doi else f"crossref:{kind}",
                source=SERVICE,
                label=update.get("label"),
                notice_doi=str(doi).lower() if doi else None,
                date=_date(update),
            )
        )
    for relation, targets in (work.get("relation") or {}).items():
        kind = _relation_kind(relation)
        for target in targets if kind and isinstance(targets, list) else []:
            doi = target.get("id") if target.get("id-type") == "doi" else None
            notices.append(
                Notice(
                    kind=kind,
                    notice_id=f"doi:{doi}" if doi else f"crossref:{relation}",
                    source=SERVICE,
                    label=relation,
                    notice_doi=str(doi).lower() if doi else None,
                )
            )
    return notices


def _relation_kind(relation: str) -> NoticeKind | None:
    """`is-retracted-by`-style relation names, which some members deposit."""
    name = relation.lower()
    if "retract" in name and name.startswith("is"):
        return "retraction"
    if ("correct" in name or "errat" in name) and name.startswith("is"):
        return "correction"
    return None
