"""Europe PMC's REST search: metadata, publication types, corrections and open-access links.

https://europepmc.org/RestfulWebService ; `resultType=core` carries `pubTypeList`,
`commentCorrectionList` (e.g. "Retraction in", "Erratum in") and `fullTextUrlList`.
"""

from __future__ import annotations

from typing import Any

import httpx

from bot.errors import MetadataServiceError
from bot.metadata.models import Notice, NoticeKind, PaperMetadata, fetch_records, shape_checked

SERVICE = "europepmc"
_CORRECTION_KINDS: dict[str, NoticeKind] = {
    "retraction in": "retraction",
    "expression of concern in": "expression_of_concern",
    "erratum in": "correction",
    "correction in": "correction",
}
# A record whose own publication type is one of these *is* a notice, not a retracted study.
_NOTICE_TYPES = {"retraction", "retraction of publication", "published erratum"}


def _quoted(value: str) -> str:
    return '"' + value.replace('"', " ") + '"'


class EuropePmcClient:
    """Search Europe PMC through the caller's httpx client."""

    service = SERVICE

    def __init__(self, client: httpx.Client, *, base_url: str, email: str | None = None) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._email = email

    def by_identifier(self, kind: str, value: str) -> PaperMetadata | None:
        """The record for a DOI, PMID or PMCID, or None when Europe PMC has none."""
        query = {
            "doi": f"DOI:{_quoted(value)}",
            "pmid": f"EXT_ID:{value} AND SRC:MED",
            "pmcid": f"PMCID:{value}",
        }[kind]
        found = self.search(query, page_size=1)
        return found[0] if found else None

    def by_title(self, title: str, page_size: int = 3) -> list[PaperMetadata]:
        """Records whose title contains these words, best first."""
        return self.search(f"TITLE:{_quoted(title)}", page_size=page_size)

    @shape_checked
    def search(self, query: str, *, page_size: int = 5) -> list[PaperMetadata]:
        """Records matching a Europe PMC query, best first."""
        params = {
            "query": query,
            "format": "json",
            "resultType": "core",
            "pageSize": str(page_size),
        }
        if self._email:
            params["email"] = self._email
        request = self._client.build_request("GET", f"{self._base_url}/search", params=params)
        return fetch_records(
            self._client,
            request,
            SERVICE,
            member="resultList",
            records="result",
            parse=parse_result,
        )


def parse_result(result: dict[str, Any]) -> PaperMetadata:
    """A core search result as PaperMetadata."""
    pubtypes = [str(p) for p in (result.get("pubTypeList") or {}).get("pubType") or []]
    try:
        return PaperMetadata(
            sources=[SERVICE],
            title=(str(result.get("title") or "").strip().rstrip(".") or None),
            authors=_authors(result),
            year=int(result["pubYear"]) if str(result.get("pubYear", "")).isdigit() else None,
            journal=((result.get("journalInfo") or {}).get("journal") or {}).get("title")
            or result.get("journalTitle"),
            type=pubtypes[0] if pubtypes else None,
            doi=result.get("doi"),
            pmid=result.get("pmid"),
            pmcid=result.get("pmcid"),
            open_access_url=_open_access_url(result),
            is_notice=any(p.lower() in _NOTICE_TYPES for p in pubtypes),
            notices=_notices(result, pubtypes),
            **_where_published(result),
            affiliations=_affiliations(result),
            keywords=[str(k) for k in (result.get("keywordList") or {}).get("keyword") or []],
        )
    except (TypeError, ValueError, AttributeError) as exc:
        raise MetadataServiceError(SERVICE, f"unexpected result ({exc})") from exc


def _where_published(result: dict[str, Any]) -> dict[str, Any]:
    """Journal abbreviations, volume, issue, first page and date of a core result
    (`journalInfo`, `pageInfo`, `firstPublicationDate`)."""
    info = result.get("journalInfo") or {}
    journal = info.get("journal") or {}
    abbreviations = [
        str(journal[key]) for key in ("isoabbreviation", "medlineAbbreviation") if journal.get(key)
    ]
    page = str(result.get("pageInfo") or "").split("-")[0].strip()
    return {
        "journal_abbrevs": list(dict.fromkeys(abbreviations)),
        "volume": str(info["volume"]) if info.get("volume") else None,
        "issue": str(info["issue"]) if info.get("issue") else None,
        "article_number": page or None,
        "published": result.get("firstPublicationDate") or None,
    }


def _affiliations(result: dict[str, Any]) -> list[str]:
    """Each author's affiliations, each once (`authorAffiliationDetailsList`, or the older
    single `affiliation`)."""
    found: dict[str, None] = {}
    for author in (result.get("authorList") or {}).get("author") or []:
        if not isinstance(author, dict):
            continue
        details = (author.get("authorAffiliationDetailsList") or {}).get("authorAffiliation")
        names = [d.get("affiliation") for d in details or [] if isinstance(d, dict)]
        names.append(author.get("affiliation"))
        for name in names:
            if isinstance(name, str) and name.strip():
                found[" ".join(name.split())] = None
    return list(found)


def _authors(result: dict[str, Any]) -> list[str]:
    listed = (result.get("authorList") or {}).get("author") or []
    names = []
    for author in listed:
        if isinstance(author, dict) and author.get("lastName"):
            first = author.get("firstName") or author.get("initials")
            names.append(f"{author['lastName']}, {first}" if first else author["lastName"])
        elif isinstance(author, dict) and author.get("fullName"):
            names.append(str(author["fullName"]))
    if names:
        return names
    text = str(result.get("authorString") or "").rstrip(".")
    return [name.strip() for name in text.split(",") if name.strip()]


def _open_access_url(result: dict[str, Any]) -> str | None:
    urls = (result.get("fullTextUrlList") or {}).get("fullTextUrl") or []
    free = [
        u
        for u in urls
        if isinstance(u, dict) and str(u.get("availability", "")).lower() in ("open access", "free")
    ]
    free.sort(key=lambda u: u.get("documentStyle") != "html")  # a readable page before a PDF
    if free:
        return str(free[0].get("url"))
    if result.get("isOpenAccess") == "Y" and result.get("pmcid"):
        return f"https://europepmc.org/article/PMC/{result['pmcid']}"
    return None


def _notices(result: dict[str, Any], pubtypes: list[str]) -> list[Notice]:
    notices = []
    corrections = (result.get("commentCorrectionList") or {}).get("commentCorrection") or []
    for item in corrections:
        kind = _CORRECTION_KINDS.get(str(item.get("type", "")).lower())
        if kind is None:
            continue
        notices.append(
            Notice(
                kind=kind,
                notice_id=f"{str(item.get('source') or 'MED').lower()}:{item.get('id')}",
                source=SERVICE,
                label=item.get("reference") or item.get("type"),
            )
        )
    if "Retracted Publication" in pubtypes and not any(n.kind == "retraction" for n in notices):
        notices.append(
            Notice(
                kind="retraction",
                notice_id=f"europepmc:{result.get('id') or result.get('pmid')}",
                source=SERVICE,
                label="Retracted Publication",
            )
        )
    return notices
