"""The unmatched-paper log: one row per paper the atlas lacks, one sighting per message.

A paper's key is its normalised reference key (`doi:10.1/x`, `pmid:123`, `title:...`), so
every mention of the same paper, on any platform, lands on the same row.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from records.atlas_store import add_alias
from records.db import write_transaction
from records.errors import UnknownEntryError as UnknownEntryError  # noqa: PLC0414 - tests import it here
from records.errors import UnknownPaperError as UnknownPaperError  # noqa: PLC0414 - tests import it here
from records.identifiers import (
    normalize_doi,
    normalize_pmcid,
    normalize_pmid,
    normalize_publisher_id,
)
from records.models import Match, Post, RefKind
from records.store import Database, is_postgres

SortOrder = Literal["mentions", "places", "recent"]
SORT_ORDERS: tuple[SortOrder, ...] = ("mentions", "places", "recent")
STATUSES = ("pending", "resolved", "ignored")
_ORDER_BY: dict[SortOrder, str] = {
    "mentions": "mentions DESC, places DESC, last_seen DESC, p.key",
    "places": "places DESC, mentions DESC, last_seen DESC, p.key",
    "recent": "last_seen DESC, mentions DESC, p.key",
}
_KINDS = {kind.value for kind in RefKind}
_KEYS_PER_QUERY = 500  # bound variables per query, far below any SQLite build's limit


# Where sightings come from: each bot's `Post.platform`, the console bot, and `scan` files.
SIGHTING_PLATFORMS = (
    "discord",
    "reddit",
    "xenforo",
    "discourse",
    "lemmy",
    "feeds",
    "console",
    "scan",
)


def hash_author(author_id: str, salt: str) -> str:
    """A stable pseudonym for an author: counts distinct people without storing who they are."""
    return hashlib.sha256(f"{salt}\x00{author_id}".encode()).hexdigest()[:16]


def record_sightings(db: Database, post: Post, matches: Iterable[Match], *, salt: str) -> int:
    """Log every unmatched match of `post`; return how many new sightings were stored.

    Seeing the same message again (a redelivery, a restart, an edit) adds no sighting and
    does not inflate the mention count. All writes happen in one transaction.
    """
    unmatched = [m for m in matches if m.entry is None]
    if not unmatched:
        return 0
    seen_at = post.created_at.astimezone(UTC).isoformat(timespec="seconds")
    author = hash_author(post.author_id, salt)
    added = 0
    with write_transaction(db):
        for match in unmatched:
            reference = match.reference
            metadata = {
                k: v
                for k, v in (("doi", match.doi), ("pmid", match.pmid), ("pmcid", match.pmcid))
                if v
            }
            db.execute(
                """INSERT INTO unmatched_papers
                       (key, kind, value, raw_text, first_seen, last_seen, mention_count, metadata)
                   VALUES (?, ?, ?, ?, ?, ?, 0, ?)
                   ON CONFLICT(key) DO NOTHING""",
                [
                    reference.key,
                    reference.kind.value,
                    reference.value,
                    reference.text[:500],
                    seen_at,
                    seen_at,
                    json.dumps({"identifiers": metadata}) if metadata else None,
                ],
            )
            cursor = db.execute(
                """INSERT OR IGNORE INTO sightings
                       (paper_key, platform, place, message_id, permalink, author_hash, seen_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?)""",
                [
                    reference.key,
                    post.platform,
                    post.place,
                    post.message_id,
                    post.permalink,
                    author,
                    seen_at,
                ],
            )
            if cursor.rowcount:
                added += 1
                db.execute(
                    """UPDATE unmatched_papers
                       SET mention_count = mention_count + 1,
                           first_seen = min(first_seen, ?), last_seen = max(last_seen, ?)
                       WHERE key = ?""",
                    [seen_at, seen_at, reference.key],
                )
    return added


@dataclass(frozen=True)
class Sighting:
    """One message that mentioned a paper."""

    platform: str
    place: str
    message_id: str
    permalink: str | None
    author_hash: str | None
    seen_at: str


@dataclass(frozen=True)
class PaperSummary:
    """A logged paper with counts computed from its sightings (within any filter applied)."""

    key: str
    kind: str
    value: str
    raw_text: str
    status: str
    mentions: int
    places: int
    people: int
    platforms: tuple[str, ...]
    first_seen: str
    last_seen: str
    atlas_id: str | None = None
    reason: str | None = None
    enrich_status: str = "pending"
    enrich_attempts: int = 0
    enriched_at: str | None = None
    enrich_error: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def title(self) -> str | None:
        """The title found by enrichment, if any."""
        title = self.metadata.get("title")
        return str(title) if title else None


@dataclass(frozen=True)
class PaperDetail:
    """A paper and every sighting of it, newest first."""

    paper: PaperSummary
    sightings: list[Sighting]


def normalize_key(text: str) -> str:
    """The log key a curator meant: `doi:10.1/X`, `10.1/x`, a doi.org link, `PMC12`, `pmid:7`,
    a publisher id (`pii:S0140-6736(11)60096-2`, `mdpi:1422-0067/22/3/1234`).

    Text that is no identifier is returned stripped, so `title:...` keys work as printed.
    """
    raw = text.strip()
    kind, sep, value = raw.partition(":")
    if sep and kind.lower() in _KINDS:
        kind = kind.lower()
        normalizer = {
            "doi": normalize_doi,
            "pmid": normalize_pmid,
            "pmcid": normalize_pmcid,
            "publisher_id": normalize_publisher_id,
        }
        if kind in normalizer:
            return f"{kind}:{normalizer[kind](value) or value.strip()}"
        return f"{kind}:{value.strip()}"
    for kind, normalize in (
        ("publisher_id", normalize_publisher_id),
        ("doi", normalize_doi),
        ("pmcid", normalize_pmcid),
        ("pmid", normalize_pmid),
    ):
        if found := normalize(raw):
            return f"{kind}:{found}"
    return raw


def _since_text(since: datetime | str | None) -> str | None:
    if since is None:
        return None
    if isinstance(since, str):
        since = datetime.fromisoformat(since)
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since.astimezone(UTC).isoformat(timespec="seconds")


def list_papers(
    db: Database,
    *,
    sort: SortOrder = "mentions",
    status: str | None = None,
    platform: str | None = None,
    since: datetime | str | None = None,
    limit: int | None = None,
    keys: Iterable[str] | None = None,
) -> list[PaperSummary]:
    """Logged papers with mention, place and people counts, most requested first.

    `platform` and `since` filter the sightings counted; a paper with none left is omitted.
    """
    if sort not in _ORDER_BY:
        raise ValueError(f"sort must be one of {', '.join(SORT_ORDERS)}")
    join_filters: list[str] = []
    where: list[str] = []
    params: list[Any] = []
    if platform:
        join_filters.append("s.platform = ?")
        params.append(platform)
    if since_text := _since_text(since):
        join_filters.append("s.seen_at >= ?")
        params.append(since_text)
    if status:
        where.append("p.status = ?")
        params.append(status)
    if keys is not None:
        key_list = list(keys)
        where.append(f"p.key IN ({', '.join('?' for _ in key_list)})")
        params.extend(key_list)
    having = "HAVING count(s.id) > 0" if join_filters else ""
    sql = f"""
        SELECT p.*, count(s.id) AS mentions,
               count(DISTINCT s.platform || ':' || s.place) AS places,
               count(DISTINCT s.author_hash) AS people,
               group_concat(DISTINCT s.platform) AS platform_list
        FROM unmatched_papers p
        LEFT JOIN sightings s ON s.paper_key = p.key {"AND " if join_filters else ""}
            {" AND ".join(join_filters)}
        {"WHERE " + " AND ".join(where) if where else ""}
        GROUP BY p.key {having}
        ORDER BY {_ORDER_BY[sort]}
        {"LIMIT ?" if limit is not None else ""}
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound
    if limit is not None:
        params.append(limit)
    return [_summary(row) for row in db.query(sql, params)]


