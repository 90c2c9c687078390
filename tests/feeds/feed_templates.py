"""Feed bodies shaped as real forums render them, and post HTML as real forums write it.

- `discourse_posts`: Discourse's `/posts.rss` (app/views/posts/latest.rss.erb): guid
  `post-<id>` (isPermaLink="false"), link `base_url + post.url`, the cooked HTML in CDATA,
  `dc:creator` "@username".
- `discourse_topic`: a topic's `.rss` (app/views/topics/show.rss.erb): guid
  `<host>-post-<topic>-<number>`, the same link as in /posts.rss, and the cooked post wrapped
  whole in `<blockquote>` after "<p>@username wrote:</p>", then "Read full topic".
- `phpbb`: phpBB's Atom feed (styles/all/template/feed.xml.twig): `<id>` and `<link>` both
  the post's link, `<title type="html">` in CDATA (phpBB keeps subjects HTML-escaped),
  `<content type="html">` ending in `<hr />`.
- `rss`, `atom`: plain RSS 2.0 and Atom 1.0 as most software writes them; an Atom title may
  be of type html or xhtml (feedparser's tests/wellformed/atom10/entry_title_*.xml).

Quotes: Discourse cooks `[quote="bob, post:2, topic:12"]` into `<aside class="quote
no-group">` with a title div and a blockquote (its pretty-text tests and recorded `cooked`
answers); phpBB renders `[quote="bob"]` as `<blockquote><div><cite>bob wrote:</cite>` and an
anonymous quote as `<blockquote class="uncited"><div>` (styles/prosilver/template/bbcode.html);
XenForo 2 as `<blockquote class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote">`.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

FORUM = "http://forum.test"
HOST = "forum.test"


@dataclass
class Item:
    guid: str
    title: str
    link: str
    html: str
    author: str = "member"
    title_type: str = "text"  # Atom: text, html (escaped markup) or xhtml (inline markup)
    date: str = ""  # RFC 822 for RSS, RFC 3339 for Atom; empty: none sent
    post_id: int = 0  # Discourse's numbers, from which its templates build the guids
    topic_id: int = 0
    post_number: int = 0


def discourse_post(post_id: int, topic_id: int, post_number: int, cooked: str,
                   *, title: str = "Brain fog study", username: str = "alice") -> Item:  # fmt: skip
    """One Discourse post; its link is `base_url + post.url` in every Discourse feed."""
    link = f"{FORUM}/t/brain-fog-study/{topic_id}/{post_number}"
    return Item("", title, link, cooked, username, post_id=post_id, topic_id=topic_id,
                post_number=post_number)  # fmt: skip


def discourse_quote(username: str, post_number: int, topic_id: int, inner: str) -> str:
    """Cooked HTML of `[quote="username, post:N, topic:T"]` (Discourse's cooked output)."""
    return (
        f'<aside class="quote no-group" data-username="{username}" data-post="{post_number}" '
        f'data-topic="{topic_id}">\n<div class="title">\n<div class="quote-controls"></div>\n'
        f'<img loading="lazy" alt="" width="24" height="24" src="/letter_avatar/{username}/48/1.png"'
        f' class="avatar"> {username}:</div>\n<blockquote>\n{inner}\n</blockquote>\n</aside>\n'
    )


def phpbb_quote(username: str | None, inner: str) -> str:
    """phpBB's rendering of `[quote="username"]` (or of an anonymous `[quote]`)."""
    if username is None:
        return f'<blockquote class="uncited"><div>{inner}</div></blockquote>'
    return f"<blockquote><div><cite>{escape(username)} wrote:</cite>{inner}</div></blockquote>"


def xenforo_quote(username: str, post_id: int, inner: str) -> str:
    """XenForo 2's rendering of `[QUOTE="name, post: N"]` (its bb_code_tag_quote template)."""
    return (
        '<blockquote class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote">'
        f'<div class="bbCodeBlock-title"><a href="{FORUM}/goto/post?id={post_id}" '
        f'class="bbCodeBlock-sourceJump">{escape(username)} said:</a></div>'
        f'<div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent">{inner}</div>'
        '<div class="bbCodeBlock-expandLink"><a>Click to expand...</a></div></div></blockquote>'
    )


def rss(items: list[Item]) -> bytes:
    body = "".join(
        "<item>"
        + (f"<guid>{escape(i.guid)}</guid>" if i.guid else "")
        + f"<title>{escape(i.title)}</title>"
        + (f"<link>{escape(i.link)}</link>" if i.link else "")
        + (f"<pubDate>{i.date}</pubDate>" if i.date else "")
        + f"<dc:creator>{escape(i.author)}</dc:creator>"
        f"<description>{escape(i.html)}</description></item>"
        for i in items
    )
    return _rss_channel(body)


def atom(items: list[Item]) -> bytes:
    entries = "".join(
        "<entry>"
        + (f"<id>{escape(i.guid)}</id>" if i.guid else "")
        + _atom_title(i)
        + (f'<link href="{escape(i.link)}"/>' if i.link else "")
        + f"<author><name>{escape(i.author)}</name></author>"
        f"<updated>{i.date or '2026-05-01T12:00:00Z'}</updated>"
        f'<content type="html">{escape(i.html)}</content></entry>'
        for i in items
    )
    return _atom_feed(entries)


def discourse_posts(items: list[Item]) -> bytes:
    return _rss_channel("".join(
        _discourse_item(i, f" {i.html} ", f"post-{i.post_id}") for i in items
    ))  # fmt: skip


def discourse_topic(items: list[Item]) -> bytes:
    return _rss_channel("".join(
        _discourse_item(
            i,
            f'\n<p><a href="{FORUM}/u/{i.author}">@{i.author}</a> wrote:</p>\n<blockquote>\n'
            f'{i.html}\n</blockquote>\n<p><a href="{escape(i.link)}">Read full topic</a></p>\n',
            f"{HOST}-post-{i.topic_id}-{i.post_number}",
            f'<source url="{FORUM}/t/brain-fog-study/{i.topic_id}.rss">{escape(i.title)}</source>',
        )
        for i in items
    ))  # fmt: skip


def _discourse_item(item: Item, description: str, guid: str, extra: str = "") -> str:
    """An <item> as both Discourse templates write it; they differ in description and guid."""
    return (
        f"<item><title>{escape(item.title)}</title>"
        f"<dc:creator><![CDATA[@{item.author}]]></dc:creator>"
        f"<description><![CDATA[{description}]]></description>"
        f"<link>{escape(item.link)}</link><pubDate>Fri, 01 May 2026 12:00:00 +0000</pubDate>"
        f'<guid isPermaLink="false">{guid}</guid>{extra}</item>'
    )


def phpbb(items: list[Item]) -> bytes:
    entries = "".join(
        f"<entry><author><name><![CDATA[{i.author}]]></name></author>"
        "<updated>2026-05-01T12:00:00+00:00</updated>"
        f'<id>{escape(i.link)}</id><link href="{escape(i.link)}"/>'
        f'<title type="html"><![CDATA[{escape(i.title, quote=False)}]]></title>'
        f'<content type="html" xml:base="{escape(i.link)}"><![CDATA[\n{i.html}<hr />\n]]>'
        "</content></entry>"
        for i in items
    )
    return _atom_feed(entries)


def _atom_title(item: Item) -> str:
    if item.title_type == "xhtml":
        return (
            '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
            f"{item.title}</div></title>"
        )
    return f'<title type="{item.title_type}">{escape(item.title)}</title>'


def _rss_channel(items: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Forum</title>'
        f"<link>{FORUM}/</link>{items}</channel></rss>"
    ).encode()


def _atom_feed(entries: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Forum</title><id>urn:forum</id><updated>2026-05-01T12:00:00Z</updated>"
        f"{entries}</feed>"
    ).encode()


RENDERERS = {
    "rss": rss,
    "atom": atom,
    "discourse-posts": discourse_posts,
    "discourse-topic": discourse_topic,
    "phpbb": phpbb,
}
