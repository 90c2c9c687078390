"""The reply log: which messages the bot answered and which studies it carded where.

`replies` has one row per answered message (UNIQUE(platform, message_id)), which is what
guarantees a message is never answered twice, even across processes and restarts: an
adapter *claims* the message before sending and *confirms* with the reply's id after. A
crash in between leaves the message claimed and unanswered; once the claim is older than the
lease (`take_over_stale_claim`) a later delivery may take it over, after the adapter has
checked that the killed process's reply does not exist. `carded`
remembers each study carded in each thread, for the per-thread cooldown. `reply_messages`
has one row per message the bot sent (an edit can add a second reply to the same message),
so any of the bot's replies leads back to the message it answered and the studies it showed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from records.db import write_transaction
from records.store import Database


@dataclass(frozen=True)
class ReplyRecord:
    """One answered (or claimed) message."""

    platform: str
    place: str
    thread: str
    message_id: str
    reply_id: str | None
    entries: tuple[str, ...]
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class ReplyMessage:
    """One message the bot sent: which member's message it answered, with which studies."""

    platform: str
    reply_id: str
    message_id: str
    entries: tuple[str, ...]
    created_at: str


@dataclass(frozen=True)
class ReplyStats:
    """Counts for `evidence stats`: answered messages, cards shown, the most carded studies."""

    replies: int
    cards: int
    studies: int
    top_studies: list[tuple[str, int]]


def stamp(moment: datetime) -> str:
    """The stored form of a time: UTC ISO 8601 to the microsecond (sorts as text).

    Microseconds, because cooldowns compare these stamps: at whole seconds a reply and a
    later one in the same second looked simultaneous.
    """
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def get_reply(db: Database, platform: str, message_id: str) -> ReplyRecord | None:
    """The log row for a message, or None when the bot never answered it."""
    rows = list(
        db.query(
            """SELECT platform, place, thread, message_id, reply_id, entries, created_at,
                      updated_at
               FROM replies WHERE platform = ? AND message_id = ?""",
            [platform, message_id],
        )
    )
    return _record(rows[0]) if rows else None


def find_by_reply_id(db: Database, platform: str, reply_id: str) -> ReplyRecord | None:
    """The log row of the message that the bot's reply `reply_id` (any of them) answered."""
    sent = get_reply_message(db, platform, reply_id)
    return get_reply(db, platform, sent.message_id) if sent is not None else None


def get_reply_message(db: Database, platform: str, reply_id: str) -> ReplyMessage | None:
    """The bot's message `reply_id`: what it answered and the studies it showed, or None."""
    rows = list(
        db.query(
            """SELECT platform, reply_id, message_id, entries, created_at FROM reply_messages
               WHERE platform = ? AND reply_id = ?""",
            [platform, reply_id],
        )
    )
    if not rows:
        return None
    row = rows[0]
    return ReplyMessage(
        platform=str(row["platform"]),
        reply_id=str(row["reply_id"]),
        message_id=str(row["message_id"]),
        entries=tuple(str(e) for e in json.loads(str(row["entries"]))),
        created_at=str(row["created_at"]),
    )


def reply_messages_for(db: Database, platform: str, message_id: str) -> list[ReplyMessage]:
    """Every message the bot sent in answer to `message_id`, oldest first."""
    rows = db.query(
        """SELECT reply_id FROM reply_messages WHERE platform = ? AND message_id = ?
           ORDER BY id""",
        [platform, message_id],
    )
    found = (get_reply_message(db, platform, str(row["reply_id"])) for row in rows)
    return [sent for sent in found if sent is not None]


def _record(row: dict[str, object]) -> ReplyRecord:
    entries = json.loads(str(row["entries"]))
    return ReplyRecord(
        platform=str(row["platform"]),
        place=str(row["place"]),
        thread=str(row["thread"]),
        message_id=str(row["message_id"]),
        reply_id=str(row["reply_id"]) if row["reply_id"] is not None else None,
        entries=tuple(str(e) for e in entries),
        created_at=str(row["created_at"]),
        updated_at=str(row["updated_at"]),
    )


