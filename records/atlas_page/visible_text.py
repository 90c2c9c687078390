"""The text a browser would show for an HTML page, one block per line.

For markup we have never seen (a framework's nested `div`s with utility classes, text split
over many inline elements): block elements end a line, inline ones do not, so the result
reads like the text renderings `text_reader` already understands. Scripts, styles,
navigation, site headers and footers, and hidden elements are dropped. A block made only of
badge-like inline elements (`<span>E2 Moderate</span><span>PEM required</span>`) keeps its
badges apart with ` · `, as the atlas's own text rendering does; an inline element marked
as a badge stands on its own line.
"""

from __future__ import annotations

from bs4 import BeautifulSoup, Tag
from bs4.element import (
    Comment,
    Declaration,
    Doctype,
    NavigableString,
    ProcessingInstruction,
)

from records.atlas_page.fields import is_badge_text
from records.atlas_page.html_reader import is_badge_element

_DROPPED = ["script", "style", "noscript", "template", "svg", "nav", "head", "iframe", "button"]
_INLINE = frozenset(
    {
        "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i",
        "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup",
        "time", "u", "var", "wbr",
    }
)  # fmt: skip
_NOT_TEXT = (Comment, Declaration, Doctype, ProcessingInstruction)
_CHROME_ROLES = frozenset({"navigation", "banner", "contentinfo"})


def visible_text(soup: BeautifulSoup) -> str:
    """The page's visible text, one block per line."""
    for element in soup.find_all(_DROPPED):
        element.decompose()
    for element in soup.find_all(_is_chrome):
        element.decompose()
    lines: list[str] = []
    _Walker(lines).block(soup)
    return "\n".join(lines)


def _is_chrome(element: Tag) -> bool:
    """Site furniture and hidden things; a header/footer inside the study is kept."""
    if element.has_attr("hidden") or element.get("aria-hidden") == "true":
        return True
    if element.get("role") in _CHROME_ROLES:
        return True
    if element.name in ("header", "footer"):
        return element.find_parent(["article", "main"]) is None
    return False


class _Walker:
    """Collects lines: inline text gathers in a buffer that each block boundary flushes.

    Iterative (an explicit stack), so a hostile page nested ten thousand levels deep cannot
    exhaust Python's recursion limit.
    """

    _BLOCK_END = object()

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.buffer: list[str] = []

    def flush(self) -> None:
        line = " ".join("".join(self.buffer).split())
        if line:
            self.lines.append(line)
        self.buffer = []

    def block(self, root: Tag) -> None:
        stack: list[object] = [root]
        while stack:
            node = stack.pop()
            if node is self._BLOCK_END:
                self.flush()
            elif isinstance(node, _NOT_TEXT):
                continue
            elif isinstance(node, NavigableString):
                self.buffer.append(str(node))
            elif isinstance(node, Tag):
                stack.extend(self._enter(node))

    def _enter(self, tag: Tag) -> list[object]:
        """What to visit next for `tag` (in reverse order, for the stack)."""
        children: list[object] = list(tag.children)
        children.reverse()
        if tag.name == "br":
            self.flush()
            return []
        if tag.name in _INLINE and not is_badge_element(tag):
            return children
        self.flush()
        if tag.name == "pre":
            self.lines.extend(line.rstrip() for line in tag.get_text().splitlines())
            return []
        badges = _badge_row(tag)
        if badges:
            self.lines.append(" · ".join(badges))
            return []
        return [self._BLOCK_END, *children]


def _badge_row(element: Tag) -> list[str] | None:
    """The badge texts when `element` holds nothing but two or more badge-like inline tags."""
    texts = []
    for child in element.children:
        if isinstance(child, NavigableString) and not isinstance(child, _NOT_TEXT):
            if str(child).strip():
                return None
        elif isinstance(child, Tag):
            if child.name not in _INLINE:
                return None
            text = " ".join(child.get_text().split())
            if not is_badge_text(text):
                return None
            texts.append(text)
    return texts if len(texts) >= 2 else None
