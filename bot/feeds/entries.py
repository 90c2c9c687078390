"""One feed entry as the watcher sees it: who it is (its key), its title and its own text.

Identity. A post is known by its permalink first: Discourse gives one post different guids in
`/posts.rss` (`post-<id>`) and in a topic's `.rss` (`<host>-post-<topic>-<number>`), but the
same `<link>` (`Discourse.base_url + post.url` in both templates, app/views/posts/latest.rss.erb
and app/views/topics/show.rss.erb), so a post in two configured feeds counts once, and entries
sharing a guid but not a link are different posts. Without a link the guid names it (within
the feed's site: `post-123` is only unique there), then title and date; a hash of the text
comes last, since an edited text would otherwise be a new post. The key is a hash of the whole
identity, however long (cutting ids to 500 characters merged entries sharing a prefix).

Title. feedparser returns an Atom title of type html or xhtml as markup (phpBB sends
`<title type="html"><![CDATA[Fish &amp; chips]]></title>`, styles/all/template/feed.xml.twig;
feedparser's tests/wellformed/atom10/entry_title_escaped_markup.xml) and flags an RSS title
that looks like HTML the same way: such titles are reduced to their text.

Own text. A quote of another post is not a citation by this one. Quotes are removed as the
forums render them: Discourse's `<aside class="quote">` (cooked HTML), phpBB's
`<blockquote><div><cite>NAME wrote:</cite>` and `<blockquote class="uncited">`
(styles/prosilver/template/bbcode.html), XenForo 2's `<blockquote class="bbCodeBlock
bbCodeBlock--quote">` and XenForo 1's `bbCodeQuote` (their bb_code_tag_quote templates). A bare
`<blockquote>`
stays: a Discourse topic feed wraps every whole post in one, after "@name wrote:".
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Tag

MAX_TEXT_CHARS = 50_000
MAX_TITLE_CHARS = 300
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "html", "xhtml"})
# Class names that mark an element as a quote of another post (see the module docstring).
_QUOTE_CLASSES = frozenset({"quote", "uncited", "bbCodeBlock--quote", "bbCodeQuote"})
# Ids as the first release kept them (`feed#id`, cut to 500 characters): still honoured so
# an upgrade logs nothing twice, but only where the cut did not merge entries.
LEGACY_ID_CHARS = 500


def entry_key(feed_url: str, entry: Any) -> str:
    """The entry's seen mark and message id: a hash of its whole identity."""
    identity = entry_identity(feed_url, entry)
    return "entry:" + hashlib.sha256(identity.encode("utf-8", "replace")).hexdigest()


def entry_identity(feed_url: str, entry: Any) -> str:
    """Permalink; else site and guid; else site, title and date; else site and text hash."""
    link = _field(entry, "link")
    if link:
        return f"link {link}"
    site = urlsplit(feed_url).netloc or feed_url
    guid = _field(entry, "id")
    if guid:
        return f"guid {site} {guid}"
    title, date = _field(entry, "title"), _field(entry, "published") or _field(entry, "updated")
    if title and date:
        return f"title {site} {date} {title}"
    text = f"{entry.get('title', '')}\n{entry.get('summary', '')}"
    return f"text {site} {hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()}"


def legacy_key(feed_url: str, entry: Any) -> str | None:
    """The key the first release gave this entry, when that key named it alone."""
    for name in ("id", "link"):
        if entry.get(name):
            value = str(entry[name])
            return f"{feed_url}#{value}" if len(value) <= LEGACY_ID_CHARS else None
    text = f"{entry.get('title', '')}\n{entry.get('summary', '')}"
    return f"{feed_url}#{hashlib.sha256(text.encode('utf-8', 'replace')).hexdigest()}"


def entry_title(entry: Any) -> str:
    """The title as text: markup of an html/xhtml title reduced to its words."""
    title = _field(entry, "title")
    detail = entry.get("title_detail") or {}
    if title and str(detail.get("type", "")).lower() in _HTML_TYPES:
        title = " ".join(BeautifulSoup(title[:MAX_TEXT_CHARS], "html.parser").get_text(" ").split())
    return title[:MAX_TITLE_CHARS]


def entry_text(entry: Any) -> str:
    """Title, summary and content in the author's own words, each link's target kept."""
    parts = [entry_title(entry)]
    bodies = [entry.get("summary") or ""] + [c.get("value", "") for c in entry.get("content", [])]
    for body in bodies:
        parts.append(own_html_text(str(body)[:MAX_TEXT_CHARS]))
    return "\n".join(parts)[:MAX_TEXT_CHARS]


def own_html_text(html: str) -> str:
    """The text of `html` without quotes of other posts, with each link's target beside it."""
    soup = BeautifulSoup(html, "html.parser")
    for quote in [tag for tag in soup.find_all(True) if _is_quote(tag)]:
        quote.decompose()
    for anchor in soup.find_all("a", href=True):
        anchor.append(f" {anchor['href']} ")
    return soup.get_text(" ")


def _is_quote(tag: Tag) -> bool:
    if tag.decomposed:
        return False  # inside a quote removed already
    if _QUOTE_CLASSES.intersection(tag.get_attribute_list("class")):
        return True
    if tag.name != "blockquote":
        return False
    # phpBB's cited quote: a <cite> of this blockquote's own, not of a quote nested in it.
    return any(cite.find_parent("blockquote") is tag for cite in tag.find_all("cite"))


def _field(entry: Any, name: str) -> str:
    return str(entry.get(name) or "").strip()
