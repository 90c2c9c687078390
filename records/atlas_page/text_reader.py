"""Reading the plain-text rendering of an atlas page (what a browser's "save as text" keeps).

A rendering keeps one block per line: maybe the window title (`<title> — CFSMEATLAS`),
badges, the title, the byline, then headings followed by their paragraphs or list items,
the PEM note, and the citation block. Some renderings drop the headings and lists; their
paragraphs are kept in order as `unlabelled` for `fields.build_entry` to place.
"""

from __future__ import annotations

import re

from records.atlas_page.bibtex import find_bibtex
from records.atlas_page.fields import (
    BYLINE_SEPARATOR,
    find_urls,
    is_badge_text,
    is_byline,
    is_navigation,
)
from records.atlas_page.parts import (
    PROSE_SECTIONS,
    SECTION_HEADINGS,
    TAIL_HEADINGS,
    PageParts,
    is_pem_note,
    normalize_heading,
)

# The browser tab title: the study title, a dash, then the site name.
WINDOW_TITLE = re.compile(
    r"^(?P<title>.+?) \s+ [—–-] \s+ (?:CFSMEATLAS|MECFSATLAS|ME/CFS\ Atlas|CFS/ME\ Atlas)$",
    re.IGNORECASE | re.VERBOSE,
)
# The red banner on a retracted study.
RETRACTION_BANNER = re.compile(
    r"""^(?:[⚠!]\s*)?(?:
          retracted\b
        | this\ (?:study|paper|article)\ (?:has\ been|was)\ retracted
    )""",
    re.IGNORECASE | re.VERBOSE,
)


def read_text(text: str) -> PageParts:
    """The parts of a text rendering."""
    parts = PageParts()
    span = find_bibtex(text)
    if span is not None:
        parts.bibtex = text[span[0] : span[1]]
        text = f"{text[: span[0]]}\n{text[span[1] :]}"
    lines = [" ".join(line.split()) for line in text.splitlines()]
    lines = [line for line in lines if line]
    _read_snapshot(parts, lines)

    byline_index = next((i for i, line in enumerate(lines) if is_byline(line)), None)
    if byline_index is not None:
        parts.byline = lines[byline_index]
        _read_header(parts, lines[:byline_index])
        body = lines[byline_index + 1 :]
    else:
        first_heading = next(
            (i for i, line in enumerate(lines) if normalize_heading(line) in SECTION_HEADINGS),
            None,
        )
        header_end = first_heading if first_heading is not None else _leading_badges(lines)
        _read_header(parts, lines[:header_end])
        body = lines[header_end:]
    tail = _read_body(parts, body)
    _read_tail(parts, tail)
    return parts


def _read_snapshot(parts: PageParts, lines: list[str]) -> None:
    for line in lines:
        lowered = line.lower()
        if "generator" in lowered and ("scanner" in lowered or "accessed" in lowered):
            parts.snapshot_line = line
            parts.page_urls.extend(find_urls(line))


def _read_header(parts: PageParts, header: list[str]) -> None:
    """Window title, retraction banner, badge lines and the title (the last other line)."""
    for line in header:
        window = WINDOW_TITLE.match(line)
        if window:
            parts.window_title = window.group("title").strip()
        elif RETRACTION_BANNER.match(line):
            parts.retraction_banner = True
        elif all(is_badge_text(token) for token in BYLINE_SEPARATOR.split(line)):
            parts.badges.extend(token.strip() for token in BYLINE_SEPARATOR.split(line))
        else:
            parts.title = line


def _leading_badges(lines: list[str]) -> int:
    """How many first lines are badges, a banner or the window title (a page with no byline
    and no headings still has its header)."""
    count = 0
    for line in lines:
        tokens = BYLINE_SEPARATOR.split(line)
        is_header = WINDOW_TITLE.match(line) or RETRACTION_BANNER.match(line)
        if not (is_header or all(is_badge_text(token) for token in tokens)):
            break
        count += 1
    return count


def _read_body(parts: PageParts, body: list[str]) -> list[str]:
    """Sections up to the PEM note or the citation block; returns the lines after them."""
    current: str | None = None
    for index, line in enumerate(body):
        heading = normalize_heading(line)
        if is_pem_note(line) or heading in TAIL_HEADINGS:
            return body[index:]
        if heading in SECTION_HEADINGS:
            current = SECTION_HEADINGS[heading]
        elif current in PROSE_SECTIONS and is_navigation(line):
            continue  # a "Back to evidence" link under the last section is not its text
        elif current is not None:
            parts.add_to_section(current, line)
        else:
            _read_unlabelled(parts, line)
    return []


def _read_unlabelled(parts: PageParts, line: str) -> None:
    """A line before any heading: a badge row or the title again (a rendering whose header
    a breadcrumb cut short), else a paragraph to place by its order."""
    tokens = BYLINE_SEPARATOR.split(line)
    if all(is_badge_text(token) for token in tokens):
        parts.badges.extend(token.strip() for token in tokens)
    elif line in (parts.title, parts.window_title):
        parts.title = parts.title or line
    else:
        parts.unlabelled.append(line)


def _read_tail(parts: PageParts, tail: list[str]) -> None:
    """The primary citation: the line under its heading."""
    for index, line in enumerate(tail[:-1]):
        if normalize_heading(line) == "primary citation":
            parts.citation = tail[index + 1]
            return
