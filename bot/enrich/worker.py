"""The enrichment pass and the long-running loop around it.

One pass: look up each pending unmatched paper (most mentioned first), store what was found,
alias papers that turn out to be in the atlas under another identifier, then check a batch
of atlas entries for retractions and corrections the atlas does not show.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar, cast

import httpx
from rapidfuzz import fuzz, utils

from bot.enrich.clients import MetadataClients
from bot.enrich.lookup import PUBLISHER_ID, TITLE_MIN_SCORE, LookupResult, Vouched, look_up
from bot.errors import MetadataServiceError, OverallDeadlineReached
from bot.http.deadline import overall_deadline
from bot.http.redaction import redact_url
from bot.metadata import Notice, PaperMetadata, merge_metadata
from linker import normalize_title
from records.atlas_store import add_alias, entry_title, find_entry_id
from records.db import Database, write_transaction
from records.entry_checks import entries_due_for_check, record_entry_check
from records.entry_metadata import store_entry_metadata
from records.retractions import EntryFlag, store_flags
from records.unmatched import (
    PaperSummary,
    give_back_paper,
    papers_to_enrich,
    save_enrichment,
    take_paper,
)
from records.wording import counted

log = logging.getLogger(__name__)

T = TypeVar("T")
DEFAULT_ENTRY_BATCH = 200
# The API services a pass stops asking after a connection failure (publishers' pages are
# many hosts, so one unreachable publisher says nothing about the others).
GUARDED_SERVICES = {
    "crossref": "Crossref",
    "idconv": "the NCBI ID converter",
    "eutils": "NCBI E-utilities",
    "europepmc": "Europe PMC",
}
RECHECK_AFTER = timedelta(days=30)
MAX_ATTEMPTS = 10
_MAX_VERSIONS = 3  # a work has a preprint or a published version, rarely more
# One pass ends after this long; what it did not reach is left for the next pass.
PASS_DEADLINE_SECONDS = 3600.0
# How long a paper an enricher took stays its own: a killed process's papers come free then.
PAPER_LEASE = timedelta(minutes=15)


@dataclass(frozen=True)
class EntryToCheck:
    """An atlas entry due for a retraction check."""

    id: str
    doi: str | None
    pmid: str | None
    title: str | None = None


@dataclass
class PassPlan:
    """What one pass will look at."""

    papers: list[PaperSummary]
    entries: list[EntryToCheck]

    @property
    def total(self) -> int:
        """Units of work, for a progress bar."""
        return len(self.papers) + len(self.entries)


@dataclass
class EnrichSummary:
    """What one pass did."""

    enriched: int = 0
    not_found: int = 0
    failed: int = 0
    skipped: int = 0
    resolved: int = 0
    entries_checked: int = 0
    entries_failed: int = 0
    notices_found: int = 0
    entries_described: int = 0  # atlas entries given affiliations, volume, keywords, …
    left_pending: int = 0
    errors: list[str] = field(default_factory=list)
    unreachable: dict[str, str] = field(default_factory=dict)
    out_of_time: bool = False  # the pass reached its deadline; the rest waits for the next

    @property
    def papers(self) -> int:
        """Papers looked at."""
        return self.enriched + self.not_found + self.failed + self.skipped

    def line(self) -> str:
        """A one-line report."""
        return (
            f"enrich: {counted(self.papers, 'paper')} ({self.enriched} enriched, "
            f"{self.not_found} not found, "
            f"{self.failed} failed and left pending, {self.skipped} skipped; "
            f"{self.resolved} now in the atlas); "
            f"{counted(self.entries_checked, 'atlas entry', 'atlas entries')} checked "
            f"({self.entries_failed} failed), {counted(self.notices_found, 'new notice')}"
            + (f", {self.entries_described} described" if self.entries_described else "")
            + (
                f"; {self.left_pending} left for the next pass (a service was unreachable)"
                if self.left_pending
                else ""
            )
            + (
                "; the pass reached its deadline, the rest waits for the next"
                if self.out_of_time
                else ""
            )
        )

    def unreachable_lines(self) -> list[str]:
        """One line per service the pass could not reach: `cannot reach Crossref: ...`."""
        return [f"cannot reach {name}: {reason}" for name, reason in self.unreachable.items()]


class ServiceGuard:
    """Stops a pass from asking a service again after it could not be reached.

    Without it, a pass with no network spends every retry and timeout on every paper. The
    first connection failure of a service is noted (once, with its reason); later calls to
    that service fail at once, and a paper or entry whose look-up needed an unreachable
    service is left as it was, pending, instead of counting a failed attempt.
    """

    def __init__(self, summary: EnrichSummary) -> None:
        self._summary = summary
        self.touched = False

    def all_down(self) -> bool:
        """Every guarded service is unreachable: the rest of the pass would learn nothing."""
        return len(self._summary.unreachable) == len(GUARDED_SERVICES)

    def call(self, attribute: str, call: Callable[[], T]) -> T:
        """Run `call` against the service behind `clients.<attribute>`."""
        name = GUARDED_SERVICES[attribute]
        if name in self._summary.unreachable:
            self.touched = True
            raise MetadataServiceError(attribute, "unreachable in this pass")
        try:
            return call()
        except MetadataServiceError as exc:
            if isinstance(exc.__cause__, OverallDeadlineReached):
                # Not the paper's failure: the pass ran out of time. Leave it as it was.
                self.touched = True
                self._summary.out_of_time = True
            elif isinstance(exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout):
                self.touched = True
                self._summary.unreachable[name] = redact_url(_reasons(exc.__cause__))
                log.warning("cannot reach %s; not asking it again this pass", name)
            raise

    def wrap(self, clients: MetadataClients) -> MetadataClients:
        """`clients` with every guarded service going through `call`."""
        guarded = {
            attribute: cast(Any, _Guarded(getattr(clients, attribute), attribute, self))
            for attribute in GUARDED_SERVICES
        }
        return replace(clients, **guarded)


def _reasons(error: BaseException) -> str:
    """The messages along an exception's chain of causes, e.g. `ConnectError after 1
    attempt; [Errno 111] Connection refused`."""
    messages: list[str] = []
    current: BaseException | None = error
    while current is not None and len(messages) < 5:
        text = str(current) or type(current).__name__
        if not any(text in seen for seen in messages):
            messages.append(text)
        current = current.__cause__ or current.__context__
    return "; ".join(messages)


class _Guarded:
    """A client whose every method goes through ServiceGuard.call."""

    def __init__(self, inner: object, attribute: str, guard: ServiceGuard) -> None:
        self._inner = inner
        self._attribute = attribute
        self._guard = guard

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._inner, name)
        if not callable(method):
            return method

        def guarded(*args: Any, **kwargs: Any) -> Any:
            return self._guard.call(self._attribute, lambda: method(*args, **kwargs))

        return guarded


def plan_pass(
    db: Database,
    *,
    limit: int | None = None,
    entry_limit: int | None = DEFAULT_ENTRY_BATCH,
    now: datetime | None = None,
) -> PassPlan:
    """Pending papers (up to `limit`) and atlas entries due for a check (up to `entry_limit`)."""
    return PassPlan(
        papers=papers_to_enrich(db, limit=limit, max_attempts=MAX_ATTEMPTS),
        entries=entries_to_check(db, limit=entry_limit, now=now),
    )


def enrich(
    db: Database,
    clients: MetadataClients,
    limit: int | None = None,
    *,
    plan: PassPlan | None = None,
    advance: Callable[[], None] = lambda: None,
    should_stop: Callable[[], bool] = lambda: False,
    deadline_seconds: float | None = PASS_DEADLINE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> EnrichSummary:
    """Run one pass over `plan` (default: plan_pass with `limit` for papers and entries).

    `should_stop` is asked before each look-up, so a stopping process finishes quickly
    and leaves the rest pending; so is the pass's deadline (`deadline_seconds` from now),
    so slow services cannot stretch one pass without end.
    """
    if plan is None:
        entry_limit = DEFAULT_ENTRY_BATCH if limit is None else limit
        plan = plan_pass(db, limit=limit, entry_limit=entry_limit)
    summary = EnrichSummary()
    guard = ServiceGuard(summary)
    guarded = guard.wrap(clients)
    ends_at = None if deadline_seconds is None else clock() + deadline_seconds

    def stop_now() -> bool:
        if ends_at is not None and clock() >= ends_at:
            summary.out_of_time = True
        return summary.out_of_time or should_stop()

    # Every request of the pass, and every wait to retry one, ends by the pass's deadline.
    with overall_deadline(deadline_seconds, clock=clock):
        for number, paper in enumerate(plan.papers):
            if stop_now():
                return summary
            if guard.all_down():
                summary.left_pending += len(plan.papers) - number + len(plan.entries)
                return summary
            # Another enricher process may be looking this paper up: leave it to that one.
            if take_paper(db, paper.key, lease=PAPER_LEASE):
                try:
                    enrich_paper(db, guarded, paper, summary, guard=guard)
                finally:
                    give_back_paper(db, paper.key)
            advance()
        for number, entry in enumerate(plan.entries):
            if stop_now():
                return summary
            if guard.all_down():
                summary.left_pending += len(plan.entries) - number
                return summary
            check_entry(db, guarded, entry, summary, guard=guard)
            advance()
    return summary


def enrich_paper(
    db: Database,
    clients: MetadataClients,
    paper: PaperSummary,
    summary: EnrichSummary,
    *,
    guard: ServiceGuard | None = None,
) -> None:
    """Look one paper up and store the outcome; failures leave it pending for a later pass.

    A look-up that needed a service the `guard` found unreachable changes nothing.
    """
    if guard is not None:
        guard.touched = False
    result = look_up(clients, paper.kind, paper.value)
    if guard is not None and guard.touched:
        summary.left_pending += 1
        return
    if result.skipped:
        save_enrichment(db, paper.key, {}, enrich_status="skipped")
        summary.skipped += 1
        return
    stored = _stored_metadata(paper, result)
    if result.errors:
        error = redact_url("; ".join(result.errors))
        save_enrichment(db, paper.key, stored, enrich_status="pending", error=error)
        log.warning("looking up %s failed, left for the next pass: %s", paper.key, error)
        summary.failed += 1
        summary.errors.append(f"{paper.key}: {error}")
    elif result.metadata is None:
        save_enrichment(db, paper.key, stored, enrich_status="not_found")
        summary.not_found += 1
    else:
        save_enrichment(db, paper.key, stored, enrich_status="done")
        summary.enriched += 1
    if result.metadata is not None and alias_if_in_atlas(
        db, paper, result.metadata, vouched=result.vouched
    ):
        summary.resolved += 1


def _stored_metadata(paper: PaperSummary, result: LookupResult) -> dict[str, Any]:
    """The JSON kept on the paper: everything found plus the identifier crosswalk."""
    if result.metadata is None:
        return {}
    data = result.metadata.model_dump(mode="json", exclude_defaults=True)
    identifiers = dict(paper.metadata.get("identifiers") or {})
    identifiers.update(result.metadata.identifiers)
    data["identifiers"] = identifiers
    data["retracted"] = result.metadata.retracted
    return data


def alias_if_in_atlas(
    db: Database,
    paper: PaperSummary,
    metadata: PaperMetadata,
    *,
    vouched: Vouched | None = None,
) -> str | None:
    """If another identifier of the paper is in the atlas, alias this one to that entry.

    The alias resolves the logged paper (and every future mention), so it changes which card
    members see: the identifier that leads to the entry must be reported by two services
    (`vouched`), or the paper's title must match the entry's. Identifiers of the paper that
    point nowhere yet are aliased too, so a later PMCID mention matches at once. Returns the
    entry's slug, or None.
    """
    if metadata.is_notice:
        return None  # a retraction notice is not the study it retracts
    known = metadata.identifiers
    link = next(
        (
            (kind, value, found)
            for kind, value in known.items()
            if (kind, value) != (paper.kind, paper.value)
            and (found := find_entry_id(db, kind, value))
        ),
        None,
    )
    if link is None:
        return None
    kind, value, entry_id = link
    services = (vouched or {}).get((kind, value), set())
    if len(services) < 2 and not _titles_agree(metadata.title, entry_title(db, entry_id)):
        log.warning(
            "%s: only %s says it is %s %s (atlas entry %s) and the titles differ; no alias",
            paper.key,
            ", ".join(sorted(services)) or "one service",
            kind,
            value,
            entry_id,
        )
        return None
    with write_transaction(db):
        add_alias(db, paper.kind, paper.value, entry_id, source="enricher")
        for kind, value in known.items():
            if find_entry_id(db, kind, value) is None:
                add_alias(db, kind, value, entry_id, source="enricher")
        alias_publisher_ids(db, entry_id, metadata.publisher_ids)
    log.info("%s is atlas entry %s: alias added", paper.key, entry_id)
    return entry_id


def _titles_agree(found: str | None, expected: str | None) -> bool:
    """True when a service's title is the atlas entry's (case, punctuation and markup aside)."""
    if not found or not expected:
        return False
    return fuzz.ratio(found, expected, processor=utils.default_process) >= TITLE_MIN_SCORE


def alias_publisher_ids(db: Database, entry_id: str, publisher_ids: Iterable[str]) -> int:
    """Alias the publisher's own ids of an atlas entry's article (a PII, an MDPI path) to it,
    so that links naming the article by them match offline; return how many were new."""
    added = 0
    for value in publisher_ids:
        if find_entry_id(db, PUBLISHER_ID, value) is None:
            add_alias(db, PUBLISHER_ID, value, entry_id, source="enricher")
            added += 1
    return added


def _alias_other_versions(
    db: Database, clients: MetadataClients, entry: EntryToCheck, versions: list[str]
) -> list[str]:
    """Alias an atlas entry's other versions (its preprint, or its published paper) by DOI
    and by title, so that a post naming either version finds the entry; return failures.

    A version that is an atlas entry of its own is left alone: it is matched as itself.
    """
    errors: list[str] = []
    entry_id = entry.id
    for doi in versions[:_MAX_VERSIONS]:
        if find_entry_id(db, "doi", doi) not in (None, entry_id):
            continue
        try:
            other = clients.crossref.work(doi)
        except MetadataServiceError as exc:
            errors.append(str(exc))
            continue
        with write_transaction(db):
            if find_entry_id(db, "doi", doi) is None:
                add_alias(db, "doi", doi, entry_id, source="enricher")
            title = other.title if other is not None else None
            if title and normalize_title(title) != normalize_title(entry.title or ""):
                add_alias(db, "title", title, entry_id, source="enricher")
    return errors


def entries_to_check(
    db: Database,
    *,
    limit: int | None = DEFAULT_ENTRY_BATCH,
    recheck_after: timedelta = RECHECK_AFTER,
    now: datetime | None = None,
) -> list[EntryToCheck]:
    """Atlas entries with a DOI or PMID never checked, last failed, or checked long ago."""
    rows = entries_due_for_check(
        db, checked_before=(now or datetime.now(UTC)) - recheck_after, limit=limit
    )
    return [EntryToCheck(**row) for row in rows]


def check_entry(
    db: Database,
    clients: MetadataClients,
    entry: EntryToCheck,
    summary: EnrichSummary,
    *,
    guard: ServiceGuard | None = None,
) -> None:
    """Ask Crossref and Europe PMC for notices about an atlas entry and store new ones.

    A check that needed a service the `guard` found unreachable changes nothing.
    """
    if guard is not None:
        guard.touched = False
    found: list[PaperMetadata | None] = []
    errors: list[str] = []
    lookups: list[Callable[[], PaperMetadata | None]] = []
    if entry.doi:
        doi = entry.doi
        lookups.append(lambda: clients.crossref.work(doi))
    kind, value = ("pmid", entry.pmid) if entry.pmid else ("doi", entry.doi or "")
    lookups.append(lambda: clients.europepmc.by_identifier(kind, value))
    for call in lookups:
        try:
            found.append(call())
        except MetadataServiceError as exc:
            errors.append(str(exc))
    if guard is not None and guard.touched:
        summary.left_pending += 1
        return
    merged = merge_metadata(found)
    notices = confirmed_notices(found, entry.title) if merged and not merged.is_notice else []
    summary.notices_found += store_flags(db, [_flag(entry.id, n) for n in notices])
    if merged is not None and not merged.is_notice and merged.publisher_ids:
        with write_transaction(db):
            alias_publisher_ids(db, entry.id, merged.publisher_ids)
    if merged is not None and not merged.is_notice:
        # Affiliations, journal abbreviations, volume, article number, keywords: what lets
        # description matching recognise the study ("a Haukeland team", "Sci Rep 9, 1234").
        summary.entries_described += store_entry_metadata(db, entry.id, merged.model_dump())
    if merged is not None and not merged.is_notice:
        errors += _alias_other_versions(db, clients, entry, merged.versions)
    error = redact_url("; ".join(errors)) if errors else None
    record_entry_check(db, entry.id, error=error)
    summary.entries_checked += 1
    if errors:
        summary.entries_failed += 1
        summary.errors.append(f"atlas {entry.id}: {error}")


def confirmed_notices(records: list[PaperMetadata | None], title: str | None) -> list[Notice]:
    """Notices that change a card only when confirmed: reported by a record whose title is
    the atlas entry's, or of a kind that a second service reports too."""
    present = [record for record in records if record is not None and not record.is_notice]
    services_by_kind: dict[str, set[str]] = {}
    for record in present:
        for notice in record.notices:
            services_by_kind.setdefault(notice.kind, set()).add(notice.source)
    kept: dict[tuple[str, str], Notice] = {}
    for record in present:
        title_agrees = _titles_agree(record.title, title)
        for notice in record.notices:
            if title_agrees or len(services_by_kind[notice.kind]) >= 2:
                kept.setdefault((notice.kind, notice.notice_id), notice)
            else:
                log.warning(
                    "%s notice from %s not stored: no second service and the title differs",
                    notice.kind,
                    notice.source,
                )
    return list(kept.values())


def _flag(entry_id: str, notice: Notice) -> EntryFlag:
    return EntryFlag(
        entry_id=entry_id,
        kind=notice.kind,
        notice_id=notice.notice_id,
        source=notice.source,
        label=notice.label,
        notice_doi=notice.notice_doi,
        notice_date=notice.date,
    )


def run_forever(
    db: Database,
    clients: MetadataClients,
    *,
    interval_seconds: float,
    stop: threading.Event,
    limit: int | None = None,
    on_pass: Callable[[EnrichSummary], None] = lambda summary: None,
) -> int:
    """Run a pass, wait `interval_seconds` (or until `stop`), repeat; return passes run.

    A pass that crashes (say, the database is locked for too long) is logged and the loop
    goes on: the papers it did not finish are still pending.
    """
    passes = 0
    while not stop.is_set():
        try:
            summary = enrich(db, clients, limit, should_stop=stop.is_set)
        except Exception:
            log.exception("enrichment pass failed; trying again in %.0fs", interval_seconds)
        else:
            log.info("%s", summary.line())
            on_pass(summary)
        passes += 1
        stop.wait(interval_seconds)
    return passes
