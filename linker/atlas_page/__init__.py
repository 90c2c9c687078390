"""Reading one ME/CFS Atlas evidence page (HTML or its text rendering) into an AtlasEntry.

A pure parser: no network, no database. `parse_atlas_page` raises `AtlasPageError` naming
what is missing when the page cannot make a whole entry, so a caller can report and skip it.
"""

from __future__ import annotations

from linker.atlas_page.fields import ParsedPage, build_entry, slug_from_url
from linker.atlas_page.html_reader import looks_like_html, read_html
from linker.atlas_page.parts import AtlasPageError
from linker.atlas_page.text_reader import read_text

__all__ = ["AtlasPageError", "ParsedPage", "parse_atlas_page", "slug_from_url"]


def parse_atlas_page(
    content: str, *, url: str | None = None, slug: str | None = None
) -> ParsedPage:
    """The entry shown by one page.

    `url` is where the page was read and `slug` the study's slug when the caller knows it;
    without either, the slug comes from the page's BibTeX key or its own links.
    """
    parts = read_html(content) if looks_like_html(content) else read_text(content)
    return build_entry(parts, url=url, slug=slug)
