"""Markup we have never seen: the seed pages rendered five ways all give the same entry.

The real atlas's HTML could not be fetched while this parser was written, so it must not
depend on one layout. Each shape puts the study's facts somewhere else (see page_shapes).
"""

from __future__ import annotations

import pytest

from records.atlas_page import parse_atlas_page
from records.models import AtlasEntry
from tests.linker.conftest import read_seed
from tests.records.page_shapes import SHAPES, Shape

SITE = "https://www.mecfsatlas.com/evidence/"
SEEDS = {"000": "lee-2024-brain-regional", "003": "meeus-2013-role-mitochondrial"}
# Badges as the atlas prints them (the seed renderings lost theirs).
BADGES = ["E2 Moderate", "PEM required", "Systematic-Review", "Peer-reviewed", "Machine draft"]
BADGE_FIELDS = {
    "evidence_level": "E2",
    "pem": "required",
    "study_type": "Systematic-Review",
    "review_status": "Machine draft",
}


def _seed(prefix: str) -> tuple[list[str], AtlasEntry]:
    text = read_seed(prefix)
    entry = parse_atlas_page(text, url=SITE + SEEDS[prefix]).entry
    return [line for line in (" ".join(raw.split()) for raw in text.splitlines()) if line], entry


@pytest.mark.parametrize("prefix", sorted(SEEDS))
@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
def test_every_shape_gives_the_seed_entry(prefix: str, shape: Shape) -> None:
    lines, expected = _seed(prefix)
    page = shape(lines, expected, [])
    parsed = parse_atlas_page(page, url=SITE + SEEDS[prefix])
    assert parsed.entry.to_json_dict() == expected.to_json_dict()
    assert parsed.warnings == ["no badges found"]


@pytest.mark.parametrize("prefix", sorted(SEEDS))
@pytest.mark.parametrize("shape", SHAPES.values(), ids=list(SHAPES))
def test_every_shape_gives_the_badges_it_shows(prefix: str, shape: Shape) -> None:
    lines, seed_entry = _seed(prefix)
    expected = seed_entry.model_copy(update={**BADGE_FIELDS, "peer_reviewed": True})
    parsed = parse_atlas_page(shape(lines, seed_entry, BADGES), url=SITE + SEEDS[prefix])
    assert parsed.entry.to_json_dict() == expected.to_json_dict()
    assert parsed.warnings == []


@pytest.mark.parametrize("shape", ["react-divs", "inline-split", "meta-tags-only", "json-ld"])
def test_site_chrome_and_scripts_never_reach_the_entry(shape: str) -> None:
    lines, entry = _seed("003")
    parsed = parse_atlas_page(SHAPES[shape](lines, entry, BADGES), url=SITE + SEEDS["003"])
    text = str(parsed.entry.to_json_dict())
    for chrome in ("How the atlas works", "Privacy", "not the study", "©", "Evidence'"):
        assert chrome not in text


def test_the_data_blob_study_wins_over_related_studies_in_the_same_blob() -> None:
    lines, entry = _seed("000")
    parsed = parse_atlas_page(SHAPES["data-blob"](lines, entry, BADGES), url=None)
    assert (parsed.entry.id, parsed.entry.title) == (entry.id, entry.title)


def test_a_page_nested_twenty_thousand_levels_deep_is_read_without_recursion() -> None:
    body = "<h1>Deep</h1><p>Lee, Jin · Journal · 2020</p><p>What was found.</p>"
    page = f"<html><body>{'<div>' * 20_000}{body}{'</div>' * 20_000}</body></html>"
    parsed = parse_atlas_page(page, url=SITE + "deep-2020-nest")
    assert (parsed.entry.title, parsed.entry.summary) == ("Deep", "What was found.")


def test_a_data_blob_nested_beyond_pythons_limit_is_passed_over() -> None:
    lines, entry = _seed("003")
    blob = '<script type="application/json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
    page = SHAPES["json-ld"](lines, entry, []).replace("</head>", blob + "</head>")
    assert parse_atlas_page(page, url=SITE + SEEDS["003"]).entry == entry
