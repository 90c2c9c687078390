"""Render a seed text rendering into HTML shaped the ways unknown sites shape pages.

Each renderer takes the seed's lines (and, for the structured shapes, the entry they show)
and returns one HTML document. The shapes differ in where the study's facts live: only in
visible text inside framework `div`s, only in meta tags, in JSON-LD, in a data blob the
browser renders from, or in text split across many inline elements.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable

from records.atlas_page.text_reader import WINDOW_TITLE
from records.models import AtlasEntry

Badges = list[str]
Shape = Callable[[list[str], AtlasEntry, Badges], str]

CHROME_HEAD = (
    '<meta name="viewport" content="width=device-width"><style>.x{color:red}</style>'
    '<script>window.__cfg={"title":"Quick Summary","summary":"not the study"}</script>'
)
CHROME_TOP = (
    '<div role="navigation" class="flex gap-4"><a href="/">ME/CFS Atlas</a>'
    '<a href="/evidence">Evidence</a><a href="/about">How the atlas works</a></div>'
)
CHROME_FOOT = (
    '<footer class="mt-8 text-xs">© ME/CFS Atlas · <a href="/privacy">Privacy</a></footer>'
)


def _page(title: str, head: str, body: str) -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
        f"</title>{CHROME_HEAD}{head}</head><body>{body}</body></html>"
    )


def _window(lines: list[str], entry: AtlasEntry) -> tuple[str, list[str]]:
    """The tab title and the lines without it."""
    if lines and WINDOW_TITLE.match(lines[0]):
        return lines[0], lines[1:]
    return f"{entry.title} — CFSMEATLAS", lines


def _badge_spans(badges: Badges, css: str) -> str:
    return "".join(f'<span class="{css}">{html.escape(b)}</span>' for b in badges)


def react_divs(lines: list[str], entry: AtlasEntry, badges: Badges) -> str:
    """Next.js-style: nested divs with utility classes, no semantic tags, no structured data."""
    title, lines = _window(lines, entry)
    rows = "".join(
        f'<div class="flex flex-col"><div class="text-sm leading-6 text-slate-700 md:text-base">'
        f"{html.escape(line)}</div></div>"
        for line in lines
    )
    chips = _badge_spans(badges, "inline-flex rounded-full bg-amber-100 px-2 py-0.5 text-xs")
    body = (
        f'<div id="__next"><div class="min-h-screen">{CHROME_TOP}'
        f'<div class="mx-auto max-w-3xl px-4"><div class="flex flex-wrap gap-2">{chips}</div>'
        f'<div class="space-y-3">{rows}</div></div>{CHROME_FOOT}</div></div>'
    )
    return _page(title, "", body)


def inline_split(lines: list[str], entry: AtlasEntry, badges: Badges) -> str:
    """Every line in a block whose words sit in separate inline elements."""
    title, lines = _window(lines, entry)
    wrappers = ("span", "b", "em", "a", "strong", "i")
    blocks = []
    for line in lines:
        words = line.split(" ")
        pieces = []
        for index, word in enumerate(words):
            tag = wrappers[index % len(wrappers)]
            attributes = ' href="#"' if tag == "a" else ' class="w"'
            space = " " if index < len(words) - 1 else ""
            # The space sits outside the element half the time, inside it otherwise.
            inner, outer = (space, "") if index % 2 else ("", space)
            pieces.append(f"<{tag}{attributes}>{html.escape(word)}{inner}</{tag}>{outer}")
        blocks.append(f"<div><span>{''.join(pieces)}</span></div>")
    chips = _badge_spans(badges, "chip-x")
    body = f"{CHROME_TOP}<div><div>{chips}</div>{''.join(blocks)}</div>{CHROME_FOOT}"
    return _page(title, "", body)


def _body_without_bibliography(lines: list[str], entry: AtlasEntry) -> list[str]:
    """The seed's lines minus what structured data carries: title, byline, citation, BibTeX."""
    kept, in_bibtex, skip_next = [], False, False
    for line in lines:
        if skip_next:
            skip_next = False
            continue
        if line.startswith("@"):
            in_bibtex = True
        if in_bibtex:
            in_bibtex = not line.startswith("}")
            continue
        if line == "Primary citation":
            skip_next = True
            continue
        if line == entry.title or WINDOW_TITLE.match(line) or " · " in line:
            continue
        kept.append(line)
    return kept


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in lines)


