"""Querying and curating the unmatched-paper log (records.unmatched)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from records.atlas_store import find_entry_id
from records.db import Database
from records.unmatched import (
    UnknownEntryError,
    UnknownPaperError,
    get_paper,
    ignore_paper,
    list_papers,
    normalize_key,
    papers_to_enrich,
    resolve_paper,
    save_enrichment,
)
from tests.unmatched.helpers import add_entry, mention


def day(n: int) -> datetime:
    return datetime(2026, 3, n, 12, 0, tzinfo=UTC)


@pytest.fixture
def logged(db: Database) -> Database:
    """Three papers: A mentioned 3x in one place, B 2x in two places, C once, most recently."""
    for i in range(3):
        mention(db, "doi", "10.1000/a", message_id=f"a{i}", author=f"u{i}", when=day(1 + i))
    mention(db, "pmid", "222", platform="discord", place="c1", message_id="b1", when=day(2))
    mention(db, "pmid", "222", platform="reddit", place="cfs", message_id="b2", when=day(3))
    mention(db, "title", "a study of things", platform="reddit", message_id="c1", when=day(9))
    return db


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("mentions", ["doi:10.1000/a", "pmid:222", "title:a study of things"]),
        ("places", ["pmid:222", "doi:10.1000/a", "title:a study of things"]),
        ("recent", ["title:a study of things", "doi:10.1000/a", "pmid:222"]),
    ],
)
def test_list_orders_papers_by_the_chosen_sort(
    logged: Database, sort: str, expected: list[str]
) -> None:
    assert [p.key for p in list_papers(logged, sort=sort)] == expected  # type: ignore[arg-type]


def test_list_counts_mentions_places_people_and_platforms(logged: Database) -> None:
    papers = {p.key: p for p in list_papers(logged)}
    a, b = papers["doi:10.1000/a"], papers["pmid:222"]
    assert (a.mentions, a.places, a.people, a.platforms) == (3, 1, 3, ("discord",))
    assert (b.mentions, b.places, b.people, b.platforms) == (2, 2, 1, ("discord", "reddit"))
    assert (a.first_seen[:10], a.last_seen[:10]) == ("2026-03-01", "2026-03-03")


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"platform": "reddit"}, {"pmid:222": 1, "title:a study of things": 1}),
        (
            {"since": "2026-03-03"},
            {"doi:10.1000/a": 1, "pmid:222": 1, "title:a study of things": 1},
        ),
        ({"since": day(4)}, {"title:a study of things": 1}),
        ({"limit": 1}, {"doi:10.1000/a": 3}),
        ({"status": "ignored"}, {}),
    ],
)
def test_list_filters_count_only_matching_sightings(
    logged: Database, filters: dict[str, object], expected: dict[str, int]
) -> None:
    found = list_papers(logged, **filters)  # type: ignore[arg-type]
    assert {p.key: p.mentions for p in found} == expected


def test_list_rejects_an_unknown_sort(logged: Database) -> None:
    with pytest.raises(ValueError, match="sort must be one of"):
        list_papers(logged, sort="alphabetical")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("doi:10.1000/A", "doi:10.1000/a"),
        ("https://doi.org/10.1016/J.X", "doi:10.1016/j.x"),
        ("10.1016/j.x", "doi:10.1016/j.x"),
        ("PMID: 0123", "pmid:123"),
        ("pmid:0123", "pmid:123"),
        ("pmc 99", "pmcid:PMC99"),
        ("12345", "pmid:12345"),
        ("title:Some Study", "title:Some Study"),
        ("  author_year:lee 2024 ", "author_year:lee 2024"),
        ("no identifier here", "no identifier here"),
        ("pii:S0092-8674(21)00123-4", "publisher_id:pii:S0092867421001234"),
        ("mdpi:1422-0067/22/3/1234", "publisher_id:mdpi:1422-0067/22/3/1234"),
        ("publisher_id:PII:s0092867421001234", "publisher_id:pii:S0092867421001234"),
    ],
)
def test_normalize_key_accepts_what_a_curator_types(typed: str, key: str) -> None:
    assert normalize_key(typed) == key


def test_get_paper_returns_every_sighting_newest_first(logged: Database) -> None:
    detail = get_paper(logged, "doi:10.1000/a")
    assert [s.message_id for s in detail.sightings] == ["a2", "a1", "a0"]
    assert detail.paper.mentions == 3


def test_get_paper_with_an_unknown_key_raises(db: Database) -> None:
    with pytest.raises(UnknownPaperError, match=r"doi:10\.9999/none"):
        get_paper(db, "doi:10.9999/none")


def test_resolve_adds_an_alias_so_future_mentions_match(logged: Database) -> None:
    add_entry(logged, "lee-2024-brain-regional")
    resolve_paper(logged, "pmid:222", "lee-2024-brain-regional", actor="cli:tester")
    paper = get_paper(logged, "pmid:222").paper
    assert (paper.status, paper.atlas_id) == ("resolved", "lee-2024-brain-regional")
    assert find_entry_id(logged, "pmid", "222") == "lee-2024-brain-regional"
    log = list(logged.query("SELECT actor, action, target, detail FROM mod_log"))
    assert log == [
        {
            "actor": "cli:tester",
            "action": "unmatched.resolve",
            "target": "pmid:222",
            "detail": "lee-2024-brain-regional",
        }
    ]


def test_resolve_reopens_an_ignored_paper(logged: Database) -> None:
    add_entry(logged, "smith-2020-x")
    ignore_paper(logged, "doi:10.1000/a", "looked off-topic")
    resolve_paper(logged, "doi:10.1000/a", "smith-2020-x")
    paper = get_paper(logged, "doi:10.1000/a").paper
    assert (paper.status, paper.atlas_id, paper.reason) == ("resolved", "smith-2020-x", None)


@pytest.mark.parametrize(
    ("key", "slug", "error"),
    [
        ("doi:10.9999/none", "smith-2020-x", UnknownPaperError),
        ("doi:10.1000/a", "no-such-entry", UnknownEntryError),
    ],
)
def test_resolve_with_an_unknown_key_or_entry_changes_nothing(
    logged: Database, key: str, slug: str, error: type[Exception]
) -> None:
    add_entry(logged, "smith-2020-x")
    with pytest.raises(error):
        resolve_paper(logged, key, slug)
    assert logged.execute("SELECT count(*) FROM aliases").fetchone()[0] == 0
    assert {p.status for p in list_papers(logged, status=None)} == {"pending"}


def test_ignore_keeps_the_reason(logged: Database) -> None:
    ignore_paper(logged, "title:a study of things", "  a news article, not a study ")
    paper = get_paper(logged, "title:a study of things").paper
    assert (paper.status, paper.reason) == ("ignored", "a news article, not a study")


@pytest.mark.parametrize(("key", "reason"), [("doi:10.1000/a", "   "), ("doi:10.9999/none", "x")])
def test_ignore_needs_a_reason_and_a_known_key(logged: Database, key: str, reason: str) -> None:
    with pytest.raises((ValueError, UnknownPaperError)):
        ignore_paper(logged, key, reason)
    assert get_paper(logged, "doi:10.1000/a").paper.status == "pending"


def test_importing_an_atlas_entry_resolves_the_logged_paper(logged: Database) -> None:
    add_entry(logged, "new-2026-study", doi="10.1000/A")
    paper = get_paper(logged, "doi:10.1000/a").paper
    assert (paper.status, paper.atlas_id) == ("resolved", "new-2026-study")


def test_papers_to_enrich_skips_done_and_exhausted_papers(logged: Database) -> None:
    save_enrichment(logged, "doi:10.1000/a", {"title": "A"}, enrich_status="done")
    for _ in range(3):
        save_enrichment(logged, "pmid:222", {}, enrich_status="pending", error="timeout")
    keys = [p.key for p in papers_to_enrich(logged, max_attempts=3)]
    assert keys == ["title:a study of things"]


@pytest.mark.parametrize(("days_later", "due"), [(29, False), (31, True)])
def test_a_paper_nobody_knew_is_looked_up_again_after_a_while(
    logged: Database, days_later: int, due: bool
) -> None:
    save_enrichment(logged, "pmid:222", {}, enrich_status="not_found")
    enriched_at = datetime.fromisoformat(get_paper(logged, "pmid:222").paper.enriched_at or "")
    later = enriched_at + timedelta(days=days_later)
    keys = [p.key for p in papers_to_enrich(logged, now=later)]
    assert ("pmid:222" in keys) is due


def test_save_enrichment_merges_metadata_and_counts_failures(
    logged: Database,
) -> None:
    save_enrichment(logged, "pmid:222", {"title": "T", "year": None}, enrich_status="pending",
                    error="crossref: HTTP 503")  # fmt: skip
    save_enrichment(logged, "pmid:222", {"journal": "J"}, enrich_status="done")
    paper = get_paper(logged, "pmid:222").paper
    assert paper.metadata == {"title": "T", "journal": "J"}
    assert (paper.enrich_status, paper.enrich_attempts, paper.enrich_error) == ("done", 1, None)
    assert paper.enriched_at is not None
