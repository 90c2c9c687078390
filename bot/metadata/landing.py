"""A publisher's article page: the DOI its `citation_doi` meta tag declares.

Publishers put Highwire Press `citation_*` tags in their article pages for Google Scholar
(https://scholar.google.com/intl/en/scholar/inclusion.html#indexing); `citation_doi` names
the article's DOI. Dublin Core (`dc.identifier`) and PRISM (`prism.doi`) tags are read too.
"""

from __future__ import annotations

import httpx
from bs4 import BeautifulSoup

from bot.errors import MetadataServiceError
from bot.metadata.models import send, shape_checked
from records.identifiers import normalize_doi

SERVICE = "landing-page"
_DOI_TAGS = ("citation_doi", "prism.doi", "dc.identifier", "bepress_citation_doi")
_MAX_PAGE_BYTES = 2_000_000  # article pages are far smaller; more is not an article page


def doi_in_page(html: str) -> str | None:
    """The DOI an article page declares in its meta tags, or None."""
    soup = BeautifulSoup(html, "html.parser")
    for wanted in _DOI_TAGS:
        for tag in soup.find_all("meta"):
            name = str(tag.get("name") or tag.get("property") or "").strip().lower()
            if name == wanted:
                doi = normalize_doi(str(tag.get("content") or ""))
                if doi:
                    return doi
    return None


class LandingPageClient:
    """Read article pages through the caller's (polite) httpx client."""

    service = SERVICE

    def __init__(self, client: httpx.Client) -> None:
        self._client = client

    @shape_checked
    def citation_doi(self, url: str) -> str | None:
        """The DOI the page at `url` declares; None when it declares none or does not exist."""
        request = self._client.build_request("GET", url, headers={"Accept": "text/html"})
        response = send(self._client, request, SERVICE)
        if response.status_code in (404, 410):
            return None
        if response.status_code >= 400:
            raise MetadataServiceError(SERVICE, f"HTTP {response.status_code}")
        if len(response.content) > _MAX_PAGE_BYTES:
            return None
        return doi_in_page(response.text)
