"""Finding study references in forum text and matching them to the atlas. Pure and synchronous.

from linker import AtlasIndex, find_references

find_references(text) -> list[Reference]
    Identifiers a text gives on its own, normalised with records.identifiers (DOI lower
    case without prefix, PMID digits, PMCID `PMC` + digits, atlas slug), plus strong
    author-year citations ("Lee et al. 2024"). Spans index the original text.

index = AtlasIndex.build(entries, aliases=(), settings=None)
    `aliases` are (kind, value, entry_id) as records.atlas_store.iter_aliases yields them
    (a preprint DOI, an old PMID...); `settings` is config.settings.LinkerSettings.
index.match(text) -> list[Match]
    One Match per distinct study, in order of appearance: identifiers, atlas links, bare
    slugs, titles (exact or near-exact, anywhere in the text) and author-year citations
    that fit exactly one entry. A study the atlas lacks comes back with `entry=None` and
    the identifier the post gave; Match.score and Match.rule say why it matched.
index.search(query, limit=5) -> list[Match]
    For a lookup command: an identifier, link or slug resolves exactly; "Walitt 2024"
    lists that author's entries of that year; free title words give ranked candidates.
index.unmatched_citations(text, matches) -> list[Match]
    Strong author-year citations of studies the atlas lacks (for the unmatched-paper log).
papers_to_log(index, text, matches) -> list[Match]
    What the live bots and `scan` both log for curators: one key a paper (its identifier,
    a publisher id, else first author + year).
index.get(entry_id) -> AtlasEntry | None, index.resolve(kind, value), len(index)
identifiers_in_url(url) -> list[UrlIdentifier]
    The DOI, PMID, PMCID or atlas slug a link carries (resolver, PubMed, publisher URLs).
landing_page_url(publisher_id) -> str | None
    Where a publisher id (`pii:…`, `mdpi:…`, `oup:…`) leads, for the enricher to read.
normalize_title(text) -> str
    A title reduced to comparable words (case, accents, punctuation), as the index keys it.

Callers outside the linker import from here, never from its submodules.
"""

from linker.index import AtlasIndex
from linker.publisher_ids import landing_page_url
from linker.references import find_references
from linker.textnorm import normalize_title
from linker.unmatched import papers_to_log
from linker.urls import UrlIdentifier, identifiers_in_url

__all__ = [
    "AtlasIndex",
    "UrlIdentifier",
    "find_references",
    "identifiers_in_url",
    "landing_page_url",
    "normalize_title",
    "papers_to_log",
]