def _summary(row: dict[str, Any]) -> PaperSummary:
    platforms = tuple(sorted(set((row.get("platform_list") or "").split(",")) - {""}))
    return PaperSummary(
        key=row["key"],
        kind=row["kind"],
        value=row["value"],
        raw_text=row["raw_text"],
        status=row["status"],
        mentions=int(row["mentions"]),
        places=int(row["places"]),
        people=int(row["people"]),
        platforms=platforms,
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        atlas_id=row["atlas_id"],
        reason=row["reason"],
        enrich_status=row["enrich_status"],
        enrich_attempts=int(row["enrich_attempts"]),
        enriched_at=row["enriched_at"],
        enrich_error=row.get("enrich_error"),
        metadata=json.loads(row["metadata"]) if row["metadata"] else {},
    )


def get_paper(db: Database, key: str) -> PaperDetail:
    """The paper logged under `key` (see normalize_key) and all its sightings.

    Raises UnknownPaperError when nothing is logged under that key.
    """
    found = list_papers(db, keys=[key])
    if not found:
        raise UnknownPaperError(key)
    return PaperDetail(paper=found[0], sightings=sightings_of(db, key))


def sightings_of(db: Database, key: str) -> list[Sighting]:
    """Every sighting of the paper, newest first."""
    rows = db.query(
        """SELECT platform, place, message_id, permalink, author_hash, seen_at
           FROM sightings WHERE paper_key = ? ORDER BY seen_at DESC, id DESC""",
        [key],
    )
    return [Sighting(**row) for row in rows]


