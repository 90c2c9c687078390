"""The bundled sample atlas is true to the real atlas's pages (issue 18).

tests/fixtures/atlas_facts.jsonl holds facts read from real atlas pages (slug, title, authors,
year, journal, identifiers, the badges shown where the capture had them) for the studies the
sample names. Every sample entry names one of those studies and must use the page's slug,
title, identifiers and badges; a badge the page is not known to show is left unrecorded.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from records.atlas_page.fields import classify_badges
from records.models import AtlasEntry
from tests.linker.sample_atlas import sample_entries

FACTS_FILE = Path(__file__).resolve().parents[1] / "fixtures" / "atlas_facts.jsonl"
BADGE_FIELDS = ("pem", "evidence_level", "study_type", "review_status", "confidence")
SAMPLE_README = Path(__file__).resolve().parents[2] / "config" / "sample" / "README.md"


def facts() -> list[dict[str, Any]]:
    return [json.loads(line) for line in FACTS_FILE.read_text(encoding="utf-8").splitlines()]


def _title(text: str) -> str:
    return " ".join(text.casefold().rstrip(".").split())


def _surname(author: str) -> str:
    """`Naviaux` from `Naviaux, Robert K.` and from `Robert K. Naviaux`."""
    return (
        author.split(",", maxsplit=1)[0] if "," in author else author.rsplit(maxsplit=1)[-1]
    ).casefold()


def fact_for(entry: AtlasEntry) -> dict[str, Any] | None:
    """The real page the entry names: same slug, same DOI, or same first author, year and
    title (the atlas's metadata may give another DOI)."""
    for fact in facts():
        same_doi = fact.get("doi") and entry.doi and fact["doi"].lower() == entry.doi.lower()
        same_paper = (
            fact.get("year") == entry.year
            and entry.authors
            and _surname(fact["authors"][0]) == _surname(entry.authors[0])
            and fact.get("title")
            and _title(entry.title).startswith(_title(fact["title"]))
        )
        if fact["slug"] == entry.id or same_doi or same_paper:
            return fact
    return None


def badges_shown(fact: dict[str, Any]) -> dict[str, str | None]:
    """What the page's badges say, read by the same rules as the page parser."""
    if not fact.get("badges"):
        return dict.fromkeys(BADGE_FIELDS)
    badges = classify_badges(fact["badges"])
    return {name: getattr(badges, name) for name in BADGE_FIELDS}


SAMPLE = {entry.id: entry for entry in sample_entries()}
WITH_FACTS = {slug: entry for slug, entry in SAMPLE.items() if fact_for(entry) is not None}


def test_every_sample_entry_names_a_known_atlas_page() -> None:
    """An entry without a fact could carry a slug the atlas does not have (a link that 404s)."""
    assert len(SAMPLE) == 12
    assert sorted(set(SAMPLE) - set(WITH_FACTS)) == []


@pytest.mark.parametrize("slug", sorted(WITH_FACTS))
def test_a_sample_entry_uses_the_real_page_slug(slug: str) -> None:
    fact = fact_for(WITH_FACTS[slug])
    assert fact is not None
    assert slug == fact["slug"]
    assert WITH_FACTS[slug].url in (None, f"https://www.mecfsatlas.com/evidence/{slug}")


@pytest.mark.parametrize("slug", sorted(WITH_FACTS))
def test_a_sample_entry_has_the_real_title_year_and_identifiers(slug: str) -> None:
    entry = WITH_FACTS[slug]
    fact = fact_for(entry)
    assert fact is not None
    assert entry.year == fact["year"]
    if fact.get("title"):
        assert _title(entry.title) == _title(fact["title"])
    if fact.get("journal"):
        assert entry.journal == fact["journal"]
    if fact.get("doi"):
        assert entry.doi == fact["doi"].lower()
    if fact.get("pmid"):
        assert entry.pmid == fact["pmid"]


@pytest.mark.parametrize("slug", sorted(WITH_FACTS))
def test_a_sample_entry_shows_exactly_the_badges_the_page_shows(slug: str) -> None:
    entry = WITH_FACTS[slug]
    fact = fact_for(entry)
    assert fact is not None
    assert {name: getattr(entry, name) for name in BADGE_FIELDS} == badges_shown(fact)


def test_the_sample_says_its_summaries_are_sample_text() -> None:
    text = " ".join(SAMPLE_README.read_text(encoding="utf-8").split())
    assert "sample text written for this demo" in text
    assert "not the ME/CFS Atlas's text" in text
