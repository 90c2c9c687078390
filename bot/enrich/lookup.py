"""One paper, every service: crosswalk its identifiers, then gather and merge metadata.

A service that fails is noted and the others still answer; the caller decides whether the
paper stays pending. Titles are matched cautiously (a fuzzy score threshold) because a wrong
guess would show curators the wrong paper.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from rapidfuzz import fuzz, utils

from bot.enrich.clients import MetadataClients
from bot.errors import MetadataServiceError
from bot.metadata import PaperMetadata, merge_metadata
from linker import landing_page_url

T = TypeVar("T")
ID_KINDS = ("doi", "pmid", "pmcid")
PUBLISHER_ID = "publisher_id"
TITLE_MIN_SCORE = 92.0


Vouched = dict[tuple[str, str], set[str]]


@dataclass
class LookupResult:
    """What the services said: merged metadata (None: nobody knew it) and any failures.

    `vouched` names, for each identifier found, the services whose record links it to the
    logged identifier: a crosswalk only one service makes is not trusted to change which
    card members see.
    """

    metadata: PaperMetadata | None = None
    errors: list[str] = field(default_factory=list)
    skipped: bool = False
    vouched: Vouched = field(default_factory=dict)


class _Asker:
    """Calls services once each, collecting failures instead of raising them."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.asked: set[str] = set()

    def __call__(self, name: str, call: Callable[[], T]) -> T | None:
        if name in self.asked:
            return None
        self.asked.add(name)
        try:
            return call()
        except MetadataServiceError as exc:
            self.errors.append(str(exc))
            return None


def look_up(clients: MetadataClients, kind: str, value: str) -> LookupResult:
    """Metadata for a logged paper of this kind (`doi`, `pmid`, `pmcid`, `title`...)."""
    ask = _Asker()
    found: list[PaperMetadata | None] = []
    if kind == "title":
        found.append(_best_title_match(clients, ask, value))
        ids = found[0].identifiers if found[0] else {}
    elif kind in ID_KINDS:
        ids = {kind: value}
    elif kind == PUBLISHER_ID:
        doi = _publisher_doi(clients, ask, value)
        if doi is None:
            return LookupResult(errors=ask.errors)
        ids = {"doi": doi}
    else:
        # Author-year citations and unknown slugs name no single paper a service could find.
        return LookupResult(skipped=True)
    vouched: Vouched = {}
    merged = _gather(clients, ask, ids, found, vouched)
    for record in found:
        if record is not None and _names(record, kind, value):
            for pair in record.identifiers.items():
                vouched.setdefault(pair, set()).update(record.sources[:1])
    if merged is not None and kind in ID_KINDS:
        # The logged identifier is the truth for this paper, whatever a service reported.
        merged = merged.model_copy(update={kind: value})
    if kind == PUBLISHER_ID:
        # The DOI the publisher declared is worth keeping even when no service knows it yet.
        merged = merged or PaperMetadata(sources=["landing-page"], doi=ids["doi"])
        if value not in merged.publisher_ids:
            merged = merged.model_copy(update={"publisher_ids": [value, *merged.publisher_ids]})
    return LookupResult(metadata=merged, errors=ask.errors, vouched=vouched)


def _names(record: PaperMetadata, kind: str, value: str) -> bool:
    """True when a service's record itself names the logged paper (so the other identifiers
    in it are that service's word on the crosswalk, not an echo of what it was asked)."""
    if kind in ID_KINDS:
        return record.identifiers.get(kind) == value
    if kind == PUBLISHER_ID:
        return value in record.publisher_ids
    return False


def _gather(
    clients: MetadataClients,
    ask: _Asker,
    ids: dict[str, str],
    found: list[PaperMetadata | None],
    vouched: Vouched,
) -> PaperMetadata | None:
    """Crosswalk `ids`, ask every service that takes one of them, and merge the answers;
    note in `vouched` which service reported which identifier."""
    if ids:
        crosswalk = ask("idconv", lambda: clients.idconv.convert(next(iter(ids.values()))))
        for id_kind, id_value in (crosswalk.model_dump() if crosswalk else {}).items():
            if id_kind in ID_KINDS and id_value:
                ids.setdefault(id_kind, id_value)
                vouched.setdefault((id_kind, id_value), set()).add("ncbi-idconv")
    merged = None
    # Two rounds: an identifier learnt from one service opens the door to another.
    for _ in range(2):
        if "doi" in ids:
            found.append(ask("crossref", lambda: clients.crossref.work(ids["doi"])))
        if "pmid" in ids:
            found.append(ask("eutils", lambda: clients.eutils.summary(ids["pmid"])))
        best = next(((k, ids[k]) for k in ("pmid", "pmcid", "doi") if k in ids), None)
        if best:
            found.append(ask("europepmc", partial(clients.europepmc.by_identifier, *best)))
        merged = merge_metadata(found)
        for id_kind, id_value in (merged.identifiers if merged else {}).items():
            ids.setdefault(id_kind, id_value)
    return merged


def _publisher_doi(clients: MetadataClients, ask: _Asker, publisher_id: str) -> str | None:
    """The DOI of the article a publisher id names: Crossref knows Elsevier PIIs as
    alternative ids; other publishers' ids are read off their article page's `citation_doi`."""
    scheme, _, bare = publisher_id.partition(":")
    if scheme == "pii":
        works = ask("crossref-alternative-id", lambda: clients.crossref.by_alternative_id(bare))
        dois = {work.doi for work in works or [] if work.doi}
        if len(dois) == 1:
            return dois.pop()
    url = landing_page_url(publisher_id)
    if url is None:
        return None
    return ask("landing-page", lambda: clients.landing.citation_doi(url))


def _best_title_match(clients: MetadataClients, ask: _Asker, title: str) -> PaperMetadata | None:
    """The one record whose title matches closely enough, from Europe PMC then Crossref."""
    for name, search in (
        ("europepmc-title", lambda: clients.europepmc.by_title(title)),
        ("crossref-title", lambda: clients.crossref.search_bibliographic(title)),
    ):
        candidates = ask(name, search) or []
        scored = [
            (fuzz.ratio(title, c.title, processor=utils.default_process), c)
            for c in candidates
            if c.title
        ]
        good = [pair for pair in scored if pair[0] >= TITLE_MIN_SCORE]
        if good:
            return max(good, key=lambda pair: pair[0])[1]
    return None
