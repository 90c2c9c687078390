"""The citation census: atlas studies cited in scanned archives, and the report's numbers.

Citations of atlas studies live in `cited_studies` (one row per post and study, so a
rescan adds nothing); papers the atlas lacks live in the unmatched log's sightings. Every
query of `evidence-bot report` is here, filtered the same way by `CensusFilter`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from records.db import write_transaction
from records.models import Post
from records.replies import stamp
from records.retractions import FLAG_KINDS
from records.store import Database
from records.unmatched import hash_author


def record_cited(db: Database, post: Post, entry_ids: Iterable[str], *, salt: str) -> int:
    """Store that `post` cites these atlas studies; how many citations were new."""
    author = hash_author(post.author_id, salt) if post.author_id else None
    rows = [
        (
            post.platform,
            post.place,
            post.message_id,
            entry_id,
            post.permalink,
            None,
            stamp(post.created_at.astimezone(UTC)),
            author,
        )
        for entry_id in dict.fromkeys(entry_ids)
    ]
    if not rows:
        return 0
    with write_transaction(db):
        before = db.conn.total_changes
        db.conn.executemany(
            """INSERT OR IGNORE INTO cited_studies
               (platform, place, message_id, entry_id, permalink, title, cited_at, author_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
            rows,
        )
        return db.conn.total_changes - before


@dataclass(frozen=True)
class CensusFilter:
    """Which sightings and citations the report counts: since a date, one platform, one place."""

    since: str | None = None  # ISO date or time (UTC); stored stamps compare as text
    platform: str | None = None
    place: str | None = None

    def where(self, table: str, time_column: str) -> tuple[str, list[Any]]:
        """The SQL condition (never empty) and its parameters for `table`'s rows."""
        parts, params = ["1 = 1"], []
        if self.since:
            parts.append(f"{table}.{time_column} >= ?")
            params.append(self.since)
        if self.platform:
            parts.append(f"{table}.platform = ?")
            params.append(self.platform)
        if self.place:
            parts.append(f"{table}.place = ?")
            params.append(self.place)
        return " AND ".join(parts), params


def monthly(db: Database, where: CensusFilter) -> list[dict[str, Any]]:
    """Per month (UTC, `YYYY-MM`): citations of atlas studies and mentions of missing papers."""
    cited, cited_params = where.where("c", "cited_at")
    seen, seen_params = where.where("s", "seen_at")
    sql = f"""
        SELECT month, sum(atlas) AS atlas_citations, sum(missing) AS unmatched_mentions
        FROM (
            SELECT substr(c.cited_at, 1, 7) AS month, 1 AS atlas, 0 AS missing
            FROM cited_studies c WHERE {cited}
            UNION ALL
            SELECT substr(s.seen_at, 1, 7), 0, 1 FROM sightings s WHERE {seen}
        ) AS mentions
        GROUP BY month ORDER BY month
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound
    return list(db.query(sql, [*cited_params, *seen_params]))


def top_studies(db: Database, where: CensusFilter, limit: int = 25) -> list[dict[str, Any]]:
    """The most-cited atlas studies with their PEM badge, evidence level and retraction."""
    cited, params = where.where("c", "cited_at")
    sql = f"""
        SELECT c.entry_id, coalesce(e.title, c.entry_id) AS title, e.year, e.pem,
               e.evidence_level, coalesce(e.retracted, 0) AS retracted,
               count(*) AS citations, count(DISTINCT c.author_hash) AS people,
               count(DISTINCT c.platform || ':' || c.place) AS places,
               max(c.cited_at) AS last_cited
        FROM cited_studies c LEFT JOIN atlas_entries e ON e.id = c.entry_id
        WHERE {cited}
        -- The entry's columns are named too: PostgreSQL groups only by what it is told.
        GROUP BY c.entry_id, e.title, e.year, e.pem, e.evidence_level, e.retracted
        ORDER BY citations DESC, people DESC, c.entry_id
        LIMIT ?
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound
    return list(db.query(sql, [*params, limit]))


