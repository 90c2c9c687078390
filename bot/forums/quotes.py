"""Quotes in forum posts, found the way the forum renders them: what the author wrote themself.

Commands and citations count only in the author's own words, never in a quote of someone
else's post (issue 29: a member hid `!evidence off` in a nested quote with a long attribute,
and a moderator quoting that post ran it). So quotes are parsed, not matched with a bounded
pattern: any nesting depth, any attribute length, one pass over the text (no quadratic work
on hostile input).

BBCode (XenForo's `message`, Discourse's `raw`):
- `[quote]`, `[QUOTE="name, post: 12, member: 3"]` open a quote (tag names are case-blind);
  the attribute runs to the first `]`, however long. `[/quote]` closes the innermost one.
- Inside `[code]`, `[icode]` and `[plain]` XenForo renders tags as text, so a `[/quote]`
  there closes nothing (XenForo's BB code help page: "plain" and "code" disable BB code).
- A `[/quote]` with no open quote is text. A quote left open runs to the end of the post:
  the safe reading, since a command after it may belong to the quoted member.
- Markdown (`markdown=True`, Discourse's `raw`): fenced code blocks (```/~~~) and inline
  code spans show tags as text, as markdown-it renders them.

Rendered HTML (Discourse's `cooked`, XenForo's `message_parsed`) is the forum's own reading:
quotes are `<aside class="quote">` or `<blockquote class="bbCodeBlock--quote">` elements.
Where it is sent, a command counts only if the rendering shows it as the author's too
(`commands_also_rendered`), so any disagreement between our parse and the forum's is
settled by the forum.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

# A quote opener's start, a closer, a verbatim tag's opener; `[quote` must be followed by
# `]`, `=` or a space (`[quotes]` is another tag).
_BBCODE_TOKEN = re.compile(r"\[(?:(quote)(?=[\]= ])|(/quote)\]|(code|icode|plain)(?=[\]=]))", re.I)
_MARKDOWN_TOKEN = re.compile(
    r"\[(?:(quote)(?=[\]= ])|(/quote)\]|(code|icode|plain)(?=[\]=]))"
    r"|(?P<fence>^[ ]{0,3}(?:`{3,}|~{3,}))"
    r"|(?P<ticks>`+)",
    re.I | re.M,
)
_POST_ID = re.compile(r"\bpost:\s*(\d{1,20})", re.I)


@dataclass
class Quoted:
    """A post split into the author's own text and the quotes in it.

    `own` has each quote replaced by a line break (a quote is a block: text after it starts
    a new line). `attributes` are the top-level quotes' attributes, in order.
    """

    own: str
    attributes: list[str] = field(default_factory=list)

    def first_post_id(self) -> str | None:
        """The post id (`post: 123` or `post:3`) named by the first top-level quote."""
        for attribute in self.attributes[:1]:
            found = _POST_ID.search(attribute)
            if found:
                return found.group(1)
        return None


def split_bbcode(text: str, *, markdown: bool = False) -> Quoted:
    """The author's own text and the top-level quotes' attributes of BBCode `text`."""
    return _Splitter(text, markdown).run()


def own_bbcode_text(text: str, *, markdown: bool = False) -> str:
    """`text` without its quotes (see `split_bbcode`)."""
    return split_bbcode(text, markdown=markdown).own


class _Splitter:
    """One left-to-right pass; every search moves forward, so the work stays linear."""

    def __init__(self, text: str, markdown: bool) -> None:
        self.text = text
        self.markdown = markdown
        self.own: list[str] = []
        self.attributes: list[str] = []
        self.depth = 0
        self.copied = 0  # text before this index is already in `own` or skipped
        # After a failed search for a closing bracket, none exists further on either.
        self.no_bracket_after = len(text) + 1
        self._ticks: dict[int, list[int]] | None = None

    def run(self) -> Quoted:
        pattern = _MARKDOWN_TOKEN if self.markdown else _BBCODE_TOKEN
        position = 0
        while True:
            found = pattern.search(self.text, position)
            if found is None:
                break
            position = self._token(found)
        if self.depth == 0:
            self.own.append(self.text[self.copied :])
        else:
            self.own.append("\n")  # left open: quoted to the end
        return Quoted("".join(self.own), self.attributes)

    def _token(self, found: re.Match[str]) -> int:
        """Handle one token; the index to search on from."""
        if found.group(1):
            return self._open(found)
        if found.group(2):
            return self._close(found)
        if found.group(3):
            return self._verbatim(found.group(3), found.end())
        if found.group("fence"):
            return self._fence(found)
        return self._code_span(found)

    def _open(self, found: re.Match[str]) -> int:
        end = self._bracket(found.end())
        if end < 0:
            return found.end()  # no `]` ever follows: text, as the forum shows it
        if self.depth == 0:
            self.own.append(self.text[self.copied : found.start()])
            self.attributes.append(self.text[found.end() : end].lstrip("= ").strip("\"'"))
        self.depth += 1
        return end + 1

    def _close(self, found: re.Match[str]) -> int:
        if self.depth == 0:
            return found.end()  # a closer with nothing open is text
        self.depth -= 1
        if self.depth == 0:
            self.own.append("\n")
            self.copied = found.end()
        return found.end()

    def _bracket(self, start: int) -> int:
        if start >= self.no_bracket_after:
            return -1
        end = self.text.find("]", start)
        if end < 0:
            self.no_bracket_after = start
        return end

    def _verbatim(self, tag: str, start: int) -> int:
        """Skip to the matching `[/code]` (tags inside are text); open to the end if none."""
        closer = re.compile(rf"\[/{tag}\]", re.I).search(self.text, start)
        return closer.end() if closer else len(self.text)

    def _fence(self, found: re.Match[str]) -> int:
        """Skip a fenced code block to its closing fence (or the end, as CommonMark does)."""
        marker = found.group("fence").strip()
        line_end = self.text.find("\n", found.end())
        if line_end < 0:
            return len(self.text)
        closer = re.compile(rf"^[ ]{{0,3}}{re.escape(marker[0])}{{{len(marker)},}}[ \t]*$", re.M)
        closing = closer.search(self.text, line_end + 1)
        return closing.end() if closing else len(self.text)

    def _code_span(self, found: re.Match[str]) -> int:
        """Skip an inline code span: to the next run of exactly as many backticks, if any."""
        runs = self._tick_runs()
        width = len(found.group("ticks"))
        starts = runs.get(width, [])
        index = bisect.bisect_right(starts, found.start())
        return starts[index] + width if index < len(starts) else found.end()

    def _tick_runs(self) -> dict[int, list[int]]:
        """Where each run of backticks starts, by its length (found once, in one pass)."""
        if self._ticks is None:
            self._ticks = {}
            for run in re.finditer(r"`+", self.text):
                self._ticks.setdefault(len(run.group()), []).append(run.start())
        return self._ticks


def commands_also_rendered(own: str, rendered: str) -> str:
    """`own` without command lines the forum's own rendering does not show as the author's.

    A line starting with `!` counts only if the rendered own text (cooked HTML without its
    quotes) has a line starting with the same two words: where our reading of the source
    and the forum's rendering disagree about a quote, the forum decides.
    """
    shown = {tuple(line.split()[:2]) for line in rendered.splitlines() if line.lstrip()[:1] == "!"}
    kept = [
        line
        for line in own.splitlines(keepends=True)
        if line.lstrip()[:1] != "!" or tuple(line.split()[:2]) in shown
    ]
    return "".join(kept)


def own_cooked_text(html: str) -> str:
    """The text of Discourse's cooked HTML outside `<aside class="quote">`, a line per block."""
    return own_html_text(html, tag="aside", quote_class="quote")


