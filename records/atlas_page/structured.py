"""Structured data an evidence page may carry besides what it shows.

Read in order of trust, each filling only what the one before left empty: JSON-LD
(`ScholarlyArticle` or any article type, also inside `@graph`, `mainEntity`, `about`), an
embedded framework data blob (Next.js `__NEXT_DATA__`, Nuxt `__NUXT_DATA__`, any
`application/json` script), then `citation_*` (Highwire) meta tags, then Open Graph and the
plain description. What is found is a dict of AtlasEntry field names; `fields.build_entry`
lets it win over what the visible text says.
"""

from __future__ import annotations

import json
import re
from collections import deque
from collections.abc import Iterator
from typing import Any

from bs4 import BeautifulSoup, Tag

from records.identifiers import DOI_PREFIX

# Keys of a data blob (lower case, letters and digits only) and the entry field they fill.
_BLOB_KEYS: dict[str, str] = {
    "title": "title",
    "headline": "title",
    "studytitle": "title",
    "slug": "slug",
    "authors": "authors",
    "author": "authors",
    "authorlist": "authors",
    "journal": "journal",
    "journaltitle": "journal",
    "containertitle": "journal",
    "venue": "journal",
    "year": "year",
    "pubyear": "year",
    "publicationyear": "year",
    "datepublished": "year",
    "publishedyear": "year",
    "doi": "doi",
    "pmid": "pmid",
    "pubmedid": "pmid",
    "pmcid": "pmcid",
    "summary": "summary",
    "quicksummary": "summary",
    "plainsummary": "summary",
    "whyitmatters": "why_it_matters",
    "findings": "findings",
    "observedfindings": "findings",
    "keyfindings": "findings",
    "conclusions": "conclusions",
    "inferredconclusions": "conclusions",
    "openquestions": "open_questions",
    "remainingquestions": "open_questions",
    "doesnotprove": "does_not_prove",
    "whatthisstudydoesnotprove": "does_not_prove",
    "pem": "pem_badge",
    "pembadge": "pem_badge",
    "pemstatus": "pem_badge",
    "evidencelevel": "evidence_badge",
    "evidence": "evidence_badge",
    "studytype": "study_type",
    "reviewstatus": "review_badge",
    "retracted": "retracted",
    "isretracted": "retracted",
    "badges": "badges",
    "tags": "badges",
    "url": "url",
    "canonicalurl": "url",
    "permalink": "url",
    "snapshot": "snapshot",
}
_SNAPSHOT_KEYS = ("generator", "scanner", "policy", "accessed")
_LIST_FIELDS = frozenset({"findings", "conclusions", "open_questions", "authors", "badges"})
_ARTICLE_TYPES = frozenset(
    {"scholarlyarticle", "medicalscholarlyarticle", "article", "report", "creativework"}
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d|21\d\d)\b")
_DOI = re.compile(rf"\b{DOI_PREFIX}/\S+")
_MAX_NODES = 50_000  # a blob is walked at most this far: a hostile page cannot make us spin
_MAX_DEPTH = 40


def read_structured(soup: BeautifulSoup) -> dict[str, Any]:
    """Entry fields from JSON-LD, a data blob and meta tags (earlier sources win)."""
    found: dict[str, Any] = {}
    metas = _meta_index(soup)
    for source in (_json_ld(soup), _data_blob(soup), _citation_meta(metas), _open_graph(metas)):
        for name, value in source.items():
            if value not in (None, "", []) and found.get(name) in (None, "", []):
                found[name] = value
    return found


def _scripts(soup: BeautifulSoup, kind: str) -> Iterator[Any]:
    for script in soup.find_all("script", attrs={"type": kind}):
        try:
            yield json.loads(script.get_text())
        except (ValueError, RecursionError):  # RecursionError: JSON nested beyond Python's limit
            continue


# --- JSON-LD ---------------------------------------------------------------------------


def _json_ld(soup: BeautifulSoup) -> dict[str, Any]:
    articles = [
        node
        for document in _scripts(soup, "application/ld+json")
        for node in _walk(document)
        if _types(node) & _ARTICLE_TYPES
    ]
    if not articles:
        return {}
    # The most specific type first (a ScholarlyArticle beats the WebPage's Article).
    articles.sort(key=lambda node: "scholarlyarticle" not in _types(node))
    article = articles[0]
    found: dict[str, Any] = {
        "title": _text(article.get("headline")) or _text(article.get("name")),
        "authors": [
            name for person in _as_list(article.get("author")) if (name := _person(person))
        ],
        "year": _year(article.get("datePublished")),
        "journal": _name(article.get("isPartOf")) or _name(article.get("periodical")),
        "url": _text(article.get("url")) or _text(article.get("@id")),
        "summary": _text(article.get("abstract")),
        "fallback_summary": _text(article.get("description")),
    }
    for identifier in [*_as_list(article.get("identifier")), *_as_list(article.get("sameAs"))]:
        _identifier(found, identifier)
    return found


def _types(node: dict[str, Any]) -> set[str]:
    return {str(kind).lower() for kind in _as_list(node.get("@type"))}


def _person(value: Any) -> str | None:
    if isinstance(value, str):
        return " ".join(value.split()) or None
    if not isinstance(value, dict):
        return None
    family, given = _text(value.get("familyName")), _text(value.get("givenName"))
    if family:
        return f"{family}, {given}" if given else family
    return _text(value.get("name"))


