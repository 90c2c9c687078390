"""The moderator log (who changed what, where) and members' wrong-match reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from records.db import write_transaction
from records.store import Database


@dataclass(frozen=True)
class ModAction:
    """One logged moderator action."""

    id: int
    platform: str
    place: str | None
    actor: str
    action: str
    target: str | None
    detail: str | None
    created_at: str


@dataclass(frozen=True)
class WrongMatchReport:
    """A member saying a card showed the wrong study."""

    id: int
    platform: str
    place: str | None
    message_id: str | None
    reply_id: str | None
    entry_id: str | None
    reporter_hash: str | None
    note: str | None
    created_at: str
    permalink: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def log_action(
    db: Database,
    *,
    platform: str,
    place: str | None,
    actor: str,
    action: str,
    target: str | None = None,
    detail: str | None = None,
) -> int:
    """Append an action to the mod-log and return its id."""
    with write_transaction(db):
        cursor = db.execute(
            """INSERT INTO mod_log (platform, place, actor, action, target, detail, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [platform, place, actor, action, target, detail, _now()],
        )
        return int(cursor.fetchone()[0])


def recent_actions(
    db: Database, *, platform: str | None = None, limit: int = 50
) -> list[ModAction]:
    """The newest mod-log entries first, optionally for one platform."""
    where = "WHERE platform = ?" if platform else ""
    params: list[object] = [platform] if platform else []
    rows = db.query(
        f"""SELECT id, platform, place, actor, action, target, detail, created_at FROM mod_log
            {where} ORDER BY id DESC LIMIT ?""",  # noqa: S608 - fixed fragment
        [*params, limit],
    )
    return [ModAction(**row) for row in rows]


def report_wrong_match(
    db: Database,
    *,
    platform: str,
    place: str | None,
    message_id: str | None,
    reply_id: str | None,
    entry_id: str | None,
    reporter_hash: str | None,
    note: str | None = None,
    permalink: str | None = None,
) -> int:
    """Store a wrong-match report for curators and return its id.

    `permalink` links to where the report was made (next to the card), for curators.
    """
    with write_transaction(db):
        cursor = db.execute(
            """INSERT INTO wrong_match_reports
                   (platform, place, message_id, reply_id, entry_id, reporter_hash, note,
                    permalink, created_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
            [
                platform, place, message_id, reply_id, entry_id, reporter_hash, note,
                permalink, _now(),
            ],
        )  # fmt: skip
        return int(cursor.fetchone()[0])


def wrong_match_reports(db: Database, *, limit: int = 100) -> list[WrongMatchReport]:
    """The newest wrong-match reports first."""
    rows = db.query(
        """SELECT id, platform, place, message_id, reply_id, entry_id, reporter_hash, note,
                  created_at, permalink
           FROM wrong_match_reports ORDER BY id DESC LIMIT ?""",
        [limit],
    )
    return [WrongMatchReport(**row) for row in rows]
