"""Items whose reply had to wait: the platform refused replies in their place for a while.

A citation posted while the bot is banned (or its replies are refused) in a subreddit is
neither answered nor forgotten: it is kept here until replies work again (then answered) or
until it is too old to answer (then logged as not answered and dropped).
"""

from __future__ import annotations

from dataclasses import dataclass

from records.db import write_transaction
from records.store import Database


@dataclass(frozen=True)
class DeferredItem:
    """One item waiting for its reply."""

    item_id: str
    place: str
    reason: str
    deferred_at: float  # seconds since the epoch


def defer_item(
    db: Database,
    *,
    platform: str,
    item_id: str,
    place: str,
    reason: str,
    at: float,
) -> None:
    """Keep `item_id` for a later reply; a second deferral keeps the first time."""
    with write_transaction(db):
        db.execute(
            "INSERT OR IGNORE INTO deferred_items (platform, item_id, place, reason, deferred_at) "
            "VALUES (?, ?, ?, ?, ?)",
            [platform, item_id, place, reason, at],
        )


def deferred_places(db: Database, platform: str) -> list[str]:
    """The places that have items waiting, in name order."""
    rows = db.query(
        "SELECT DISTINCT place FROM deferred_items WHERE platform = ? ORDER BY place", [platform]
    )
    return [str(row["place"]) for row in rows]


def deferred_items(db: Database, platform: str, place: str) -> list[DeferredItem]:
    """The items waiting in `place`, oldest first."""
    rows = db.query(
        "SELECT item_id, place, reason, deferred_at FROM deferred_items "
        "WHERE platform = ? AND place = ? ORDER BY deferred_at, item_id",
        [platform, place],
    )
    return [
        DeferredItem(str(r["item_id"]), str(r["place"]), str(r["reason"]), float(r["deferred_at"]))
        for r in rows
    ]


def drop_deferred(db: Database, platform: str, item_id: str) -> None:
    """Forget a waiting item (answered, or given up)."""
    with write_transaction(db):
        db.execute(
            "DELETE FROM deferred_items WHERE platform = ? AND item_id = ?", [platform, item_id]
        )
