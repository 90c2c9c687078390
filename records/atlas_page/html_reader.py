"""Reading an atlas evidence page as HTML (BeautifulSoup over lxml).

Both layouts the atlas has used are understood. Elements are found by what they hold, with
class names only as hints: badges are small elements classed `badge`/`tag`/`chip`/`pill`;
the title is the first `<h1>`; the byline is the `.byline`/`.meta` block (or the paragraph
after the title that reads like one); sections start at `<h2>`-`<h4>` headings named as on
the page and run to the next heading.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from records.atlas_page.bibtex import find_bibtex
from records.atlas_page.fields import find_urls, is_byline
from records.atlas_page.parts import (
    LIST_SECTIONS,
    SECTION_HEADINGS,
    PageParts,
    is_pem_note,
    normalize_heading,
)
from records.atlas_page.structured import read_structured
from records.atlas_page.text_reader import RETRACTION_BANNER, WINDOW_TITLE

# lxml's parser: about ten times faster than the standard library's on framework pages of
# thousands of elements, and as forgiving of broken markup.
HTML_PARSER = "lxml"
_BADGE_CLASS = re.compile(r"^(?:badge|tag|chip|pill)(?:$|[-_])", re.IGNORECASE)
_BYLINE_CLASS = re.compile(r"^(?:byline|meta|study-meta|evidence-meta)$", re.IGNORECASE)
_SNAPSHOT_TEXT = re.compile(r"\bGenerator\s+v?\d", re.IGNORECASE)
_HEADINGS = ["h1", "h2", "h3", "h4", "h5", "h6"]
_BLOCKS = ["p", "div", "aside", "section", "li", "dd", "blockquote", "footer"]
_NOT_CONTENT = ["script", "style", "noscript", "template", "nav", "svg"]
_OPENS_HTML = re.compile(r"<html\b", re.IGNORECASE)
_CLOSES_HTML = re.compile(r"</html\s*>", re.IGNORECASE)
_HTML_MARKUP = re.compile(r"<(?:!doctype\s+html|html|head|body|article|main|h1|div|p)\b", re.I)


def looks_like_html(content: str) -> bool:
    """True when `content` is markup rather than a text rendering."""
    return _HTML_MARKUP.search(content[:20_000]) is not None


def read_html(html: str) -> PageParts:
    """The parts of an HTML page."""
    soup = BeautifulSoup(html, HTML_PARSER)
    # A document that opens <html> but never closes it was cut off in transit or on disk.
    cut_short = _OPENS_HTML.search(html) is not None and _CLOSES_HTML.search(html) is None
    parts = PageParts(cut_short=cut_short, structured=read_structured(soup))
    for element in soup.find_all(_NOT_CONTENT):
        element.decompose()
    _read_head(parts, soup)
    root = _content_root(soup)
    _drop_pem_note(root)
    _read_badges(parts, root)
    _read_retraction(parts, root)
    title = root.find("h1")
    if isinstance(title, Tag):
        parts.title = _text(title) or None
    _read_byline(parts, root, title if isinstance(title, Tag) else None)
    _read_sections(parts, root)
    _read_citation_block(parts, root)
    return parts


def _text(element: Tag) -> str:
    """The element's text with whitespace folded."""
    return " ".join(element.get_text().split())


def _classes(element: Tag) -> list[str]:
    value = element.get("class")
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _read_head(parts: PageParts, soup: BeautifulSoup) -> None:
    """Window title and the canonical address."""
    if soup.title is not None:
        window = " ".join(soup.title.get_text().split())
        match = WINDOW_TITLE.match(window)
        parts.window_title = match.group("title") if match else (window or None)
    for link in soup.find_all("link"):
        if "canonical" in (link.get("rel") or []) and link.get("href"):
            parts.page_urls.append(str(link["href"]))
    for meta in soup.find_all("meta", attrs={"property": "og:url"}):
        if meta.get("content"):
            parts.page_urls.append(str(meta["content"]))


def _content_root(soup: BeautifulSoup) -> Tag:
    """The study itself: `<article>`, else `<main>`, else the body."""
    for name in ("article", "main", "body"):
        found = soup.find(name)
        if isinstance(found, Tag):
            return found
    return soup


def _drop_pem_note(root: Tag) -> None:
    """Remove the fixed PEM-badge explanation so it cannot leak into a section."""
    for string in root.find_all(string=re.compile(r"About the PEM badge", re.IGNORECASE)):
        block = string.find_parent(_BLOCKS)
        while block is not None and not is_pem_note(_text(block)):
            block = block.find_parent(_BLOCKS)
        if block is not None:
            block.decompose()


