"""Titles: exact titles unquoted mid-sentence, cut titles of a preprint and its published
version told apart by venue or year, and the other version's title through an alias."""

from __future__ import annotations

import pytest

from linker import AtlasIndex
from linker.versions import choose_version
from records.models import AtlasEntry

PREPRINT = AtlasEntry(
    id="ishikawa-2022-skeletal-muscle",
    title="Skeletal muscle mitochondrial dysfunction after exertion in long COVID: "
    "a longitudinal case-control study",
    year=2022,
    journal="medRxiv",
    doi="10.1101/2022.11.03.22281234",
)
PUBLISHED = AtlasEntry(
    id="ishikawa-2023-skeletal-muscle",
    title="Skeletal muscle mitochondrial dysfunction after exertion in long COVID",
    year=2023,
    journal="Nature Communications",
    doi="10.1038/s41467-023-12345-6",
)
TWIN_PREPRINT = AtlasEntry(
    id="sato-2021-spike-monocytes",
    title="Persistent spike protein in non-classical monocytes of people with long COVID",
    year=2021,
    journal="bioRxiv",
)
TWIN_PUBLISHED = AtlasEntry(
    id="sato-2022-spike-monocytes",
    title="Persistent spike protein in non-classical monocytes of people with long COVID",
    year=2022,
    journal="Frontiers in Immunology",
)
SHORT = AtlasEntry(
    id="novak-2022-capillary", title="Capillary rarefaction in long COVID skin biopsies"
)
PLAIN = AtlasEntry(
    id="naviaux-2016-metabolic", title="Metabolic features of chronic fatigue syndrome"
)
RENAMED = AtlasEntry(
    id="delacroix-2023-autoantibodies",
    title="Autoantibodies against G protein-coupled receptors do not distinguish ME/CFS "
    "from healthy controls",
    year=2023,
    journal="Journal of Translational Medicine",
)
PREPRINT_TITLE = (
    "IgG autoantibodies against GPCRs in ME/CFS and healthy controls: a multicentre comparison"
)


@pytest.fixture(scope="module")
def index() -> AtlasIndex:
    entries = [PREPRINT, PUBLISHED, TWIN_PREPRINT, TWIN_PUBLISHED, SHORT, PLAIN, RENAMED]
    return AtlasIndex.build(entries, [("title", PREPRINT_TITLE, RENAMED.id)])


CASES = [
    # exact titles of six words or more, unquoted mid-sentence
    (
        "exact 7-word title mid-sentence",
        "my GP never heard of capillary rarefaction in long COVID skin biopsies at all",
        [SHORT.id],
    ),
    (
        "part of a short title is prose",
        "capillary rarefaction in long COVID is all over twitter",
        [],
    ),
    (
        "a short title of plain words stays prose",
        "We talked about the metabolic features of chronic fatigue syndrome at the meetup",
        [],
    ),
    (
        "a short title of plain words, quoted",
        'Read "Metabolic features of chronic fatigue syndrome" (PNAS)',
        [PLAIN.id],
    ),
    # cut titles: the venue or year chooses the version
    (
        "cut, preprint server named",
        "Skeletal muscle mitochondrial dysfunction after exertion in long… medrxiv.org",
        [PREPRINT.id],
    ),
    (
        "cut, journal named",
        "Nature Communications\nSkeletal muscle mitochondrial dysfunction after exertion in long …",
        [PUBLISHED.id],
    ),
    (
        "cut, journal abbreviated with year",
        '"Skeletal muscle mitochondrial dysfunction after exertion in..." (Nat Commun 2023)',
        [PUBLISHED.id],
    ),
    (
        "cut, year of the preprint",
        "Skeletal muscle mitochondrial dysfunction after exertion in long... from 2022",
        [PREPRINT.id],
    ),
    (
        "cut, nothing to choose by",
        "Skeletal muscle mitochondrial dysfunction after exertion in long…",
        [],
    ),
    (
        "cut, both versions named",
        "Skeletal muscle mitochondrial dysfunction after exertion in long… (medRxiv, now in Nature Communications)",
        [],
    ),
    (
        "cut past the shared words: only the preprint",
        "Skeletal muscle mitochondrial dysfunction after exertion in long COVID: a longitudinal… (medRxiv)",
        [PREPRINT.id],
    ),
    # whole titles
    (
        "the longer title contains the shorter",
        "the preprint: Skeletal muscle mitochondrial dysfunction after exertion in long COVID: a longitudinal case-control study",
        [PREPRINT.id],
    ),
    (
        "the published title alone",
        "Skeletal muscle mitochondrial dysfunction after exertion in long COVID (2023)",
        [PUBLISHED.id],
    ),
    (
        "identical titles, journal decides",
        '"Persistent spike protein in non-classical monocytes of people with long COVID" in Frontiers in Immunology',
        [TWIN_PUBLISHED.id],
    ),
    (
        "identical titles, server decides",
        '"Persistent spike protein in non-classical monocytes of people with long COVID" on bioRxiv',
        [TWIN_PREPRINT.id],
    ),
    (
        "identical titles, nothing decides",
        '"Persistent spike protein in non-classical monocytes of people with long COVID"',
        [],
    ),
    # the other version's title (an alias)
    (
        "preprint title of a published entry",
        f"the preprint was titled {PREPRINT_TITLE}, and no difference",
        [RENAMED.id],
    ),
]


@pytest.mark.parametrize(("text", "expected"), [pytest.param(t, e, id=n) for n, t, e in CASES])
def test_titles_match_the_version_the_post_names(
    index: AtlasIndex, text: str, expected: list[str]
) -> None:
    assert [m.atlas_id for m in index.match(text)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nat Commun", PUBLISHED.id),
        ("nature communications", PUBLISHED.id),
        ("posted on medRxiv", PREPRINT.id),
        ("(2023)", PUBLISHED.id),
        ("medRxiv 2023", PREPRINT.id),  # venue of one, year of the other: venue counts more
        ("Nature", None),
        ("Commun", None),
        ("in 12023 units", None),
    ],
)
def test_choose_version_reads_venue_then_year(text: str, expected: str | None) -> None:
    chosen = choose_version([PREPRINT, PUBLISHED], text)
    assert (chosen.id if chosen else None) == expected
