"""Entry titles as text, for the title shapes of feedparser's corpus of real-world feeds.

Each case is shaped like a file of feedparser's tests/wellformed/ (named beside it): the
type an Atom title declares decides whether its brackets are markup or words.
"""

from __future__ import annotations

import feedparser
import pytest

from bot.feeds.entries import entry_title

ATOM = '<feed xmlns="http://www.w3.org/2005/Atom"><entry>{}</entry></feed>'
RSS = '<rss version="2.0"><channel><item>{}</item></channel></rss>'
XHTML = '<div xmlns="http://www.w3.org/1999/xhtml">{}</div>'

TITLES = [
    # atom10/entry_title_text_plain_brackets.xml: text, so the brackets are words.
    (ATOM.format('<title type="text">History of the &lt;blink&gt; tag</title>'),
     "History of the <blink> tag"),
    # atom10/entry_title_escaped_markup.xml
    (ATOM.format('<title type="html">Example &lt;b&gt;Atom&lt;/b&gt;</title>'), "Example Atom"),
    # atom10/entry_title_inline_markup.xml
    (ATOM.format(f'<title type="xhtml">{XHTML.format("Example <b>Atom</b>")}</title>'),
     "Example Atom"),
    # atom10/entry_title_inline_markup_2.xml: escaped brackets inside xhtml are words.
    (ATOM.format(f'<title type="xhtml">{XHTML.format("History of the &lt;blink&gt; tag")}</title>'),
     "History of the <blink> tag"),
    # phpBB: an html title in CDATA, its subject stored HTML-escaped (feed.xml.twig).
    (ATOM.format('<title type="html"><![CDATA[Fish &amp; chips]]></title>'), "Fish & chips"),
    # rss/item_title.xml, and the double-escaped ampersand many RSS writers send.
    (RSS.format("<title>Fish &amp; chips</title>"), "Fish & chips"),
    (RSS.format("<title>Fish &amp;amp; chips</title>"), "Fish & chips"),
]  # fmt: skip


@pytest.mark.parametrize(("feed", "text"), TITLES)
def test_a_title_is_stored_as_the_words_a_reader_sees(feed: str, text: str) -> None:
    (entry,) = feedparser.parse(feed.encode()).entries
    assert entry_title(entry) == text
