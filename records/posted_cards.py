"""Posted cards: where each card the bot posted lives and which entry version it shows.

A card is recorded when its reply is confirmed (`record_posted`). The refresh pass
(bot.core.refresh) compares each live card's versions with the entries' current ones and
edits the card in place. An edit follows the reply protocol: `claim_edit` (one conditional
UPDATE, so of two passes exactly one wins), the platform edit, `confirm_edit`; a claim left
by a killed pass is taken over once older than the lease, after the pass has looked at the
message to see whether the killed pass's edit went through.

A card whose message is gone is marked `gone`, one that can no longer be edited `frozen`;
both are skipped from then on. Moderators turn refreshing off per place (`card_refresh_off`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from records.db import write_transaction
from records.replies import stamp
from records.store import Database

CardState = Literal["live", "gone", "frozen"]


@dataclass(frozen=True)
class Layout:
    """How the reply was laid out: full cards, link-only studies, its notice and footer."""

    cards: tuple[str, ...]
    more: tuple[str, ...] = ()
    notice: str | None = None
    footer: bool = True

    @property
    def entry_ids(self) -> tuple[str, ...]:
        """Every study the reply shows, in its order."""
        return (*self.cards, *self.more)

    def dumps(self) -> str:
        """The stored JSON form."""
        return json.dumps(
            {
                "cards": list(self.cards),
                "more": list(self.more),
                "notice": self.notice,
                "footer": self.footer,
            }
        )

    @classmethod
    def loads(cls, text: str) -> Layout:
        """Read the stored JSON form."""
        data = json.loads(text)
        return cls(
            cards=tuple(data.get("cards", ())),
            more=tuple(data.get("more", ())),
            notice=data.get("notice"),
            footer=bool(data.get("footer", True)),
        )


@dataclass(frozen=True)
class Shown:
    """One study as a card showed it: its version and the fields behind that version."""

    version: str
    fields: Mapping[str, object]


@dataclass(frozen=True)
class PostedCard:
    """One posted reply with cards, where it lives and what it shows."""

    platform: str
    reply_id: str
    place: str
    thread: str
    message_id: str
    layout: Layout
    shown: Mapping[str, Shown]
    state: CardState
    edit_versions: Mapping[str, Shown] | None
    edit_line: str | None
    edit_claimed_at: str | None
    edits: int
    posted_at: str
    edited_at: str | None

    @property
    def versions(self) -> dict[str, str]:
        """The entry version each study on the card shows."""
        return {entry_id: shown.version for entry_id, shown in self.shown.items()}


def _shown_json(shown: Mapping[str, Shown]) -> str:
    return json.dumps(
        {e: {"version": s.version, "fields": dict(s.fields)} for e, s in shown.items()}
    )


def _shown_from(text: str) -> dict[str, Shown]:
    data = json.loads(text)
    return {e: Shown(str(s["version"]), dict(s["fields"])) for e, s in data.items()}


def record_posted(
    db: Database,
    *,
    platform: str,
    reply_id: str,
    place: str,
    thread: str,
    message_id: str,
    layout: Layout,
    shown: Mapping[str, Shown],
    at: datetime,
) -> None:
    """Remember a reply just confirmed: where it lives and the version of each study."""
    when = stamp(at)
    with write_transaction(db):
        db.execute(
            """INSERT INTO posted_cards (platform, reply_id, place, thread, message_id, layout,
                                         posted_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(platform, reply_id) DO UPDATE SET layout = excluded.layout""",
            [platform, reply_id, place, thread, message_id, layout.dumps(), when],
        )
        _write_shown(db, platform, reply_id, shown)


def _write_shown(db: Database, platform: str, reply_id: str, shown: Mapping[str, Shown]) -> None:
    db.conn.executemany(
        """INSERT INTO posted_card_entries (platform, reply_id, entry_id, version, shown)
           VALUES (?, ?, ?, ?, ?)
           ON CONFLICT(platform, reply_id, entry_id)
           DO UPDATE SET version = excluded.version, shown = excluded.shown""",
        [
            (platform, reply_id, entry_id, s.version, json.dumps(dict(s.fields)))
            for entry_id, s in shown.items()
        ],
    )


_COLUMNS = """platform, reply_id, place, thread, message_id, layout, state, edit_versions,
              edit_line, edit_claimed_at, edits, posted_at, edited_at"""


def posted_cards(
    db: Database, platform: str | None = None, *, state: CardState | None = "live"
) -> list[PostedCard]:
    """Posted cards (of one platform, in one state; None: all), oldest first."""
    where, params = [], []
    if platform is not None:
        where.append("platform = ?")
        params.append(platform)
    if state is not None:
        where.append("state = ?")
        params.append(state)
    clause = f"WHERE {' AND '.join(where)}" if where else ""
    rows = db.query(
        f"SELECT {_COLUMNS} FROM posted_cards {clause} ORDER BY posted_at, reply_id",  # noqa: S608 - fixed fragments
        params,
    )
    return [_card(db, row) for row in rows]


def get_posted(db: Database, platform: str, reply_id: str) -> PostedCard | None:
    """One posted card, or None."""
    rows = list(
        db.query(
            f"SELECT {_COLUMNS} FROM posted_cards WHERE platform = ? AND reply_id = ?",  # noqa: S608 - fixed fragments
            [platform, reply_id],
        )
    )
    return _card(db, rows[0]) if rows else None


def _card(db: Database, row: dict[str, object]) -> PostedCard:
    shown = {
        str(r["entry_id"]): Shown(str(r["version"]), json.loads(str(r["shown"])))
        for r in db.query(
            """SELECT entry_id, version, shown FROM posted_card_entries
               WHERE platform = ? AND reply_id = ?""",
            [row["platform"], row["reply_id"]],
        )
    }
    pending = row["edit_versions"]
    return PostedCard(
        platform=str(row["platform"]),
        reply_id=str(row["reply_id"]),
        place=str(row["place"]),
        thread=str(row["thread"]),
        message_id=str(row["message_id"]),
        layout=Layout.loads(str(row["layout"])),
        shown=shown,
        state=row["state"],  # type: ignore[arg-type]
        edit_versions=_shown_from(str(pending)) if pending is not None else None,
        edit_line=str(row["edit_line"]) if row["edit_line"] is not None else None,
        edit_claimed_at=str(row["edit_claimed_at"]) if row["edit_claimed_at"] else None,
        edits=int(str(row["edits"])),
        posted_at=str(row["posted_at"]),
        edited_at=str(row["edited_at"]) if row["edited_at"] is not None else None,
    )


def claim_edit(
    db: Database,
    platform: str,
    reply_id: str,
    shown: Mapping[str, Shown],
    line: str,
    *,
    at: datetime,
    stale_before: datetime,
) -> bool:
    """Reserve the edit bringing a card to `shown`; False when another pass holds it.

    A claim older than `stale_before` was left by a killed pass and is taken over.
    """
    with write_transaction(db):
        taken = db.execute(
            """UPDATE posted_cards SET edit_versions = ?, edit_line = ?, edit_claimed_at = ?
               WHERE platform = ? AND reply_id = ? AND state != 'gone'
                 AND (edit_claimed_at IS NULL OR edit_claimed_at < ?)""",
            [_shown_json(shown), line, stamp(at), platform, reply_id, stamp(stale_before)],
        )
    return taken.rowcount == 1


def confirm_edit(db: Database, platform: str, reply_id: str, at: datetime) -> None:
    """The claimed edit is on the platform: the card now shows the claimed versions."""
    with write_transaction(db):
        card = get_posted(db, platform, reply_id)
        if card is None or card.edit_versions is None:
            return
        _write_shown(db, platform, reply_id, card.edit_versions)
        db.execute(
            """UPDATE posted_cards SET edit_versions = NULL, edit_line = NULL,
                      edit_claimed_at = NULL, edits = edits + 1, edited_at = ?
               WHERE platform = ? AND reply_id = ?""",
            [stamp(at), platform, reply_id],
        )


def release_edit(db: Database, platform: str, reply_id: str) -> None:
    """The claimed edit surely was not made: a later pass may try again."""
    with write_transaction(db):
        db.execute(
            """UPDATE posted_cards SET edit_versions = NULL, edit_line = NULL,
                      edit_claimed_at = NULL
               WHERE platform = ? AND reply_id = ?""",
            [platform, reply_id],
        )


def mark(
    db: Database,
    platform: str,
    reply_id: str,
    state: CardState,
    reason: str,
    *,
    shown: Mapping[str, Shown] | None = None,
) -> None:
    """Set a card's state (`gone`: its message was deleted; `frozen`: no longer editable);
    `shown` records the versions a follow-up reply told readers about."""
    with write_transaction(db):
        db.execute(
            """UPDATE posted_cards SET state = ?, state_reason = ?, edit_versions = NULL,
                      edit_line = NULL, edit_claimed_at = NULL
               WHERE platform = ? AND reply_id = ?""",
            [state, reason[:500], platform, reply_id],
        )
        if shown is not None:
            _write_shown(db, platform, reply_id, shown)


def set_refresh(
    db: Database, platform: str, place: str, *, on: bool, by: str | None = None
) -> None:
    """Turn refreshing of posted cards on or off in a place (moderators)."""
    with write_transaction(db):
        if on:
            db.execute(
                "DELETE FROM card_refresh_off WHERE platform = ? AND place = ?", [platform, place]
            )
        else:
            db.execute(
                """INSERT INTO card_refresh_off (platform, place, set_by, set_at)
                   VALUES (?, ?, ?, ?) ON CONFLICT(platform, place) DO NOTHING""",
                [platform, place, by, stamp(datetime.now(UTC))],
            )


def refresh_off_places(db: Database, platform: str) -> set[str]:
    """The places of a platform where moderators turned refreshing off."""
    rows = db.execute("SELECT place FROM card_refresh_off WHERE platform = ?", [platform])
    return {str(row[0]) for row in rows.fetchall()}


def entries_shown(db: Database, platforms: Sequence[str] = ()) -> dict[str, int]:
    """How many live cards show each entry (of the given platforms; empty: all)."""
    rows = db.execute(
        """SELECT e.entry_id, c.platform FROM posted_card_entries e
           JOIN posted_cards c ON c.platform = e.platform AND c.reply_id = e.reply_id
           WHERE c.state = 'live'"""
    ).fetchall()
    counts: dict[str, int] = {}
    for entry_id, platform in rows:
        if not platforms or platform in platforms:
            counts[str(entry_id)] = counts.get(str(entry_id), 0) + 1
    return counts