def meta_tags_only(lines: list[str], entry: AtlasEntry, badges: Badges) -> str:
    """Bibliographic facts only in citation_* and Open Graph meta tags; the body shows prose."""
    metas: list[tuple[str, str | None]] = [
        ("citation_title", entry.title),
        ("og:title", f"{entry.title} — CFSMEATLAS"),
    ]
    metas += [("citation_author", author) for author in entry.authors]
    metas += [
        ("citation_journal_title", entry.journal),
        ("citation_publication_date", f"{entry.year}/01/01" if entry.year else None),
        ("citation_doi", entry.doi),
        ("citation_pmid", entry.pmid),
        ("og:url", entry.url),
        ("og:description", "A shortened summary that must not replace the page's own…"),
    ]
    head = "".join(
        f'<meta {"property" if name.startswith("og:") else "name"}="{name}" '
        f'content="{html.escape(str(value))}">'
        for name, value in metas
        if value
    )
    body = f"{CHROME_TOP}<main>{_badge_spans(badges, 'badge')}"
    body += _paragraphs(_body_without_bibliography(lines, entry)) + f"</main>{CHROME_FOOT}"
    return _page("CFSMEATLAS", head, body)


def json_ld(lines: list[str], entry: AtlasEntry, badges: Badges) -> str:
    """A schema.org ScholarlyArticle inside a WebPage graph; the body shows prose."""
    article: dict[str, object] = {
        "@type": "ScholarlyArticle",
        "headline": entry.title,
        "author": [
            {"@type": "Person", "familyName": a.split(", ")[0], "givenName": a.split(", ")[1]}
            for a in entry.authors
        ],
        "datePublished": str(entry.year),
        "isPartOf": {"@type": "Periodical", "name": entry.journal},
        "url": entry.url,
        "identifier": [
            {"@type": "PropertyValue", "propertyID": kind, "value": value}
            for kind, value in (("doi", entry.doi), ("pmid", entry.pmid))
            if value
        ],
    }
    graph = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "ME/CFS Atlas", "url": "https://www.mecfsatlas.com/"},
            {"@type": "WebPage", "name": "Evidence", "mainEntity": article},
        ],
    }
    head = f'<script type="application/ld+json">{json.dumps(graph)}</script>'
    body = f"{CHROME_TOP}<article>{_badge_spans(badges, 'tag')}"
    body += _paragraphs(_body_without_bibliography(lines, entry)) + f"</article>{CHROME_FOOT}"
    return _page(f"{entry.title} — CFSMEATLAS", head, body)


def data_blob(lines: list[str], entry: AtlasEntry, badges: Badges) -> str:
    """A client-rendered page: an empty root and the study in `__NEXT_DATA__`."""
    study = {
        "slug": entry.id,
        "title": entry.title,
        "authors": [{"name": author} for author in entry.authors],
        "journal": {"name": entry.journal},
        "year": entry.year,
        "doi": entry.doi,
        "pmid": entry.pmid,
        "quickSummary": entry.summary,
        "whyItMatters": entry.why_it_matters,
        "observedFindings": [{"text": item} for item in entry.findings],
        "inferredConclusions": entry.conclusions,
        "remainingQuestions": entry.open_questions,
        "whatThisStudyDoesNotProve": entry.does_not_prove,
        "badges": [{"label": badge} for badge in badges],
        "snapshot": entry.snapshot.model_dump() if entry.snapshot else None,
        "canonicalUrl": entry.url,
        "related": [{"title": "Another study", "slug": "other-2020-study", "year": 2020}],
    }
    blob = {
        "props": {
            "pageProps": {"study": study, "nav": [{"title": "Home", "url": "/"}]},
            "__N_SSG": True,
        },
        "page": "/evidence/[slug]",
        "query": {"slug": entry.id},
    }
    head = f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(blob)}</script>'
    return _page("CFSMEATLAS", head, '<div id="__next"></div>')


SHAPES: dict[str, Shape] = {
    "react-divs": react_divs,
    "meta-tags-only": meta_tags_only,
    "json-ld": json_ld,
    "data-blob": data_blob,
    "inline-split": inline_split,
}