def is_logged(db: Database, key: str) -> bool:
    """Whether a paper is logged under exactly `key` (no normalising)."""
    return db.execute("SELECT 1 FROM unmatched_papers WHERE key = ?", [key]).fetchone() is not None


def latest_permalink(db: Database, key: str) -> str | None:
    """The permalink of the paper's newest sighting that has one."""
    row = db.execute(
        "SELECT permalink FROM sightings WHERE paper_key = ? AND permalink IS NOT NULL "
        "ORDER BY seen_at DESC, id DESC LIMIT 1",
        [key],
    ).fetchone()
    return str(row[0]) if row else None


def pending_seen_in(db: Database, platform: str, place: str, limit: int) -> list[tuple[str, int]]:
    """(key, mentions there) of the `limit` pending papers most sighted in one place."""
    rows = db.execute(
        """SELECT paper_key, count(*) AS n FROM sightings s
           JOIN unmatched_papers p ON p.key = s.paper_key AND p.status = 'pending'
           WHERE s.platform = ? AND s.place = ?
           GROUP BY paper_key ORDER BY n DESC, paper_key LIMIT ?""",
        [platform, place, limit],
    ).fetchall()
    return [(str(key), int(n)) for key, n in rows]


def _require_paper(db: Database, key: str) -> tuple[str, str]:
    row = db.execute("SELECT kind, value FROM unmatched_papers WHERE key = ?", [key]).fetchone()
    if row is None:
        raise UnknownPaperError(key)
    return str(row[0]), str(row[1])


def resolve_paper(
    db: Database,
    key: str,
    atlas_id: str,
    *,
    source: str = "curator",
    actor: str | None = None,
) -> None:
    """Point the paper at an atlas entry: an alias makes future mentions match it.

    With an `actor`, the decision is written to the mod-log too. Raises UnknownPaperError
    or UnknownEntryError; nothing is written then.
    """
    with write_transaction(db):
        kind, value = _require_paper(db, key)
        if db.execute("SELECT 1 FROM atlas_entries WHERE id = ?", [atlas_id]).fetchone() is None:
            raise UnknownEntryError(atlas_id)
        add_alias(db, kind, value, atlas_id, source=source)
        # add_alias resolves pending papers only; a curator's word also reopens an ignored one.
        db.execute(
            "UPDATE unmatched_papers SET status = 'resolved', atlas_id = ?, reason = NULL "
            "WHERE key = ?",
            [atlas_id, key],
        )
        if actor:
            _mod_log(db, actor, "unmatched.resolve", key, atlas_id)


