"""Atlas entries and aliases in the records database."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from records import fulltext
from records.db import write_transaction
from records.errors import UnknownEntry
from records.models import AtlasEntry
from records.store import Database

IDENTIFIER_KINDS = ("doi", "pmid", "pmcid")


@dataclass
class UpsertCounts:
    """What one import did to the atlas table, and which fields each updated entry changed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    changed_fields: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)

    def __iadd__(self, other: UpsertCounts) -> UpsertCounts:
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.changed_fields.extend(other.changed_fields)
        return self


def _given_fields(entry: AtlasEntry) -> dict[str, Any]:
    """The fields a record actually states: set, and not empty (null, "" or [])."""
    given = entry.model_dump(mode="json", exclude_unset=True)
    return {k: v for k, v in given.items() if v not in (None, "", [], {})}


def merge_entry(old: AtlasEntry, new: AtlasEntry) -> AtlasEntry:
    """`old` with every field `new` states: new values win, fields `new` lacks keep theirs.

    A sparser record (an export without summaries, a page the parser half-read) must not
    erase a summary, caveat, PEM badge or identifier the entry already had.
    """
    merged = old.model_dump(mode="json", exclude_unset=True)
    merged.update(_given_fields(new))
    return AtlasEntry.model_validate(merged)


def changed_fields(old: AtlasEntry, new: AtlasEntry) -> tuple[str, ...]:
    """The names of the fields whose values differ between two versions of an entry."""
    before, after = old.to_json_dict(), new.to_json_dict()
    return tuple(sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k)))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _content_hash(data: str) -> str:
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def upsert_entries(
    db: Database, entries: Iterable[AtlasEntry], *, replace: bool = False
) -> UpsertCounts:
    """Insert new entries and merge changes into stored ones, all in one transaction.

    An update merges field by field (see merge_entry); with `replace` the new record
    overwrites the stored one whole. Callers feed batches (see atlas import) so an
    interruption loses at most one batch and never leaves a half-written entry. Pending
    unmatched papers that an entry now covers are resolved in the same transaction.
    """
    new_entries = list(entries)
    counts = UpsertCounts()
    if not new_entries:
        return counts
    with write_transaction(db):
        existing = _existing_rows(db, [entry.id for entry in new_entries])
        changed = []
        stored_entries: dict[str, AtlasEntry] = {}
        for given in new_entries:
            old = existing.get(given.id)
            entry = given
            if old is not None:
                stored = AtlasEntry.model_validate_json(old["data"])
                if not replace:
                    entry = merge_entry(stored, given)
            row = _row(entry)
            if old is None:
                counts.added += 1
            elif old["content_hash"] == row["content_hash"]:
                counts.unchanged += 1
                continue
            else:
                counts.updated += 1
                counts.changed_fields.append((entry.id, changed_fields(stored, entry)))
                row["created_at"] = old["created_at"]
            existing[entry.id] = row  # a later record of the same id merges onto this one
            changed.append(row)
            stored_entries[entry.id] = entry
        if changed:
            columns = list(changed[0])
            # An upsert, not INSERT OR REPLACE: a replace deletes the row first, and the
            # delete would cascade to the entry's aliases.
            updates = ", ".join(
                f"{c} = excluded.{c}" for c in columns if c not in ("id", "created_at")
            )
            db.conn.executemany(
                f"INSERT INTO atlas_entries ({', '.join(columns)}) "  # noqa: S608 - fixed column names
                f"VALUES ({', '.join('?' for _ in columns)}) "
                f"ON CONFLICT(id) DO UPDATE SET {updates}",
                [[row[c] for c in columns] for row in changed],
            )
            fulltext.reindex(db, stored_entries.values())
            resolve_unmatched_covered_by_atlas(db)
    return counts


