"""The moderator digest: studies cited in the feeds in a period, their cards, and the posts.

Written as Markdown and HTML files (`digest-<end>.md`, `.html`) and, when a Discord webhook
is configured, summarised in a message to that moderator channel. Atlas text and post
titles are escaped for each format, so neither can add links or markup of its own.
"""

from __future__ import annotations

import html
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx

from bot.core import sanitize
from bot.core.cards import Card, Reply
from bot.core.render_markdown import render_markdown
from bot.core.service import EvidenceService
from bot.feeds.watcher import PLATFORM
from bot.files import write_private_text
from records.citations import Citation, citations_since
from records.wording import counted

log = logging.getLogger(__name__)

DISCORD_LIMIT = 2000
POSTS_SHOWN = 20


@dataclass(frozen=True)
class StudyCited:
    """One study of the digest: its card and the posts that cited it."""

    card: Card
    posts: list[Citation]


def gather(service: EvidenceService, since: datetime) -> list[StudyCited]:
    """Studies cited since `since`, most cited first."""
    by_study: dict[str, list[Citation]] = defaultdict(list)
    for citation in citations_since(service.db, PLATFORM, since):
        by_study[citation.entry_id].append(citation)
    studies = []
    for entry_id, posts in sorted(by_study.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        entry = service.index.get(entry_id)
        if entry is not None:
            studies.append(StudyCited(service.card(entry), posts))
    return studies


def write_digest(
    studies: list[StudyCited], since: datetime, until: datetime, folder: Path
) -> tuple[Path, Path]:
    """Write the Markdown and HTML files, owner-only like exports (they name members' posts).

    A new folder is owner-only too; each file appears whole or not at all.
    """
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stem = folder / f"digest-{until.strftime('%Y%m%dT%H%M%SZ')}"
    markdown, page = stem.with_suffix(".md"), stem.with_suffix(".html")
    write_private_text(markdown, as_markdown(studies, since, until))
    write_private_text(page, as_html(studies, since, until))
    return markdown, page


def _period(since: datetime, until: datetime) -> str:
    return f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} UTC"


def as_markdown(studies: list[StudyCited], since: datetime, until: datetime) -> str:
    lines = [f"# Studies cited in the watched forums, {_period(since, until)}", ""]
    if not studies:
        lines.append("No atlas study was cited in this period.")
    for study in studies:
        lines.append(render_markdown(Reply(cards=(study.card,), footer=False)))
        lines.append("")
        lines.append(f"Cited in {counted(len(study.posts), 'post')}:")
        lines.append("")
        for post in study.posts[:POSTS_SHOWN]:
            title = sanitize.markdown(post.title or post.place, 200)
            link = post.permalink
            target = sanitize.link_target(link) if link is not None and _web(link) else None
            lines.append(f"* [{title}]({target})" if target else f"* {title}")
        lines.extend(["", "---", ""])
    return "\n".join(lines) + "\n"


def as_html(studies: list[StudyCited], since: datetime, until: datetime) -> str:
    title = f"Studies cited in the watched forums, {_period(since, until)}"
    body = [f"<h1>{html.escape(title)}</h1>"]
    if not studies:
        body.append("<p>No atlas study was cited in this period.</p>")
    for study in studies:
        card = study.card
        body.append(f'<section><h2><a href="{_href(card.url)}">{_text(card.title)}</a></h2>')
        body.extend(f"<p><strong>{_text(w)}</strong></p>" for w in card.warnings)
        if card.byline:
            body.append(f"<p><em>{_text(card.byline)}</em></p>")
        if card.summary:
            body.append(f"<p>{_text(card.summary)}</p>")
        if card.does_not_prove:
            body.append(f"<p><strong>What this study does not prove:</strong> "
                        f"{_text(card.does_not_prove)}</p>")  # fmt: skip
        if card.badges:
            body.append(f"<p>{' · '.join(_text(b) for b in card.badges)}</p>")
        items = [
            f'<li><a href="{_href(p.permalink)}">{_text(p.title or p.place)}</a></li>'
            if p.permalink
            else f"<li>{_text(p.title or p.place)}</li>"
            for p in study.posts[:POSTS_SHOWN]
        ]
        body.append(
            f"<p>Cited in {counted(len(study.posts), 'post')}:</p><ul>{''.join(items)}</ul>"
        )
        body.append("</section>")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>\n"
        + "\n".join(body)
        + "\n</body></html>\n"
    )


def _text(value: str) -> str:
    return html.escape(sanitize.clean_text(value))


def _web(url: str | None) -> bool:
    """Whether `url` is an http(s) link (a feed may carry javascript: or data: ones)."""
    return bool(url) and str(url).lower().startswith(("http://", "https://"))


def _href(url: str | None) -> str:
    """The link for an href attribute; anything but http(s) becomes `#`."""
    if url is None or not _web(url):
        return "#"
    return html.escape(sanitize.link_target(url), quote=True)


def post_to_discord(http: httpx.Client, webhook_url: str, studies: list[StudyCited],
                    since: datetime, until: datetime) -> bool:  # fmt: skip
    """A short summary to a Discord channel's webhook, pinging nobody; False on failure."""
    lines = [f"**Studies cited in the watched forums, {_period(since, until)}**"]
    for study in studies:
        title = sanitize.markdown(study.card.title, 120)
        lines.append(f"• [{title}](<{study.card.url}>): {counted(len(study.posts), 'post')}")
    if not studies:
        lines.append("No atlas study was cited in this period.")
    content = sanitize.truncate("\n".join(lines), DISCORD_LIMIT)
    try:
        response = http.post(
            webhook_url, json={"content": content, "allowed_mentions": {"parse": []}}
        )
    except httpx.HTTPError as exc:
        log.warning("digest not posted to Discord: %s", type(exc).__name__)
        return False
    if response.status_code >= 400:
        log.warning("digest not posted to Discord: HTTP %s", response.status_code)
        return False
    return True