def _name(value: Any) -> str | None:
    for item in _as_list(value):
        if isinstance(item, str):
            return _text(item)
        if isinstance(item, dict):
            return _text(item.get("name")) or _name(item.get("isPartOf"))
    return None


def _identifier(found: dict[str, Any], value: Any) -> None:
    """`{"propertyID": "doi", "value": ...}`, a doi.org URL, or `pmid:123`-style text."""
    if isinstance(value, dict):
        kind = str(value.get("propertyID") or value.get("name") or "").lower()
        text = _text(value.get("value"))
        if text and kind in ("doi", "pmid", "pmcid"):
            found.setdefault(kind, text)
        return
    text = _text(value)
    if not text:
        return
    if _DOI.search(text):
        found.setdefault("doi", _DOI.search(text).group(0))  # type: ignore[union-attr]
    elif "pubmed" in text.lower() and (digits := re.search(r"(\d{1,9})/?$", text)):
        found.setdefault("pmid", digits.group(1))


# --- data blob -------------------------------------------------------------------------


def _data_blob(soup: BeautifulSoup) -> dict[str, Any]:
    """The object in an embedded JSON blob that looks most like one study."""
    best: tuple[int, dict[str, Any]] | None = None
    for document in _scripts(soup, "application/json"):
        for node in _walk(document):
            fields = _blob_fields(node)
            score = len(fields)
            if "title" in fields and score >= 3 and (best is None or score > best[0]):
                best = (score, fields)
    return best[1] if best else {}


def _blob_fields(node: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for key, value in node.items():
        name = _BLOB_KEYS.get(re.sub(r"[^a-z0-9]", "", str(key).lower()))
        if name is None or name in fields:
            continue
        converted = _blob_value(name, value)
        if converted not in (None, "", []):
            fields[name] = converted
    return fields


def _blob_value(name: str, value: Any) -> Any:  # noqa: PLR0911 - one answer per kind of field
    if name == "retracted":
        return value if isinstance(value, bool) else None
    if name == "year":
        return _year(value)
    if name == "snapshot":
        if not isinstance(value, dict):
            return None
        return {key: text for key in _SNAPSHOT_KEYS if (text := _text(value.get(key)))}
    if name == "authors":
        return [person for item in _as_list(value) if (person := _person(item))]
    if name == "journal":
        return _name(value)
    if name in _LIST_FIELDS:
        return [text for item in _as_list(value) if (text := _item_text(item))]
    if isinstance(value, dict):
        return _item_text(value)
    return _text(value)


def _item_text(value: Any) -> str | None:
    """A list item: text, or an object holding it under `text`/`label`/`name`/`value`."""
    if isinstance(value, dict):
        for key in ("text", "label", "name", "value", "title"):
            if isinstance(value.get(key), str | int | float):
                return _text(value[key])
        return None
    return _text(value)


# --- meta tags -------------------------------------------------------------------------


Metas = dict[str, list[str]]


def _meta_index(soup: BeautifulSoup) -> Metas:
    """Every meta tag's content by its (lower-case) name or property, in page order."""
    index: Metas = {}
    for tag in soup.find_all("meta"):
        if not isinstance(tag, Tag):
            continue
        content = _text(tag.get("content"))
        for attribute in ("name", "property"):
            name = tag.get(attribute)
            if content and isinstance(name, str):
                index.setdefault(name.strip().lower(), []).append(content)
    return index


def _first_meta(metas: Metas, *names: str) -> str | None:
    return next((values[0] for name in names if (values := metas.get(name))), None)


def _citation_meta(metas: Metas) -> dict[str, Any]:
    """Highwire Press `citation_*` tags, as Google Scholar reads them."""
    date = _first_meta(
        metas, "citation_publication_date", "citation_date", "citation_year", "citation_online_date"
    )
    return {
        "title": _first_meta(metas, "citation_title"),
        "authors": metas.get("citation_author", []),
        "journal": _first_meta(metas, "citation_journal_title"),
        "year": _year(date),
        "doi": _first_meta(metas, "citation_doi"),
        "pmid": _first_meta(metas, "citation_pmid"),
        "pmcid": _first_meta(metas, "citation_pmcid"),
        "url": _first_meta(metas, "citation_abstract_html_url", "citation_public_url"),
        "fallback_summary": _first_meta(metas, "citation_abstract"),
    }


def _open_graph(metas: Metas) -> dict[str, Any]:
    """Open Graph: a page title (cleaned by the caller), address and a description."""
    return {
        "og_title": _first_meta(metas, "og:title", "twitter:title"),
        "url": _first_meta(metas, "og:url"),
        "fallback_summary": _first_meta(metas, "og:description", "description"),
    }


# --- helpers ---------------------------------------------------------------------------


def _walk(document: Any) -> Iterator[dict[str, Any]]:
    """Every JSON object in `document`, breadth first, within the node and depth limits."""
    queue: deque[tuple[Any, int]] = deque([(document, 0)])
    seen = 0
    while queue and seen < _MAX_NODES:
        node, depth = queue.popleft()
        seen += 1
        if depth > _MAX_DEPTH:
            continue
        if isinstance(node, dict):
            yield node
            queue.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            queue.extend((child, depth + 1) for child in node)


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _text(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return " ".join(str(value).split()) or None


def _year(value: Any) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _YEAR.search(str(value or ""))
    return int(match.group(1)) if match else None