def _existing_rows(db: Database, ids: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT id, content_hash, created_at, data FROM atlas_entries WHERE id IN ({marks})"  # noqa: S608
        for row in db.query(sql, chunk):
            found[row["id"]] = row
    return found


def _row(entry: AtlasEntry) -> dict[str, Any]:
    data = json.dumps(entry.to_json_dict(), ensure_ascii=False, sort_keys=True)
    now = _now()
    return {
        "id": entry.id,
        "title": entry.title,
        "doi": entry.doi,
        "pmid": entry.pmid,
        "pmcid": entry.pmcid,
        "year": entry.year,
        "first_author": (entry.first_author_surname or "").lower() or None,
        "pem": entry.pem,
        "evidence_level": entry.evidence_level,
        "retracted": int(entry.retracted),
        "data": data,
        "content_hash": _content_hash(data),
        "created_at": now,
        "updated_at": now,
    }


def resolve_unmatched_covered_by_atlas(db: Database) -> int:
    """Mark pending unmatched papers resolved when the atlas (or an alias) now holds them."""
    before = db.conn.total_changes
    for kind in IDENTIFIER_KINDS:
        db.execute(
            f"""UPDATE unmatched_papers SET status = 'resolved', atlas_id = a.id
                FROM atlas_entries a
                WHERE unmatched_papers.status = 'pending' AND unmatched_papers.kind = ?
                  AND unmatched_papers.value = a.{kind}""",  # noqa: S608 - kind is a fixed column name
            [kind],
        )
    db.execute(
        """UPDATE unmatched_papers SET status = 'resolved', atlas_id = al.entry_id
           FROM aliases al
           WHERE unmatched_papers.status = 'pending' AND unmatched_papers.kind = al.kind
             AND unmatched_papers.value = al.value"""
    )
    return db.conn.total_changes - before


def get_entry(db: Database, entry_id: str) -> AtlasEntry | None:
    """The entry with this slug, or None."""
    rows = list(db.query("SELECT data FROM atlas_entries WHERE id = ?", [entry_id]))
    return AtlasEntry.model_validate_json(rows[0]["data"]) if rows else None


def iter_entries(db: Database) -> Iterator[AtlasEntry]:
    """Every atlas entry, in slug order."""
    for row in db.query("SELECT data FROM atlas_entries ORDER BY id"):
        yield AtlasEntry.model_validate_json(row["data"])


def count_entries(db: Database) -> int:
    """How many entries the atlas table holds."""
    return int(db.execute("SELECT count(*) FROM atlas_entries").fetchone()[0])


def entry_title(db: Database, entry_id: str) -> str | None:
    """The title of the entry `entry_id`, or None when there is none."""
    row = db.execute("SELECT title FROM atlas_entries WHERE id = ?", [entry_id]).fetchone()
    return str(row[0]) if row else None


def find_entry_id(db: Database, kind: str, value: str) -> str | None:
    """The slug of the entry with this DOI/PMID/PMCID, directly or through an alias."""
    if kind in IDENTIFIER_KINDS:
        sql = f"SELECT id FROM atlas_entries WHERE {kind} = ? LIMIT 1"  # noqa: S608 - fixed column
        row = db.execute(sql, [value]).fetchone()
        if row:
            return str(row[0])
    row = db.execute(
        "SELECT entry_id FROM aliases WHERE kind = ? AND value = ?", [kind, value]
    ).fetchone()
    return str(row[0]) if row else None


def add_alias(db: Database, kind: str, value: str, entry_id: str, source: str = "manual") -> None:
    """Point an extra identifier at an entry, then resolve logged papers it covers."""
    with db.atomic():
        db.execute(
            "INSERT INTO aliases (kind, value, entry_id, source, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, value) DO UPDATE SET "
            "entry_id = excluded.entry_id, source = excluded.source, "
            "created_at = excluded.created_at",
            [kind, value, entry_id, source, _now()],
        )
        resolve_unmatched_covered_by_atlas(db)


def iter_aliases(db: Database) -> Iterator[tuple[str, str, str]]:
    """(kind, value, entry_id) for every alias."""
    for row in db.execute("SELECT kind, value, entry_id FROM aliases ORDER BY kind, value"):
        yield str(row[0]), str(row[1]), str(row[2])


def atlas_stats(db: Database) -> dict[str, list[tuple[str, int]]]:
    """Entry counts by PEM badge, evidence level and year (None shown as 'unknown')."""
    stats: dict[str, list[tuple[str, int]]] = {}
    for column in ("pem", "evidence_level", "year"):
        sql = (
            f"SELECT coalesce(CAST({column} AS TEXT), 'unknown') AS k, count(*) AS n "  # noqa: S608
            f"FROM atlas_entries GROUP BY k ORDER BY k"
        )
        stats[column] = [(str(k), int(n)) for k, n in db.execute(sql).fetchall()]
    return stats


def shared_identifiers(db: Database) -> list[tuple[str, str, tuple[str, ...]]]:
    """(kind, value, entry ids) for every DOI, PMID or PMCID that several entries carry.

    Such entries make a post citing that identifier get only one of their cards, and
    author-year citations ambiguous; curators should merge or correct them.
    """
    found: list[tuple[str, str, tuple[str, ...]]] = []
    for kind in IDENTIFIER_KINDS:
        sql = (
            f"SELECT {kind}, group_concat(id, char(31)) FROM atlas_entries "  # noqa: S608 - fixed column
            f"WHERE {kind} IS NOT NULL GROUP BY {kind} HAVING count(*) > 1 ORDER BY {kind}"
        )
        for value, ids in db.execute(sql).fetchall():
            found.append((kind, str(value), tuple(sorted(str(ids).split("\x1f")))))
    return found


def other_entry_with(db: Database, kind: str, value: str, entry_id: str) -> str | None:
    """The slug of another entry than `entry_id` carrying this identifier, if any."""
    if kind not in IDENTIFIER_KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}")
    sql = f"SELECT id FROM atlas_entries WHERE {kind} = ? AND id != ? ORDER BY id LIMIT 1"  # noqa: S608
    row = db.execute(sql, [value, entry_id]).fetchone()
    return str(row[0]) if row else None


