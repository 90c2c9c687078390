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
linker.unmatched.papers_to_log(index, text, matches) -> list[Match]
    What the live bots and `scan` both log for curators: one key a paper (its identifier,
    a publisher id, else first author + year).
index.get(entry_id) -> AtlasEntry | None, index.resolve(kind, value), len(index)
"""

from linker.index import AtlasIndex
from linker.references import find_references

__all__ = ["AtlasIndex", "find_references"]