def claim_reply(
    db: Database,
    *,
    platform: str,
    place: str,
    thread: str,
    message_id: str,
    entry_ids: Sequence[str],
    at: datetime,
    author_hash: str | None = None,
    is_edit: bool = False,
    cooldown_since: datetime | None = None,
) -> tuple[str, ...] | None:
    """Reserve the right to answer a message; return the entry ids this caller may card.

    None means the caller must not answer: the message was answered before and this is no
    edit, or the edit cites no study the message has not carded yet. For an edit, only the
    new studies are returned (and added to its row). With `cooldown_since`, studies another
    message carded in the thread since then are dropped too, so two processes answering two
    messages at once cannot both card one study. The checks and the writes share one
    transaction, so two processes can never both win.
    """
    when = stamp(at)
    with write_transaction(db):
        if cooldown_since is not None:
            recent = _carded_by_others(db, platform, thread, message_id, cooldown_since)
            entry_ids = [e for e in entry_ids if e not in recent]
            if not entry_ids:
                return None
        existing = get_reply(db, platform, message_id)
        if existing is None:
            new = tuple(dict.fromkeys(entry_ids))
            db.execute(
                """INSERT INTO replies (platform, place, thread, message_id, author_hash, entries,
                                        created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
                [platform, place, thread, message_id, author_hash, json.dumps(new), when, when],
            )
        elif not is_edit:
            return None
        else:
            new = tuple(e for e in dict.fromkeys(entry_ids) if e not in existing.entries)
            if not new:
                return None
            db.execute(
                """UPDATE replies SET entries = ?, updated_at = ?
                   WHERE platform = ? AND message_id = ?""",
                [json.dumps([*existing.entries, *new]), when, platform, message_id],
            )
        db.conn.executemany(
            """INSERT OR IGNORE INTO carded (platform, thread, entry_id, message_id, carded_at)
               VALUES (?, ?, ?, ?, ?)""",
            [(platform, thread, entry_id, message_id, when) for entry_id in new],
        )
    return new


def take_over_stale_claim(
    db: Database,
    *,
    platform: str,
    thread: str,
    message_id: str,
    entry_ids: Sequence[str],
    at: datetime,
    stale_before: datetime,
    cooldown_since: datetime | None = None,
) -> tuple[str, ...] | None:
    """Take over a claim left unconfirmed since before `stale_before`; the studies won.

    A process killed between claiming and confirming leaves its claim behind with no reply
    id. The first caller after the lease renews the claim (one conditional UPDATE, so of
    two callers exactly one wins) and carries `entry_ids` (less any another message carded
    since `cooldown_since`); None when there is no such stale claim or this caller lost.
    The caller must check whether the killed process's reply exists before sending.
    """
    when = stamp(at)
    with write_transaction(db):
        if cooldown_since is not None:
            recent = _carded_by_others(db, platform, thread, message_id, cooldown_since)
            entry_ids = [e for e in entry_ids if e not in recent]
        new = tuple(dict.fromkeys(entry_ids))
        if not new:
            return None
        taken = db.execute(
            """UPDATE replies SET entries = ?, updated_at = ?
               WHERE platform = ? AND message_id = ? AND reply_id IS NULL AND updated_at < ?""",
            [json.dumps(new), when, platform, message_id, stamp(stale_before)],
        )
        if taken.rowcount != 1:
            return None
        db.execute(
            "DELETE FROM carded WHERE platform = ? AND message_id = ?", [platform, message_id]
        )
        db.conn.executemany(
            """INSERT OR IGNORE INTO carded (platform, thread, entry_id, message_id, carded_at)
               VALUES (?, ?, ?, ?, ?)""",
            [(platform, thread, entry_id, message_id, when) for entry_id in new],
        )
    return new


def _carded_by_others(
    db: Database, platform: str, thread: str, message_id: str, since: datetime
) -> set[str]:
    rows = db.execute(
        """SELECT DISTINCT entry_id FROM carded
           WHERE platform = ? AND thread = ? AND carded_at >= ? AND message_id != ?""",
        [platform, thread, stamp(since), message_id],
    ).fetchall()
    return {str(row[0]) for row in rows}


def confirm_reply(
    db: Database,
    platform: str,
    message_id: str,
    reply_id: str,
    entry_ids: Sequence[str] = (),
    *,
    at: datetime | None = None,
) -> None:
    """Record the bot's message `reply_id`, sent for a claimed message with `entry_ids`.

    Every reply gets its own `reply_messages` row (an edit's second reply included);
    `replies.reply_id` keeps the first reply's id, for links to "the" answer.
    """
    when = stamp(at or datetime.now(UTC))
    with write_transaction(db):
        db.execute(
            """UPDATE replies SET reply_id = coalesce(reply_id, ?)
               WHERE platform = ? AND message_id = ?""",
            [reply_id, platform, message_id],
        )
        if not reply_id:
            return  # a platform that returned no id: nothing to find the reply by
        db.execute(
            """INSERT INTO reply_messages (platform, reply_id, message_id, entries, created_at)
               VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(platform, reply_id) DO UPDATE SET entries = excluded.entries""",
            [platform, reply_id, message_id, json.dumps(list(dict.fromkeys(entry_ids))), when],
        )


def release_reply(db: Database, platform: str, message_id: str, entry_ids: Sequence[str]) -> None:
    """Undo a claim whose reply could not be sent, so the message can be answered later."""
    with write_transaction(db):
        existing = get_reply(db, platform, message_id)
        if existing is None:
            return
        db.conn.executemany(
            "DELETE FROM carded WHERE platform = ? AND message_id = ? AND entry_id = ?",
            [(platform, message_id, entry_id) for entry_id in entry_ids],
        )
        left = [e for e in existing.entries if e not in set(entry_ids)]
        if left:
            db.execute(
                "UPDATE replies SET entries = ? WHERE platform = ? AND message_id = ?",
                [json.dumps(left), platform, message_id],
            )
        else:
            db.execute(
                "DELETE FROM replies WHERE platform = ? AND message_id = ?", [platform, message_id]
            )


def recently_carded(
    db: Database,
    platform: str,
    thread: str,
    since: datetime,
    *,
    except_message: str | None = None,
) -> set[str]:
    """Entry ids carded in the thread at or after `since` (not counting `except_message`)."""
    if except_message is not None:
        return _carded_by_others(db, platform, thread, except_message, since)
    rows = db.execute(
        """SELECT DISTINCT entry_id FROM carded
           WHERE platform = ? AND thread = ? AND carded_at >= ?""",
        [platform, thread, stamp(since)],
    ).fetchall()
    return {str(row[0]) for row in rows}


def unconfirmed_claims(db: Database, platform: str) -> list[tuple[str, str, str]]:
    """(thread, message_id, claimed-at stamp) of the platform's claims never confirmed, oldest
    first (without an order, PostgreSQL returns rows as they lie on disk: a changed row last)."""
    rows = db.execute(
        "SELECT thread, message_id, updated_at FROM replies "
        "WHERE platform = ? AND reply_id IS NULL ORDER BY updated_at, message_id",
        [platform],
    ).fetchall()
    return [
        (str(thread), str(message_id), str(updated_at)) for thread, message_id, updated_at in rows
    ]


def is_stale_claim(record: ReplyRecord, stale_before: datetime) -> bool:
    """Whether a claim was left unconfirmed since before `stale_before` (a killed sender)."""
    return record.reply_id is None and record.updated_at < stamp(stale_before)


def replies_since(db: Database, platform: str, place: str, since: datetime) -> int:
    """How many replies the bot made (or claimed) in a place at or after `since`."""
    row = db.execute(
        """SELECT count(*) FROM replies
           WHERE platform = ? AND place = ? AND updated_at >= ?""",
        [platform, place, stamp(since)],
    ).fetchone()
    return int(row[0])


def reply_stats(
    db: Database,
    *,
    platform: str,
    place: str | None = None,
    since: datetime | None = None,
    top: int = 5,
) -> ReplyStats:
    """Reply and card counts for a platform (optionally one place and a start time)."""
    where = ["platform = ?"]
    params: list[object] = [platform]
    if place is not None:
        where.append("place = ?")
        params.append(place)
    if since is not None:
        where.append("created_at >= ?")
        params.append(stamp(since))
    sql = f"SELECT entries FROM replies WHERE {' AND '.join(where)}"  # noqa: S608 - fixed fragments
    counts: dict[str, int] = {}
    replies = 0
    for (entries,) in db.execute(sql, params).fetchall():
        replies += 1
        for entry_id in json.loads(entries):
            counts[entry_id] = counts.get(entry_id, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return ReplyStats(
        replies=replies,
        cards=sum(counts.values()),
        studies=len(counts),
        top_studies=ranked[:top],
    )
