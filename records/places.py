"""Per-place reply settings (a Discord channel or thread, a subreddit) and member opt-outs.

A place with no row follows the defaults in settings.reply. Opt-outs store only the salted
author hash (records.unmatched.hash_author), never who the member is.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Literal, cast

from records.db import write_transaction
from records.store import Database

PlaceMode = Literal["auto", "summon-only", "off"]
PLACE_MODES: tuple[PlaceMode, ...] = ("auto", "summon-only", "off")
DescriptionMode = Literal["card", "suggest", "off"]
DESCRIPTION_MODES: tuple[DescriptionMode, ...] = ("card", "suggest", "off")


@dataclass(frozen=True)
class PlaceSettings:
    """What moderators set for one place; None fields fall back to the global defaults."""

    platform: str
    place: str
    mode: PlaceMode
    cooldown_hours: float | None = None
    description_matches: DescriptionMode | None = None
    updated_by: str | None = None
    updated_at: str | None = None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def get_place_settings(db: Database, platform: str, place: str) -> PlaceSettings | None:
    """The stored settings of a place, or None when moderators never changed it."""
    row = db.execute(
        """SELECT enabled, mode, cooldown_hours, description_matches, updated_by, updated_at
           FROM place_settings WHERE platform = ? AND place = ?""",
        [platform, place],
    ).fetchone()
    if row is None:
        return None
    enabled, mode, cooldown, descriptions, updated_by, updated_at = row
    return PlaceSettings(
        platform=platform,
        place=place,
        mode="off" if not enabled else cast(PlaceMode, mode),
        cooldown_hours=cooldown,
        description_matches=cast(DescriptionMode | None, descriptions),
        updated_by=updated_by,
        updated_at=updated_at,
    )


def get_effective_place_settings(
    db: Database, platform: str, place: str, parent_place: str | None = None
) -> PlaceSettings | None:
    """The settings that apply in `place`: its own row, else its parent place's row.

    So `evidence off` in a Discord channel also covers its threads and forum posts, while
    a thread switched on its own keeps its own mode. A place's own row that sets no cooldown
    takes the parent's cooldown. None means neither has a row: the defaults apply.
    """
    own = get_place_settings(db, platform, place)
    if parent_place is None or parent_place == place:
        return own
    parent = get_place_settings(db, platform, parent_place)
    if own is None:
        return parent
    if parent is not None:
        if own.cooldown_hours is None and parent.cooldown_hours is not None:
            own = replace(own, cooldown_hours=parent.cooldown_hours)
        if own.description_matches is None and parent.description_matches is not None:
            own = replace(own, description_matches=parent.description_matches)
    return own


def set_place_mode(db: Database, platform: str, place: str, mode: PlaceMode, *, actor: str) -> None:
    """Turn the bot on (`auto`), `summon-only` or `off` in a place, keeping its cooldown."""
    if mode not in PLACE_MODES:
        raise ValueError(f"mode must be one of {', '.join(PLACE_MODES)}")
    with write_transaction(db):
        db.execute(
            """INSERT INTO place_settings (platform, place, enabled, mode, updated_by, updated_at)
               VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(platform, place) DO UPDATE SET
                   enabled = excluded.enabled, mode = excluded.mode,
                   updated_by = excluded.updated_by, updated_at = excluded.updated_at""",
            [platform, place, int(mode != "off"), mode, actor, _now()],
        )


def set_place_cooldown(
    db: Database,
    platform: str,
    place: str,
    hours: float | None,
    *,
    actor: str,
    default_mode: PlaceMode,
) -> None:
    """Set (or with None, clear) the place's own cooldown; a new row starts in `default_mode`."""
    if hours is not None and hours < 0:
        raise ValueError("cooldown hours cannot be negative")
    _set_column(
        db, platform, place, "cooldown_hours", hours, actor=actor, default_mode=default_mode
    )


def set_place_description_matches(
    db: Database,
    platform: str,
    place: str,
    how: DescriptionMode,
    *,
    actor: str,
    default_mode: PlaceMode,
) -> None:
    """Set how studies named by description are answered in a place (a new row starts in
    `default_mode`)."""
    if how not in DESCRIPTION_MODES:
        raise ValueError(f"description matches must be one of {', '.join(DESCRIPTION_MODES)}")
    _set_column(
        db, platform, place, "description_matches", how, actor=actor, default_mode=default_mode
    )


def _set_column(
    db: Database,
    platform: str,
    place: str,
    column: Literal["cooldown_hours", "description_matches"],
    value: object,
    *,
    actor: str,
    default_mode: PlaceMode,
) -> None:
    """Set one setting of a place, keeping the others; a new row starts in `default_mode`."""
    with write_transaction(db):
        db.execute(
            f"""INSERT INTO place_settings
                   (platform, place, enabled, mode, {column}, updated_by, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(platform, place) DO UPDATE SET
                   {column} = excluded.{column},
                   updated_by = excluded.updated_by, updated_at = excluded.updated_at""",  # noqa: S608 - a fixed column name
            [platform, place, int(default_mode != "off"), default_mode, value, actor, _now()],
        )


def opt_out(db: Database, platform: str, author_hash: str) -> bool:
    """Record that a member wants no automatic replies; False if they had already opted out."""
    with write_transaction(db):
        cursor = db.execute(
            "INSERT OR IGNORE INTO opt_outs (platform, author_hash, created_at) VALUES (?, ?, ?)",
            [platform, author_hash, _now()],
        )
    return bool(cursor.rowcount)


def opt_in(db: Database, platform: str, author_hash: str) -> bool:
    """Undo an opt-out; False if the member had not opted out."""
    with write_transaction(db):
        cursor = db.execute(
            "DELETE FROM opt_outs WHERE platform = ? AND author_hash = ?", [platform, author_hash]
        )
    return bool(cursor.rowcount)


def is_opted_out(db: Database, platform: str, author_hash: str) -> bool:
    """Whether the member opted out of automatic replies on this platform."""
    row = db.execute(
        "SELECT 1 FROM opt_outs WHERE platform = ? AND author_hash = ?", [platform, author_hash]
    ).fetchone()
    return row is not None
