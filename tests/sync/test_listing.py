"""Reading listing pages: study links in order, the next page, the total."""

from __future__ import annotations

import pytest

from bot.sync.listing import listing_url, offset_of, parse_listing

PAGE_URL = "https://www.mecfsatlas.com/evidence?offset=50"


def listing(body: str) -> str:
    return (
        f"<html><body><nav><a href='/evidence/new'>New</a></nav><main>{body}</main></body></html>"
    )


@pytest.mark.parametrize(
    ("body", "slugs"),
    [
        ("<a href='/evidence/kim-2021-gut'>K</a><a href='/evidence/roe-2020-sleep'>R</a>",
         ["kim-2021-gut", "roe-2020-sleep"]),
        ("<a href='/evidence/kim-2021-gut'>K</a><a href='/evidence/kim-2021-gut#cite'>cite</a>",
         ["kim-2021-gut"]),
        ("<a href='https://www.mecfsatlas.com/evidence/kim-2021-gut'>K</a>", ["kim-2021-gut"]),
        ("<a href='/evidence/kim-2021-gut/bibtex'>BibTeX</a><a href='/about'>About</a>", []),
        ("<p>No studies match.</p>", []),
    ],
)  # fmt: skip
def test_listing_slugs_in_page_order(body: str, slugs: list[str]) -> None:
    assert parse_listing(listing(body), PAGE_URL).slugs == slugs


def test_menu_links_are_not_studies() -> None:
    assert parse_listing(listing(""), PAGE_URL).slugs == []


@pytest.mark.parametrize(
    ("body", "next_url"),
    [
        ("<a rel='next' href='?offset=100'>»</a>", "https://www.mecfsatlas.com/evidence?offset=100"),
        ("<a href='/evidence?offset=100'>Next →</a>", "https://www.mecfsatlas.com/evidence?offset=100"),
        ("<a href='/evidence?offset=0'>Previous</a>", None),
    ],
)  # fmt: skip
def test_next_link_by_rel_or_by_text(body: str, next_url: str | None) -> None:
    assert parse_listing(listing(body), PAGE_URL).next_url == next_url


@pytest.mark.parametrize(
    ("body", "total"),
    [
        ("<p data-total='6132'>6,132 studies</p>", 6132),
        ("<p>Showing 51–100 of 6,132 studies</p>", 6132),
        ("<p>Page 2</p>", None),
    ],
)
def test_total_from_the_page(body: str, total: int | None) -> None:
    assert parse_listing(listing(body), PAGE_URL).total == total


@pytest.mark.parametrize(
    ("url", "offset"),
    [
        ("https://x/evidence?offset=100", 100),
        ("https://x/evidence?offset=abc", None),
        ("https://x/evidence", None),
    ],
)
def test_offset_of(url: str, offset: int | None) -> None:
    assert offset_of(url) == offset


@pytest.mark.parametrize("base", ["https://www.mecfsatlas.com", "https://www.mecfsatlas.com/"])
def test_listing_url(base: str) -> None:
    assert listing_url(base, 50) == "https://www.mecfsatlas.com/evidence?offset=50"
