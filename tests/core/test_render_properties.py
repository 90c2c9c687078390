"""Property tests: any atlas text renders without error, within limits, and never pings."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.cards import Card, Reply
from bot.core.render_bbcode import POST_LIMIT as BBCODE_LIMIT
from bot.core.render_bbcode import Quote, render_bbcode
from bot.core.render_markdown import COMMENT_LIMIT, render_markdown
from bot.core.render_text import render_text
from bot.discord_bot.render import (
    CONTENT_LIMIT,
    EMBED_COUNT_LIMIT,
    TOTAL_LIMIT,
    embed_length,
    render_discord,
)
from tests.core.test_sanitize import LIVE_MENTION

# Text biased toward what breaks renderers: Markdown, mentions, links, odd whitespace.
HOSTILE_PIECES = st.sampled_from(
    ["@everyone", "@here", "<@123>", "<@&9>", "<#7>", "u/x", "[a](https://e.x)", "**", "__",
     "`", "||", "\n# h\n", "> q", "\\", "https://e.x/p", "www.e.x", "\u202e", "\x00", " ", "…"]
)  # fmt: skip
TEXT = st.lists(st.one_of(HOSTILE_PIECES, st.text(max_size=40)), max_size=60).map("".join)
CARD = st.builds(
    Card,
    entry_id=st.from_regex(r"[a-z]{1,10}-20[0-2][0-9]-[a-z]{1,10}", fullmatch=True),
    title=TEXT.filter(bool),
    url=st.just("https://www.mecfsatlas.com/evidence/x-2020-y"),
    authors=st.none() | TEXT,
    journal=st.none() | TEXT,
    year=st.none() | st.integers(1900, 2100),
    summary=st.none() | TEXT,
    does_not_prove=st.none() | TEXT,
    pem=st.sampled_from([None, "required", "not_required", "unclear"]),
    evidence_level=st.sampled_from([None, "E0", "E1", "E2", "E3", "E4"]),
    study_type=st.none() | TEXT,
    retracted=st.booleans(),
    notice=st.none() | TEXT,
)
REPLY = st.builds(
    lambda cards, cap, notice: (
        Reply.from_cards(cards, max_cards=cap)
        if cards
        else Reply(cards=(), notice=notice or "nothing")
    ),
    st.lists(CARD, max_size=15),
    st.integers(1, 10),
    st.none() | TEXT,
)
FAST = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(REPLY)
def test_discord_rendering_always_fits_and_never_pings(reply: Reply) -> None:
    message = render_discord(reply)
    assert len(message.content) <= CONTENT_LIMIT
    assert len(message.embeds) <= EMBED_COUNT_LIMIT
    assert sum(embed_length(e) for e in message.embeds) <= TOTAL_LIMIT
    texts = [message.content] + [str(e) for e in message.embeds]
    assert not any(LIVE_MENTION.search(t.replace("\\", "")) for t in texts)


@FAST
@given(REPLY)
def test_markdown_rendering_always_fits_and_never_pings(reply: Reply) -> None:
    text = render_markdown(reply)
    assert len(text) <= COMMENT_LIMIT
    assert not LIVE_MENTION.search(text.replace("\\", ""))


@FAST
@given(REPLY)
def test_text_rendering_never_pings(reply: Reply) -> None:
    assert not LIVE_MENTION.search(render_text(reply))


QUOTE = st.builds(
    Quote,
    author=TEXT,
    post_id=st.text(max_size=12),
    member_id=st.text(max_size=12),
    text=TEXT,
)
OWN_BBCODE_TAGS = {"QUOTE", "B", "I", "URL", "LIST", "*", "SIZE"}
BBCODE_TAG = re.compile(r"\[/?([A-Za-z*]+)")


@FAST
@given(REPLY, st.none() | QUOTE)
def test_bbcode_rendering_fits_opens_only_our_tags_and_mentions_nobody(
    reply: Reply, quote: Quote | None
) -> None:
    text = render_bbcode(reply, quote=quote)
    assert len(text) <= BBCODE_LIMIT
    assert {tag.upper() for tag in BBCODE_TAG.findall(text)} <= OWN_BBCODE_TAGS
    assert text.count("[QUOTE") == text.count("[/QUOTE]") == (1 if quote else 0)
    assert not re.search(r"@\w", text)