def own_parsed_text(html: str) -> str:
    """The text of XenForo's `message_parsed` HTML outside its quotes, a line per block.

    XenForo renders a quote as `<blockquote class="bbCodeBlock bbCodeBlock--expandable
    bbCodeBlock--quote" data-source="post: 12" …>` (its `bb_code_tag_quote` template).
    """
    return own_html_text(html, tag="blockquote", quote_class="bbCodeBlock--quote")


def own_html_text(html: str, *, tag: str, quote_class: str) -> str:
    """The text of `html` outside every `<tag class="… quote_class …">` element."""
    parser = _RenderedText(tag, quote_class)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


_BLOCKS = frozenset({"p", "div", "br", "li", "blockquote", "pre", "h1", "h2", "h3", "h4", "tr"})
_VOID = frozenset({"br", "img", "hr", "input", "meta", "link", "source", "wbr"})


class _RenderedText(HTMLParser):
    """Collects text, skipping every element inside a quote element (at any depth)."""

    def __init__(self, quote_tag: str, quote_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.quote_tag = quote_tag
        self.quote_class = quote_class
        self.parts: list[str] = []
        self.open: list[str] = []
        self.open_counts: dict[str, int] = {}  # how many of each tag are open (no list scans)
        self.quote_depth: int | None = None  # len(open) when the outermost quote opened

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS and self.quote_depth is None:
            self.parts.append("\n")
        if tag in _VOID:
            return
        classes = next((value or "" for name, value in attrs if name == "class"), "").split()
        if self.quote_depth is None and tag == self.quote_tag and self.quote_class in classes:
            self.quote_depth = len(self.open)
        self.open.append(tag)
        self.open_counts[tag] = self.open_counts.get(tag, 0) + 1

    def handle_endtag(self, tag: str) -> None:
        if not self.open_counts.get(tag):
            return  # a stray end tag
        while self.open:
            closed = self.open.pop()
            self.open_counts[closed] -= 1
            if closed == tag:
                break
        if self.quote_depth is not None and len(self.open) <= self.quote_depth:
            self.quote_depth = None
            self.parts.append("\n")
        elif tag in _BLOCKS and self.quote_depth is None:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if self.quote_depth is None:
            self.parts.append(data)