def resolve_conflicts(db: Database, key: str, atlas_id: str) -> list[str]:
    """Why mapping paper `key` to entry `atlas_id` looks like a mistake ([] when it does not).

    The entry already carries another identifier of the paper's kind (a different DOI is a
    different paper), the identifier is already another entry's, or a curator ignored the
    paper, or resolved it to another entry.
    """
    kind, value = _require_paper(db, key)
    row = db.execute(
        "SELECT doi, pmid, pmcid FROM atlas_entries WHERE id = ?", [atlas_id]
    ).fetchone()
    if row is None:
        raise UnknownEntryError(atlas_id)
    reasons = []
    carried = dict(zip(("doi", "pmid", "pmcid"), row, strict=True)).get(kind)
    if carried and carried != value:
        reasons.append(f"{atlas_id} already has {kind.upper()} {carried}, not {value}")
    other = db.execute(
        "SELECT entry_id FROM aliases WHERE kind = ? AND value = ? AND entry_id != ?",
        [kind, value, atlas_id],
    ).fetchone()
    if other:
        reasons.append(f"{kind.upper()} {value} already points to {other[0]}")
    status, reason, current = db.execute(
        "SELECT status, reason, atlas_id FROM unmatched_papers WHERE key = ?", [key]
    ).fetchone()
    if status == "ignored":
        reasons.append(f"a curator ignored this paper ({reason})")
    if status == "resolved" and current and current != atlas_id:
        reasons.append(f"it is already resolved to {current}")
    return reasons


def unresolve_paper(db: Database, key: str, *, actor: str | None = None) -> str:
    """Undo a resolve: drop the paper's alias and make it pending again; return the entry it
    pointed to. Raises ValueError when it is not resolved, or when the atlas entry itself
    carries the identifier (then the atlas entry needs fixing, not the log)."""
    with write_transaction(db):
        kind, value = _require_paper(db, key)
        status, atlas_id = db.execute(
            "SELECT status, atlas_id FROM unmatched_papers WHERE key = ?", [key]
        ).fetchone()
        if status != "resolved" or not atlas_id:
            raise ValueError(f"{key} is not resolved (it is {status})")
        row = db.execute(
            "SELECT doi, pmid, pmcid FROM atlas_entries WHERE id = ?", [atlas_id]
        ).fetchone()
        carried = dict(zip(("doi", "pmid", "pmcid"), row or (None, None, None), strict=True))
        if carried.get(kind) == value:
            raise ValueError(
                f"the atlas entry {atlas_id} itself carries {kind.upper()} {value}; "
                "correct the atlas entry and import it again"
            )
        db.execute("DELETE FROM aliases WHERE kind = ? AND value = ?", [kind, value])
        db.execute(
            "UPDATE unmatched_papers SET status = 'pending', atlas_id = NULL WHERE key = ?", [key]
        )
        if actor:
            _mod_log(db, actor, "unmatched.unresolve", key, atlas_id)
    return str(atlas_id)


def ignore_paper(db: Database, key: str, reason: str, *, actor: str | None = None) -> None:
    """Mark the paper as not worth adding (off-topic, not a study...), with the reason why."""
    if not reason.strip():
        raise ValueError("a reason is required to ignore a paper")
    with write_transaction(db):
        _require_paper(db, key)
        db.execute(
            "UPDATE unmatched_papers SET status = 'ignored', reason = ? WHERE key = ?",
            [reason.strip(), key],
        )
        if actor:
            _mod_log(db, actor, "unmatched.ignore", key, reason.strip())


def _mod_log(db: Database, actor: str, action: str, target: str, detail: str) -> None:
    db.execute(
        "INSERT INTO mod_log (platform, place, actor, action, target, detail, created_at) "
        "VALUES ('cli', NULL, ?, ?, ?, ?, ?)",
        [actor, action, target, detail, datetime.now(UTC).isoformat(timespec="seconds")],
    )


