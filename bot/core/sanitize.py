"""Neutralise atlas and user text before it goes into any reply.

Every string that did not come from our own templates passes through here, so a summary or a
query can never ping anyone, inject a link or Markdown, or break a platform's layout:

- control and bidirectional-override characters are dropped and whitespace is collapsed, so
  text cannot open a new Markdown block (headings, quotes, tables) on a line of its own;
- Discord mass mentions (`@everyone`, `@here`) and user, role, channel and command mentions
  (`<@id>`, `<@!id>`, `<@&id>`, `<#id>`, `</name:id>`) get a zero-width space that stops the
  ping (https://discord.com/developers/docs/reference#message-formatting), and so do Reddit
  user mentions (`u/name`, which notify the user);
- bare URLs are defanged (`https://` becomes `https:\u200b//`, `www.` becomes `www\u200b.`) so
  atlas text cannot smuggle a clickable link past the card's own links; so are Discord
  invites written without a scheme (`discord.gg/…`, `discord.com/invite/…`), which Discord
  turns into a join button (https://support.discord.com/hc/en-us/articles/208866998);
- Markdown punctuation is backslash-escaped; both Discord and Reddit accept a backslash before
  any ASCII punctuation (https://spec.commonmark.org/0.31.2/#backslash-escapes);
- truncation cuts at a word boundary and always ends with an ellipsis.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import quote

ZWSP = "\u200b"
ELLIPSIS = "…"

# Bidi overrides/isolates and invisible separators that can disguise text; ZWJ/ZWNJ stay
# because emoji and several scripts need them.
_INVISIBLE = dict.fromkeys(
    [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200B, 0x2060, 0xFEFF, 0x00AD], None
)
_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc
# Escaping at most doubles a cleaned text's length, so this much of it always fills a limit.
_RAW_FACTOR = 4
_RAW_SLACK = 64

_MASS_MENTION = re.compile(r"@(?=(?:everyone|here)\b)", re.IGNORECASE)
_DISCORD_MENTION = re.compile(
    r"""<
        (?=
            @[!&]?\d+>        # user, nickname or role mention
          | \#\d+>            # channel mention
          | /[^\s<>:]+:\d+>   # slash-command mention
        )""",
    re.VERBOSE,
)
# https://support.reddithelp.com/hc/en-us/articles/205183745 (u/name notifies the user)
_REDDIT_USER = re.compile(r"(?<![\w/])(/?u)/(?=[\w-])", re.IGNORECASE)
_URL_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]{1,15}):(?=//)", re.IGNORECASE)
_WWW = re.compile(r"\b(www)\.(?=\w)", re.IGNORECASE)
# `discord.gg/code`, `discord.com/invite/code`, `discordapp.com/invite/code`, bare or not.
_DISCORD_INVITE = re.compile(
    r"\b(discord)\.(?=gg\b)|\b(discord(?:app)?)\.(?=com\s*/\s*invite\b)", re.IGNORECASE
)

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_~|\[\]()<>#^])")
# A leading list marker or heading would change the block type where the text starts a line.
_LEADING_MARKER = re.compile(r"^(\s*)([-+=])")
_LEADING_NUMBER = re.compile(r"^(\s*\d+)\.")


def clean_text(text: str) -> str:
    """Drop control and invisible characters and collapse all whitespace to single spaces."""
    text = _CONTROL.sub(" ", text.translate(_INVISIBLE).replace("\x00", ""))
    return _WHITESPACE.sub(" ", text).strip()


def defuse_mentions(text: str) -> str:
    """Make every Discord and Reddit mention inert while keeping it readable."""
    text = _MASS_MENTION.sub("@" + ZWSP, text)
    text = _DISCORD_MENTION.sub("<" + ZWSP, text)
    return _REDDIT_USER.sub(lambda m: f"{m.group(1)}{ZWSP}/", text)


def defang_links(text: str) -> str:
    """Stop bare URLs from turning into links (the visible text stays the same)."""
    text = _URL_SCHEME.sub(lambda m: f"{m.group(1)}:{ZWSP}", text)
    text = _DISCORD_INVITE.sub(lambda m: f"{m.group(1) or m.group(2)}{ZWSP}.", text)
    return _WWW.sub(lambda m: f"{m.group(1)}{ZWSP}.", text)


def escape_markdown(text: str) -> str:
    """Backslash-escape every character Discord or Reddit Markdown treats as syntax."""
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", text)
    escaped = _LEADING_MARKER.sub(r"\1\\\2", escaped)
    return _LEADING_NUMBER.sub(r"\1\\.", escaped)


def truncate(text: str, limit: int, ellipsis: str = ELLIPSIS) -> str:
    """`text` if it fits in `limit` characters, else cut at a word boundary plus `ellipsis`.

    A single word longer than the limit is cut inside the word, still with the ellipsis. A
    cut never leaves a dangling escape backslash.
    """
    if limit <= 0:
        return ""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return ellipsis[:limit]
    room = limit - len(ellipsis)
    head = text[: room + 1]
    boundary = head.rfind(" ")
    cut = head[:boundary] if boundary > room // 2 else text[:room]
    cut = cut.rstrip(" ,;:-–—")
    cut = _drop_dangling_backslash(cut)
    return cut + ellipsis


def _drop_dangling_backslash(text: str) -> str:
    trailing = len(text) - len(text.rstrip("\\"))
    return text[:-1] if trailing % 2 else text


def plain(text: str | None, limit: int | None = None) -> str:
    """Safe plain text (console, logs, Discord embed footers): cleaned, mention-free, defanged.

    Terminals and log viewers make bare URLs clickable too, so atlas text links nowhere.
    """
    return _bounded(clean_text(text or ""), limit, lambda t: defang_links(defuse_mentions(t)))


# `](` is where a masked link `[text](target)` joins its parts; a run of backticks opens code.
_MASKED_LINK_JOIN = re.compile(r"\]([ \t]*)\(")
_BACKTICK_RUN = re.compile(r"`(?=`)")


def embed_title(text: str | None, limit: int | None = None) -> str:
    """Safe Discord embed title: plain text whose `[text](target)` can never become a link.

    Titles show backslash escapes as written (`\\(R\\)`), so Markdown escaping is no way
    to keep a link or a code span inert there; a zero-width space between `]` and `(`, and
    between backticks, is invisible and is.
    """

    def neutralise(t: str) -> str:
        t = _MASKED_LINK_JOIN.sub("]" + ZWSP + r"\1(", defang_links(defuse_mentions(t)))
        return _BACKTICK_RUN.sub("`" + ZWSP, t)

    return _bounded(clean_text(text or ""), limit, neutralise)


def markdown(text: str | None, limit: int | None = None) -> str:
    """Safe Markdown text for Discord or Reddit: cleaned, mention-free, defanged, escaped."""
    return _bounded(
        clean_text(text or ""), limit, lambda t: escape_markdown(defang_links(defuse_mentions(t)))
    )


# XenForo turns `@name` into a mention that alerts the member (its "user mentions" option).
_AT_NAME = re.compile(r"@(?=\w)")
_OPEN_BRACKET = re.compile(r"\[")


def bbcode(text: str | None, limit: int | None = None) -> str:
    """Safe BBCode text for forums: cleaned, mention-free, defanged, no tag can open.

    Every `[` is followed by a zero-width space, so `[b]`, `[url=...]` or `[/quote]` in
    atlas or member text shows as written instead of becoming markup.
    """

    def neutralise(t: str) -> str:
        t = _AT_NAME.sub("@" + ZWSP, defang_links(defuse_mentions(t)))
        return _OPEN_BRACKET.sub("[" + ZWSP, t)

    return _bounded(clean_text(text or ""), limit, neutralise)


def _bounded(text: str, limit: int | None, neutralise: Callable[[str], str]) -> str:
    """Neutralise only as much cleaned text as can reach the limit, then truncate.

    Work stays proportional to the limit, not to the input (a 100,000-character message
    costs no more than a short one). When the raw text was cut first, its last, possibly
    partial, word is dropped and the ellipsis added even if the rest happens to fit.
    """
    if limit is None:
        return neutralise(text)
    bound = limit * _RAW_FACTOR + _RAW_SLACK
    if len(text) <= bound:
        return truncate(neutralise(text), limit)
    result = neutralise(text[:bound])
    head, space, _ = result.rpartition(" ")
    result = head if space else result
    return truncate(_drop_dangling_backslash(result.rstrip()) + ELLIPSIS, limit)


def link_target(url: str) -> str:
    """A URL safe inside Markdown's `(...)`: parentheses, spaces and angle brackets encoded."""
    return quote(clean_text(url), safe=":/?#@!$&'*+,;=%-._~")
