"""The atlas's listing pages (`/evidence?offset=N`): which studies, and where the next page is.

A listing page links each study as `/evidence/<slug>` (links in the site's menus, header
and footer are not studies); a `rel="next"` link (or a link whose
text is "Next") leads on, and the last page has none or lists nothing. A count such as
`data-total="6132"` is used for the progress bar when the page shows one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup, Tag

from records.atlas_page import slug_from_url

# Menus and page furniture link to /evidence/... pages that are not studies.
_SITE_CHROME = ["nav", "header", "footer"]
_TOTAL = re.compile(r"\bof\s+([\d,]+)\s+(?:studies|entries|papers)\b", re.IGNORECASE)


@dataclass
class ListingPage:
    """One listing page: slugs in page order, the next page's URL, the total if shown."""

    slugs: list[str] = field(default_factory=list)
    next_url: str | None = None
    total: int | None = None


def listing_url(base_url: str, offset: int) -> str:
    """`https://site/evidence?offset=50`."""
    return urljoin(base_url.rstrip("/") + "/", f"evidence?offset={offset}")


def offset_of(url: str) -> int | None:
    """The `offset` query parameter of a listing URL, or None."""
    values = parse_qs(urlsplit(url).query).get("offset")
    if not values or not values[0].isdigit():
        return None
    return int(values[0])


def parse_listing(html: str, page_url: str) -> ListingPage:
    """Study slugs and the way on from one listing page."""
    soup = BeautifulSoup(html, "html.parser")
    page = ListingPage()
    seen: set[str] = set()
    for link in soup.find_all("a", href=True):
        href = urljoin(page_url, str(link["href"]))
        if _is_next(link) and page.next_url is None:
            page.next_url = href
        if link.find_parent(_SITE_CHROME) is not None:
            continue
        slug = slug_from_url(href) if urlsplit(href).path.rstrip("/").count("/") == 2 else None
        if slug and slug not in seen:
            seen.add(slug)
            page.slugs.append(slug)
    page.total = _total(soup)
    return page


def _is_next(link: Tag) -> bool:
    rel = link.get("rel")
    rels = [] if rel is None else [rel] if isinstance(rel, str) else list(rel)
    text = " ".join(link.get_text().split()).lower().rstrip(" →»>")
    return "next" in rels or text in {"next", "next page", "older"}


def _total(soup: BeautifulSoup) -> int | None:
    marked = soup.find(lambda element: element.has_attr("data-total"))
    if isinstance(marked, Tag) and str(marked["data-total"]).isdigit():
        return int(str(marked["data-total"]))
    match = _TOTAL.search(soup.get_text(" "))
    return int(match.group(1).replace(",", "")) if match else None
