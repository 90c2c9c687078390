"""Sitemaps (https://www.sitemaps.org/protocol.html): the study pages a site says it has.

A sitemap is a `<urlset>` of `<url><loc>` entries or a `<sitemapindex>` of further
sitemaps, possibly gzipped. Read with a pattern over `<loc>` elements rather than an XML
parser: nothing else in the file matters, and no entity in it is ever expanded.
"""

from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field

from bot.errors import SitemapError as SitemapError  # noqa: PLC0414 - tests import it here

_LOC = re.compile(r"<(?:[\w.-]+:)?loc\b[^>]*>\s*(.*?)\s*</(?:[\w.-]+:)?loc\s*>", re.S | re.I)
_INDEX = re.compile(r"<(?:[\w.-]+:)?sitemapindex\b", re.I)
_CDATA = re.compile(r"^<!\[CDATA\[(.*)\]\]>$", re.S)
GZIP_MAGIC = b"\x1f\x8b"


@dataclass
class Sitemap:
    """One sitemap file: the pages it lists, or the sitemaps it points to (an index)."""

    is_index: bool = False
    locations: list[str] = field(default_factory=list)


def decode_sitemap(body: bytes, *, max_bytes: int) -> str:
    """The sitemap's text, unpacked when gzipped (never more than `max_bytes`)."""
    if body.startswith(GZIP_MAGIC):
        unpacker = zlib.decompressobj(wbits=31)
        try:
            body = unpacker.decompress(body, max_bytes + 1)
        except zlib.error as exc:
            raise SitemapError(f"bad gzip data ({exc})") from exc
        if len(body) > max_bytes:
            raise SitemapError(f"larger than {max_bytes} bytes unpacked")
    return body.decode("utf-8", "replace")


def parse_sitemap(text: str) -> Sitemap:
    """The locations a sitemap or sitemap index names, in file order."""
    locations = []
    for raw in _LOC.findall(text):
        cdata = _CDATA.match(raw)
        location = (cdata.group(1) if cdata else html.unescape(raw)).strip()
        if location:
            locations.append(location)
    return Sitemap(is_index=_INDEX.search(text[:4096]) is not None, locations=locations)