def is_badge_element(element: Tag) -> bool:
    """True for an element marked as a badge (`data-badge`, or a badge/tag/chip/pill class)."""
    return element.has_attr("data-badge") or any(
        _BADGE_CLASS.match(name) for name in _classes(element)
    )


def _read_badges(parts: PageParts, root: Tag) -> None:
    """Innermost badge elements, in page order; one marked as the study type is noted."""
    for element in root.find_all(is_badge_element):
        if element.find(is_badge_element) is not None:
            continue
        text = _text(element)
        if not text:
            continue
        kind = str(element.get("data-badge", "")).lower()
        if kind == "study-type" or any("type" in name.lower() for name in _classes(element)):
            parts.study_type_badge = text
        else:
            parts.badges.append(text)


def _read_retraction(parts: PageParts, root: Tag) -> None:
    """The red banner: an element classed `retract*`, or an alert that says retracted."""
    for element in root.find_all(True):
        classes = " ".join(_classes(element)).lower()
        if "retract" in classes and not is_badge_element(element):
            parts.retraction_banner = True
            return
        is_alert = element.get("role") == "alert" or "alert" in classes or "banner" in classes
        if is_alert and RETRACTION_BANNER.match(_text(element)):
            parts.retraction_banner = True
            return


def _read_byline(parts: PageParts, root: Tag, title: Tag | None) -> None:
    """The byline block, its marked-up authors/journal/year, and its DOI link."""
    byline = root.find(lambda el: any(_BYLINE_CLASS.match(c) for c in _classes(el)))
    if not isinstance(byline, Tag) and title is not None:
        following = title.find_next(lambda el: el.name in ("p", "div") and is_byline(_text(el)))
        byline = following if isinstance(following, Tag) else None
    if not isinstance(byline, Tag):
        return
    parts.byline = _text(byline) or None
    parts.byline_authors = [_text(el) for el in byline.find_all(class_="author") if _text(el)]
    for field_name in ("journal", "year"):
        found = byline.find(class_=field_name)
        if isinstance(found, Tag) and _text(found):
            setattr(parts, f"byline_{field_name}", _text(found))
    for link in byline.find_all("a", href=True):
        href = str(link["href"])
        if "doi.org/" in href.lower() or _text(link).lower() == "doi":
            parts.doi_links.append(href)


def _read_sections(parts: PageParts, root: Tag) -> None:
    """Each named section: paragraphs, or list items for the list sections."""
    for heading in root.find_all(["h2", "h3", "h4"]):
        key = SECTION_HEADINGS.get(normalize_heading(_text(heading)))
        if key is None:
            continue
        blocks = _until_next_heading(heading)
        if key in LIST_SECTIONS:
            items = [item for block in blocks for item in block.find_all("li")]
            items += [block for block in blocks if block.name == "li"]
            for item in items or blocks:
                parts.add_to_section(key, _text(item))
        else:
            for block in blocks:
                paragraphs = block.find_all("p") if block.name != "p" else []
                for paragraph in paragraphs or [block]:
                    parts.add_to_section(key, _text(paragraph))


def _until_next_heading(heading: Tag) -> list[Tag]:
    """The elements after a heading up to the next one.

    A heading wrapped on its own (`<header><h2>..</h2></header><div>..</div>`) has no
    siblings; then its wrapper's siblings hold the section.
    """
    anchor = heading
    while anchor.find_next_sibling() is None and isinstance(anchor.parent, Tag):
        if anchor.parent.name in ("article", "main", "body", "section"):
            break
        anchor = anchor.parent
    blocks = []
    for sibling in anchor.find_next_siblings():
        if sibling.name in _HEADINGS or sibling.find(_HEADINGS) is not None:
            break
        blocks.append(sibling)
    return blocks


def _read_citation_block(parts: PageParts, root: Tag) -> None:
    """Primary citation, BibTeX and the atlas-snapshot line from the foot of the page."""
    for heading in root.find_all(_HEADINGS):
        if normalize_heading(_text(heading)) == "primary citation":
            following = heading.find_next_sibling()
            if isinstance(following, Tag):
                parts.citation = _text(following)
                parts.doi_links.extend(
                    str(a["href"])
                    for a in following.find_all("a", href=True)
                    if "doi.org/" in str(a["href"]).lower()
                )
    for block in root.find_all(["pre", "code"]):
        text = block.get_text()
        span = find_bibtex(text)
        if span is not None:
            parts.bibtex = text[span[0] : span[1]]
            break
    snapshot = root.find(string=_SNAPSHOT_TEXT)
    if snapshot is not None:
        container = snapshot.find_parent(_BLOCKS)
        if container is not None:
            parts.snapshot_line = _text(container)
            parts.page_urls.extend(str(a["href"]) for a in container.find_all("a", href=True))
            parts.page_urls.extend(find_urls(parts.snapshot_line))
