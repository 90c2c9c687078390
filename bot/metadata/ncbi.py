"""NCBI: the PMC ID converter (DOI ↔ PMID ↔ PMCID) and E-utilities esummary.

Both ask for `tool` and `email` parameters and allow 3 requests a second without an API key
(10 with one): https://www.ncbi.nlm.nih.gov/books/NBK25497/ and
https://pmc.ncbi.nlm.nih.gov/tools/id-converter-api/. The rate itself is enforced by the
caller's transport; these classes only build requests and read answers.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from bot.errors import MetadataServiceError
from bot.metadata.models import (
    IdRecord,
    Notice,
    PaperMetadata,
    as_dict,
    as_list,
    read_json,
    send,
    shape_checked,
)

TOOL = "evidence-bot"
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")


class _NcbiBase:
    """Shared `tool`/`email`/`api_key` parameters."""

    service = "ncbi"

    def __init__(
        self,
        client: httpx.Client,
        *,
        base_url: str,
        email: str | None,
        api_key: str | None = None,
    ) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._common = {"tool": TOOL, **({"email": email} if email else {})}
        if api_key:
            self._common["api_key"] = api_key

    def _get(self, url: str, params: dict[str, str]) -> Any:
        request = self._client.build_request("GET", url, params={**params, **self._common})
        return read_json(send(self._client, request, self.service), self.service)


class NcbiIdConverter(_NcbiBase):
    """Crosswalk DOIs, PMIDs and PMCIDs of articles held in PubMed Central."""

    service = "ncbi-idconv"

    @shape_checked
    def convert(self, identifier: str) -> IdRecord | None:
        """The identifiers NCBI knows for one DOI, PMID or PMCID, or None if it knows none."""
        body = self._get(self._base_url + "/", {"ids": identifier, "format": "json"})
        if body is None:
            return None
        body = as_dict(body, self.service, "not an object")
        records = as_list(body.get("records"), self.service, "no records")
        for record in records:
            if not isinstance(record, dict) or record.get("status") == "error":
                continue
            found = IdRecord(
                requested=str(record.get("requested-id", identifier)),
                doi=record.get("doi"),
                pmid=record.get("pmid"),
                pmcid=record.get("pmcid"),
            )
            if found.doi or found.pmid or found.pmcid:
                return found
        return None


class EUtilsClient(_NcbiBase):
    """PubMed summaries (title, authors, journal, publication types)."""

    service = "ncbi-eutils"

    @shape_checked
    def summary(self, pmid: str) -> PaperMetadata | None:
        """The PubMed record for a PMID, or None when PubMed has none."""
        body = self._get(f"{self._base_url}/esummary.fcgi", {"db": "pubmed", "id": pmid})
        if body is None:
            return None
        body = as_dict(body, self.service, "not an object")
        result = as_dict(body.get("result"), self.service, "no result")
        record = result.get(pmid)
        if not isinstance(record, dict) or record.get("error"):
            return None
        return parse_summary(record)


def parse_summary(record: dict[str, Any]) -> PaperMetadata:
    """An esummary document as PaperMetadata."""
    ids = {
        str(item.get("idtype")): str(item.get("value"))
        for item in record.get("articleids") or []
        if isinstance(item, dict)
    }
    pubtypes = [str(p) for p in record.get("pubtype") or []]
    year = _YEAR.search(str(record.get("pubdate") or ""))
    pmid = str(record.get("uid") or ids.get("pubmed") or "")
    notices = []
    if "Retracted Publication" in pubtypes:
        notices.append(
            Notice(kind="retraction", notice_id=f"pubmed:{pmid}", source="ncbi-eutils",
                   label="Retracted Publication")
        )  # fmt: skip
    try:
        return PaperMetadata(
            sources=["ncbi-eutils"],
            title=str(record.get("title") or "").strip() or None,
            authors=[
                str(a.get("name"))
                for a in record.get("authors") or []
                if isinstance(a, dict) and a.get("name")
            ],
            year=int(year.group(1)) if year else None,
            journal=record.get("fulljournalname") or record.get("source") or None,
            type=pubtypes[0] if pubtypes else None,
            doi=ids.get("doi"),
            pmid=pmid or None,
            pmcid=ids.get("pmc"),
            is_notice="Retraction of Publication" in pubtypes,
            notices=notices,
        )
    except (TypeError, ValueError) as exc:
        raise MetadataServiceError("ncbi-eutils", f"unexpected summary ({exc})") from exc
