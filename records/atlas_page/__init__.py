"""Reading one ME/CFS Atlas evidence page (HTML or its text rendering) into an AtlasEntry.

A pure parser: no network, no database. `parse_atlas_page` raises `AtlasPageError` naming
what is missing when the page cannot make a whole entry, so a caller can report and skip it.
"""

from __future__ import annotations

from bs4 import BeautifulSoup

from records.atlas_page.fields import ParsedPage, build_entry, slug_from_url
from records.atlas_page.html_reader import HTML_PARSER, looks_like_html, read_html
from records.atlas_page.parts import PageParts
from records.atlas_page.text_reader import read_text
from records.atlas_page.visible_text import visible_text
from records.errors import AtlasPageError

__all__ = ["AtlasPageError", "ParsedPage", "parse_atlas_page", "slug_from_url"]


def parse_atlas_page(
    content: str, *, url: str | None = None, slug: str | None = None
) -> ParsedPage:
    """The entry shown by one page.

    `url` is where the page was read and `slug` the study's slug when the caller knows it;
    without either, the slug comes from the page's BibTeX key or its own links.
    """
    parts = _read_html_page(content) if looks_like_html(content) else read_text(content)
    return build_entry(parts, url=url, slug=slug)


def _read_html_page(html: str) -> PageParts:
    """The semantic reading of a page, or its visible text read like a text rendering.

    Pages in a layout we know read best by their markup; markup we have never seen (nested
    `div`s, text split over inline elements) reads best as the text a browser shows. Both
    keep what the page's head and structured data say.
    """
    parts = read_html(html)
    if parts.sections:
        return parts
    seen = read_text(visible_text(BeautifulSoup(html, HTML_PARSER)))
    if seen.richness <= parts.richness:
        return parts
    seen.window_title = parts.window_title
    seen.page_urls = [*parts.page_urls, *seen.page_urls]
    seen.structured = parts.structured
    seen.cut_short = parts.cut_short
    return seen
