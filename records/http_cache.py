"""The `http_cache` table: answers and page validators kept between runs, keyed by URL.

The enricher keeps service answers (status and body) for a while; the atlas crawler keeps
each page's ETag / Last-Modified (no body: a 304 means the stored entry stands). One row
shape serves both; the URL is stored with secrets already removed by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from records.db import write_transaction
from records.store import Database


@dataclass(frozen=True)
class CachedAnswer:
    """One stored row."""

    url: str
    status: int
    body: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime


def get_cached(db: Database, url: str) -> CachedAnswer | None:
    """The row stored for `url`, or None."""
    row = db.execute(
        "SELECT status, body, etag, last_modified, fetched_at FROM http_cache WHERE url = ?", [url]
    ).fetchone()
    if row is None:
        return None
    fetched_at = datetime.fromisoformat(row[4])
    if fetched_at.tzinfo is None:
        fetched_at = fetched_at.replace(tzinfo=UTC)
    return CachedAnswer(url, int(row[0]), row[1], row[2], row[3], fetched_at)


def put_cached(
    db: Database,
    url: str,
    status: int,
    *,
    body: str | None = None,
    etag: str | None = None,
    last_modified: str | None = None,
    fetched_at: datetime | None = None,
) -> None:
    """Store (or replace) the row for `url`, inside the caller's transaction if one is open."""
    with write_transaction(db):
        db.execute(
            "INSERT INTO http_cache (url, status, etag, last_modified, body, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET "
            "status = excluded.status, etag = excluded.etag, "
            "last_modified = excluded.last_modified, body = excluded.body, "
            "fetched_at = excluded.fetched_at",
            [
                url,
                status,
                etag,
                last_modified,
                body,
                (fetched_at or datetime.now(UTC)).isoformat(timespec="seconds"),
            ],
        )


def forget_cached(db: Database, url: str) -> None:
    """Drop the row for `url`."""
    with write_transaction(db):
        db.execute("DELETE FROM http_cache WHERE url = ?", [url])
