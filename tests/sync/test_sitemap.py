"""Sitemaps: study pages found from the sitemaps robots.txt names, before any listing page."""

from __future__ import annotations

import gzip

import pytest

from bot.sync.sitemap import SitemapError, decode_sitemap, parse_sitemap
from records.atlas_store import get_entry
from records.db import Database
from tests.sync.conftest import MakeSync
from tests.sync.fake_atlas import FakeAtlas

NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def urlset(*locations: str) -> str:
    urls = "".join(f"<url><loc>{loc}</loc><lastmod>2026-01-01</lastmod></url>" for loc in locations)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{urls}</urlset>'


def index(*locations: str) -> str:
    maps = "".join(f"<sitemap><loc>{loc}</loc></sitemap>" for loc in locations)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{maps}</sitemapindex>'


def test_parse_a_urlset_and_an_index() -> None:
    pages = parse_sitemap(urlset("https://a.org/evidence/x?a=1&amp;b=2", "https://a.org/about"))
    assert (pages.is_index, pages.locations) == (
        False,
        ["https://a.org/evidence/x?a=1&b=2", "https://a.org/about"],
    )
    maps = parse_sitemap(index("https://a.org/s1.xml", "https://a.org/s2.xml"))
    assert (maps.is_index, maps.locations) == (
        True,
        ["https://a.org/s1.xml", "https://a.org/s2.xml"],
    )


def test_entities_are_never_expanded() -> None:
    bomb = '<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
    found = parse_sitemap(bomb + urlset("https://a.org/evidence/&b;"))
    assert found.locations == ["https://a.org/evidence/&b;"]


def test_gzipped_sitemaps_are_unpacked_within_a_cap() -> None:
    packed = gzip.compress(urlset("https://a.org/evidence/x").encode())
    assert "evidence/x" in decode_sitemap(packed, max_bytes=10_000)
    with pytest.raises(SitemapError, match="larger than 100 bytes"):
        decode_sitemap(gzip.compress(b"x" * 10_000), max_bytes=100)


def test_sync_reads_the_sitemaps_robots_txt_names_and_no_listing(
    site: FakeAtlas, make_sync: MakeSync, db: Database
) -> None:
    base = site.base_url
    site.add("delta-2023-unlisted", listed=False)
    site.robots_txt += f"Sitemap: {base}/sitemap.xml\n"
    site.sitemaps["/sitemap.xml"] = index(
        f"{base}/sitemap-studies.xml", "https://elsewhere.test/s.xml"
    )
    site.sitemaps["/sitemap-studies.xml"] = urlset(
        *(f"{base}/evidence/{slug}" for slug in ["alpha-2020-one", "beta-2021-two"]),
        f"{base}/evidence/delta-2023-unlisted",
        f"{base}/about",
        "https://elsewhere.test/evidence/foreign-2020-page",
    )
    sync = make_sync(site)
    assert sync.start() == 3
    report = sync.run()
    assert (report.new, report.sitemaps, report.listing_pages, report.complete) == (3, 2, 0, True)
    assert get_entry(db, "delta-2023-unlisted") is not None
    assert get_entry(db, "gamma-2022-three") is None  # listed, but the sitemap is the source
    assert not any(request.path.startswith("/evidence?") for request in site.requests)


def test_sync_falls_back_to_the_listing_when_the_sitemap_fails(
    site: FakeAtlas, make_sync: MakeSync
) -> None:
    site.robots_txt += f"Sitemap: {site.base_url}/missing-sitemap.xml\n"
    report = make_sync(site).run()
    assert (report.new, report.sitemaps, report.complete) == (3, 0, True)
    assert report.listing_pages == 2