def papers_to_enrich(
    db: Database,
    *,
    limit: int | None = None,
    max_attempts: int = 10,
    recheck_not_found_after: timedelta = timedelta(days=30),
    now: datetime | None = None,
) -> list[PaperSummary]:
    """Pending papers due for a look-up, fewest failed attempts and most mentioned first.

    Due: never enriched (and fewer than `max_attempts` failures), or not found by any
    service longer ago than `recheck_not_found_after` (new papers reach the indexes late).
    """
    cutoff = ((now or datetime.now(UTC)) - recheck_not_found_after).isoformat(timespec="seconds")
    rows = db.query(
        f"""SELECT key FROM unmatched_papers
           WHERE status = 'pending'
             AND ((enrich_status = 'pending' AND enrich_attempts < ?)
                  OR (enrich_status = 'not_found' AND enriched_at < ?))
           ORDER BY enrich_attempts, mention_count DESC, last_seen DESC, key
           {"LIMIT ?" if limit is not None else ""}""",  # noqa: S608 - a fixed fragment
        [max_attempts, cutoff, *([] if limit is None else [limit])],
    )
    keys = [row["key"] for row in rows]
    by_key: dict[str, PaperSummary] = {}
    # In batches: one `IN (?, …)` per paper would pass SQLite's limit on bound variables
    # (32,766 by default, 999 before 3.32) with tens of thousands of pending papers.
    for start in range(0, len(keys), _KEYS_PER_QUERY):
        chunk = keys[start : start + _KEYS_PER_QUERY]
        by_key.update((paper.key, paper) for paper in list_papers(db, keys=chunk))
    return [by_key[key] for key in keys if key in by_key]


def take_paper(db: Database, key: str, *, lease: timedelta, now: datetime | None = None) -> bool:
    """Whether this enricher may look paper `key` up now; if so it is taken for `lease`.

    A paper another enricher took less than `lease` ago is left to it (its process may
    have died: then the paper is taken again once the lease is over); `give_back_paper`
    ends the lease. One conditional UPDATE, so of two enrichers exactly one takes it; on
    PostgreSQL the row is locked with SKIP LOCKED first, so a taker never waits on another.
    """
    moment = now or datetime.now(UTC)
    stale = (moment - lease).isoformat(timespec="seconds")
    skip_locked = " FOR UPDATE SKIP LOCKED" if is_postgres(db) else ""
    with write_transaction(db):
        free = db.execute(
            "SELECT key FROM unmatched_papers "  # noqa: S608 - a fixed fragment
            f"WHERE key = ? AND (enrich_taken_at IS NULL OR enrich_taken_at < ?){skip_locked}",
            [key, stale],
        ).fetchone()
        if free is None:
            return False
        taken = db.execute(
            """UPDATE unmatched_papers SET enrich_taken_at = ?
               WHERE key = ? AND (enrich_taken_at IS NULL OR enrich_taken_at < ?)""",
            [moment.isoformat(timespec="seconds"), key, stale],
        )
        return taken.rowcount == 1


def give_back_paper(db: Database, key: str) -> None:
    """The look-up of `key` is over (stored or left for a later pass): any enricher may take it."""
    db.execute("UPDATE unmatched_papers SET enrich_taken_at = NULL WHERE key = ?", [key])


def save_enrichment(
    db: Database,
    key: str,
    metadata: dict[str, Any],
    *,
    enrich_status: str = "done",
    error: str | None = None,
) -> None:
    """Merge looked-up metadata into the paper and set its enrichment state.

    `enrich_status` stays `pending` (with the attempt counted) when a service failed, so a
    later pass tries again; whatever was found is kept either way.
    """
    now = datetime.now(UTC).isoformat(timespec="seconds")
    with write_transaction(db):
        row = db.execute("SELECT metadata FROM unmatched_papers WHERE key = ?", [key]).fetchone()
        if row is None:
            raise UnknownPaperError(key)
        merged = json.loads(row[0]) if row[0] else {}
        merged.update({k: v for k, v in metadata.items() if v not in (None, [], {})})
        db.execute(
            """UPDATE unmatched_papers
               SET metadata = ?, enrich_status = ?, enrich_error = ?,
                   enrich_attempts = enrich_attempts + ?, enriched_at = ?
               WHERE key = ?""",
            [
                json.dumps(merged, ensure_ascii=False, sort_keys=True),
                enrich_status,
                error,
                1 if error else 0,
                now if enrich_status != "pending" else None,
                key,
            ],
        )