def entries_carrying(db: Database, kind: str, value: str) -> list[str]:
    """The slugs of every entry carrying this DOI, PMID or PMCID itself, in slug order."""
    if kind not in IDENTIFIER_KINDS:
        return []
    sql = f"SELECT id FROM atlas_entries WHERE {kind} = ? ORDER BY id"  # noqa: S608 - fixed column
    return [str(row[0]) for row in db.execute(sql, [value])]


def entry_names(db: Database) -> Iterator[tuple[str, list[str]]]:
    """(slug, aliases) of every entry that has names people use for it, in slug order."""
    sql = (
        "SELECT data FROM atlas_entries WHERE json_array_length(data, '$.aliases') > 0 ORDER BY id"
    )
    for row in db.execute(sql):
        entry = AtlasEntry.model_validate_json(row[0])
        yield entry.id, list(entry.aliases)


def change_entry_names(
    db: Database, entry_id: str, *, add: Iterable[str] = (), remove: Iterable[str] = ()
) -> list[str]:
    """Add or remove names in an entry's `aliases` (a trial name, an acronym); return them all.

    Names compare without regard to case or surrounding spaces; the first spelling stays.
    Raises UnknownEntry when no entry has the slug.
    """
    with write_transaction(db):
        entry = get_entry(db, entry_id.strip().lower())
        if entry is None:
            raise UnknownEntry(entry_id)
        gone = {name.strip().casefold() for name in remove}
        names = [name for name in entry.aliases if name.casefold() not in gone]
        for given in add:
            name = " ".join(given.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        if names != list(entry.aliases):
            # Validated, not copied: the field's validator makes the list the declared tuple.
            renamed = AtlasEntry.model_validate({**entry.model_dump(), "aliases": names})
            upsert_entries(db, [renamed], replace=True)
    return names
