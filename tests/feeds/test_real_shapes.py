"""The watcher on feeds shaped as Discourse and phpBB write them (issues 23 and 29).

Quotes of another post's citation are not citations; one post in two feeds counts once;
html/xhtml titles are stored and shown as text; entries are told apart by permalink, guid,
title and date, never by a cut-off id.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from bot.core.service import EvidenceService
from bot.feeds.app import digest_if_due
from config.settings import FeedsSettings
from records.streams import Streams
from tests.feeds.conftest import LEE_DOI, LEE_ID, lee_item, rows, watcher
from tests.feeds.fake_feeds import FakeFeeds
from tests.feeds.feed_templates import (
    Item,
    discourse_post,
    discourse_quote,
    phpbb_quote,
    xenforo_quote,
)

CITES_LEE = f'<p>The brain study: <a href="https://doi.org/{LEE_DOI}">doi.org/{LEE_DOI}</a></p>'
OTHER_DOI = "10.5555/quoted.only.7"
CITES_OTHER = f"<p>and doi:{OTHER_DOI}</p>"
MINE = "<p>I am not convinced by this.</p>"

# (feed style, the post's HTML, atlas citations expected, sightings expected)
QUOTE_CASES = [
    ("discourse-posts", discourse_quote("bob", 2, 12, CITES_LEE + CITES_OTHER) + MINE, 0, 0),
    ("discourse-topic", discourse_quote("bob", 2, 12, CITES_LEE + CITES_OTHER) + MINE, 0, 0),
    ("phpbb", phpbb_quote("bob", CITES_LEE + CITES_OTHER) + MINE, 0, 0),
    ("phpbb", phpbb_quote(None, CITES_LEE + CITES_OTHER) + MINE, 0, 0),
    ("rss", xenforo_quote("bob", 12, CITES_LEE + CITES_OTHER) + MINE, 0, 0),
    # A quote inside a quote is still a quote.
    ("phpbb", phpbb_quote("bob", phpbb_quote("carol", CITES_LEE) + MINE) + MINE, 0, 0),
    # The author's own words count beside a quote...
    ("discourse-posts", discourse_quote("bob", 2, 12, CITES_OTHER) + CITES_LEE, 1, 0),
    ("phpbb", phpbb_quote("bob", CITES_OTHER) + CITES_LEE, 1, 0),
    # ...and a Discourse topic feed wraps every whole post in a bare <blockquote>.
    ("discourse-topic", CITES_LEE + CITES_OTHER, 1, 1),
    # A Markdown `>` quote cooks to a bare blockquote: the author's own choice of words.
    ("discourse-posts", f"<blockquote>{CITES_LEE}</blockquote>", 1, 0),
]


@pytest.mark.parametrize("case", QUOTE_CASES)
def test_only_the_authors_own_words_cite(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, case: tuple[str, str, int, int]
) -> None:
    style, html, citations, sightings = case
    if style in {"phpbb", "rss"}:
        item = lee_item(1, html=html, link="http://forum.test/viewtopic.php?p=31#p31")
    else:
        item = discourse_post(31, 12, 3, html)
    url = fake.add("/feed", item, style=style)
    report = watcher(http, service, [url]).read_all()
    assert report.entries == 1
    assert rows(service.db, "SELECT count(*) FROM cited_studies") == [(citations,)]
    assert rows(service.db, "SELECT count(*) FROM sightings") == [(sightings,)]


def test_one_post_in_the_latest_posts_and_its_topic_feed_counts_once(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client
) -> None:
    post = discourse_post(31, 12, 3, CITES_LEE + CITES_OTHER)
    latest = fake.add("/posts.rss", post, style="discourse-posts")
    topic = fake.add("/t/brain-fog-study/12.rss", post, style="discourse-topic")
    report = watcher(http, service, [latest, topic]).read_all()
    assert report.entries == 1
    assert rows(service.db, "SELECT entry_id, permalink FROM cited_studies") == [
        (LEE_ID, "http://forum.test/t/brain-fog-study/12/3")
    ]
    assert rows(service.db, "SELECT mention_count FROM unmatched_papers") == [(1,)]


# (feed style, title as the feed writes it, the title as text)
TITLES = [
    ("phpbb", "Fish & chips <3 and CFS", "Fish & chips <3 and CFS"),
    ("atom-html", "Study on <b>PEM</b> &amp; exercise", "Study on PEM & exercise"),
    ("atom-xhtml", "Study on <b>PEM</b> &amp; exercise", "Study on PEM & exercise"),
]


@pytest.mark.parametrize("case", TITLES)
def test_html_titles_are_stored_and_shown_as_text(
    fake: FakeFeeds,
    service: EvidenceService,
    http: httpx.Client,
    tmp_path: Path,
    case: tuple[str, str, str],
) -> None:
    style, title, text = case
    item = lee_item(1, title=title)
    if style.startswith("atom-"):
        style, item.title_type = "atom", style.removeprefix("atom-")
    url = fake.add("/feed", item, style=style)
    watcher(http, service, [url]).read_all()
    assert rows(service.db, "SELECT title FROM cited_studies") == [(text,)]
    assert digest_if_due(service, FeedsSettings(urls=[url], digest_dir=tmp_path), http)
    (markdown,) = tmp_path.glob("*.md")
    (page,) = tmp_path.glob("*.html")
    for shown in (markdown.read_text(), page.read_text()):
        assert "&amp;amp;" not in shown
        assert "<b>" not in shown
        assert "&lt;b&gt;" not in shown
    assert f">{text.replace('&', '&amp;').replace('<', '&lt;')}</a>" in page.read_text()


def _keyed(guid: str, link: str, title: str = "Thread", date: str = "", note: str = "") -> Item:
    return lee_item(1, guid=guid, link=link, title=title, date=date,
                    html=f"<p>doi:{LEE_DOI} {note}</p>")  # fmt: skip


LONG = "https://forum.test/" + "a" * 600
DATE = "Fri, 01 May 2026 12:00:00 +0000"
# (entries in the feed, how many posts they are)
IDENTITIES = [
    ([_keyed("g1", "http://forum.test/p/1"), _keyed("g1", "http://forum.test/p/2")], 2),
    ([_keyed(f"{LONG}/1", ""), _keyed(f"{LONG}/2", "")], 2),
    ([_keyed("", f"{LONG}/1"), _keyed("", f"{LONG}/2")], 2),
    ([_keyed("", "", "Thread one", DATE), _keyed("", "", "Thread two", DATE)], 2),
    # No guid, no link: the same title and date is one post, even with its text edited.
    ([_keyed("", "", "Thread one", DATE), _keyed("", "", "Thread one", DATE, "(edited)")], 1),
]


@pytest.mark.parametrize(("items", "posts"), IDENTITIES)
def test_entries_are_told_apart_by_link_guid_then_title_and_date(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client, items: list[Item], posts: int
) -> None:
    url = fake.add("/feed", *items)
    assert watcher(http, service, [url]).read_all().entries == posts


def test_an_entry_logged_by_the_first_release_is_not_logged_again(
    fake: FakeFeeds, service: EvidenceService, http: httpx.Client
) -> None:
    guid = "http://forum.test/posts/1/"
    url = fake.add("/feed", lee_item(1, guid=guid), lee_item(2))
    # The first release marked entries seen as `<feed>#<guid>`.
    Streams(service.db, "feeds").mark_seen([f"{url}#{guid}"])
    report = watcher(http, service, [url]).read_all()
    assert report.entries == 1
    assert rows(service.db, "SELECT title FROM cited_studies") == [("Thread 2",)]