def pem_mix(db: Database, where: CensusFilter) -> list[dict[str, Any]]:
    """Citations by the cited study's PEM badge (`not recorded` where the atlas shows none)."""
    cited, params = where.where("c", "cited_at")
    sql = f"""
        SELECT coalesce(e.pem, 'not recorded') AS pem, count(*) AS citations,
               count(DISTINCT c.entry_id) AS studies
        FROM cited_studies c LEFT JOIN atlas_entries e ON e.id = c.entry_id
        WHERE {cited}
        GROUP BY 1 ORDER BY citations DESC, pem
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound
    return list(db.query(sql, params))


def flagged_still_cited(db: Database, where: CensusFilter) -> list[dict[str, Any]]:
    """Retracted or flagged studies (atlas banner or a notice the enricher found) still cited:
    where, how often, last seen."""
    cited, params = where.where("c", "cited_at")
    sql = f"""
        SELECT c.entry_id, coalesce(e.title, c.entry_id) AS title,
               CASE WHEN coalesce(e.retracted, 0) = 1 THEN 'retracted (atlas)'
                    ELSE (SELECT group_concat(DISTINCT f.kind) FROM entry_flags f
                          WHERE f.entry_id = c.entry_id) END AS flag,
               c.platform, c.place, count(*) AS citations, max(c.cited_at) AS last_seen,
               (SELECT c2.permalink FROM cited_studies c2
                WHERE c2.entry_id = c.entry_id AND c2.platform = c.platform
                  AND c2.place = c.place
                ORDER BY c2.cited_at DESC, c2.message_id DESC LIMIT 1) AS latest_link
        FROM cited_studies c LEFT JOIN atlas_entries e ON e.id = c.entry_id
        WHERE {cited}
          AND (coalesce(e.retracted, 0) = 1
               OR EXISTS (SELECT 1 FROM entry_flags f WHERE f.entry_id = c.entry_id
                          AND f.kind != 'correction'))
        GROUP BY c.entry_id, c.platform, c.place, e.title, e.retracted
        ORDER BY last_seen DESC, citations DESC, c.entry_id
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound
    return [{**row, "flag": _by_severity(row["flag"])} for row in db.query(sql, params)]


def _by_severity(flag: str | None) -> str | None:
    """The notice kinds of a row's `flag`, most serious first: a `group_concat` has no order of
    its own (SQLite keeps the rows' order, PostgreSQL's DISTINCT sorts them by name)."""
    if flag is None or flag.startswith("retracted"):
        return flag
    return ",".join(sorted(set(flag.split(",")), key=FLAG_KINDS.index))


def unmatched_ranked(db: Database, where: CensusFilter, limit: int = 500) -> list[dict[str, Any]]:
    """Papers the atlas lacks (still pending), ranked by the people and places citing them,
    with what enrichment found (`metadata`, JSON)."""
    seen, params = where.where("s", "seen_at")
    sql = f"""
        SELECT p.key, p.kind, p.value, p.raw_text, p.metadata,
               count(DISTINCT s.author_hash) AS people,
               count(DISTINCT s.platform || ':' || s.place) AS places,
               count(*) AS mentions, min(s.seen_at) AS first_seen, max(s.seen_at) AS last_seen
        FROM sightings s JOIN unmatched_papers p ON p.key = s.paper_key
        WHERE p.status = 'pending' AND {seen}
        GROUP BY p.key
        ORDER BY people DESC, places DESC, mentions DESC, last_seen DESC, p.key
        LIMIT ?
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound
    return list(db.query(sql, [*params, limit]))


def by_place(db: Database, where: CensusFilter) -> list[dict[str, Any]]:
    """Per platform and place: atlas citations, missing-paper mentions, people citing."""
    cited, cited_params = where.where("c", "cited_at")
    seen, seen_params = where.where("s", "seen_at")
    sql = f"""
        SELECT platform, place, sum(atlas) AS atlas_citations,
               sum(missing) AS unmatched_mentions, count(DISTINCT who) AS people
        FROM (
            SELECT c.platform, c.place, 1 AS atlas, 0 AS missing, c.author_hash AS who
            FROM cited_studies c WHERE {cited}
            UNION ALL
            SELECT s.platform, s.place, 0, 1, s.author_hash FROM sightings s WHERE {seen}
        ) AS mentions
        GROUP BY platform, place
        ORDER BY sum(atlas) + sum(missing) DESC, platform, place
    """  # noqa: S608 - only fixed fragments are interpolated; values are bound
    return list(db.query(sql, [*cited_params, *seen_params]))


@dataclass(frozen=True)
class ReportMade:
    """A census written by `evidence-bot report`: its folder, what it counted, when."""

    folder: str
    scope: str
    made_at: str


def record_report(db: Database, folder: str, scope: str, made_at: str) -> None:
    """Remember a report written (the curator view links the latest)."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO census_reports (folder, scope, made_at) VALUES (?, ?, ?)",
            [folder, scope, made_at],
        )


def latest_report(db: Database) -> ReportMade | None:
    """The report written last, if any."""
    row = db.execute(
        "SELECT folder, scope, made_at FROM census_reports ORDER BY made_at DESC, id DESC LIMIT 1"
    ).fetchone()
    return ReportMade(str(row[0]), str(row[1]), str(row[2])) if row else None
