"""Schema migrations: an ordered list, each applied once and recorded in `_migrations`.

Add a new function at the end of MIGRATIONS for every schema change; never edit one that has
shipped. Running `migrate` again is a no-op, and an older database is upgraded in place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from records import fulltext
from records.store import Database, is_postgres, table_exists

Migration = Callable[[Database], None]


def _m001_initial(db: Database) -> None:
    """Atlas entries, aliases, unmatched log with sightings, replies, places, opt-outs, mod-log."""
    _run_script(
        db,
        """
        CREATE TABLE atlas_entries (
            id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            doi TEXT,
            pmid TEXT,
            pmcid TEXT,
            year INTEGER,
            first_author TEXT,
            pem TEXT,
            evidence_level TEXT,
            retracted INTEGER NOT NULL DEFAULT 0,
            data TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_atlas_doi ON atlas_entries(doi);
        CREATE INDEX idx_atlas_pmid ON atlas_entries(pmid);
        CREATE INDEX idx_atlas_pmcid ON atlas_entries(pmcid);
        CREATE INDEX idx_atlas_author_year ON atlas_entries(first_author, year);

        CREATE TABLE aliases (
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            entry_id TEXT NOT NULL REFERENCES atlas_entries(id) ON DELETE CASCADE,
            source TEXT NOT NULL DEFAULT 'manual',
            created_at TEXT NOT NULL,
            PRIMARY KEY (kind, value)
        );
        CREATE INDEX idx_aliases_entry ON aliases(entry_id);

        CREATE TABLE unmatched_papers (
            key TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            value TEXT NOT NULL,
            raw_text TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            mention_count INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'resolved', 'ignored')),
            atlas_id TEXT,
            reason TEXT,
            metadata TEXT,
            enrich_status TEXT NOT NULL DEFAULT 'pending',
            enrich_attempts INTEGER NOT NULL DEFAULT 0,
            enriched_at TEXT
        );
        CREATE INDEX idx_unmatched_status ON unmatched_papers(status, mention_count);
        CREATE INDEX idx_unmatched_last_seen ON unmatched_papers(last_seen);

        CREATE TABLE sightings (
            id INTEGER PRIMARY KEY,
            paper_key TEXT NOT NULL REFERENCES unmatched_papers(key) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            place TEXT NOT NULL,
            message_id TEXT NOT NULL,
            permalink TEXT,
            author_hash TEXT,
            seen_at TEXT NOT NULL,
            UNIQUE (paper_key, platform, message_id)
        );
        CREATE INDEX idx_sightings_place ON sightings(platform, place);
        CREATE INDEX idx_sightings_seen ON sightings(seen_at);

        CREATE TABLE replies (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            place TEXT NOT NULL,
            thread TEXT NOT NULL,
            message_id TEXT NOT NULL,
            reply_id TEXT,
            author_hash TEXT,
            entries TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            UNIQUE (platform, message_id)
        );
        CREATE INDEX idx_replies_place_time ON replies(platform, place, created_at);
        CREATE INDEX idx_replies_reply_id ON replies(platform, reply_id);

        CREATE TABLE carded (
            platform TEXT NOT NULL,
            thread TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            carded_at TEXT NOT NULL,
            PRIMARY KEY (platform, thread, entry_id, message_id)
        );
        CREATE INDEX idx_carded_recent ON carded(platform, thread, entry_id, carded_at);

        CREATE TABLE place_settings (
            platform TEXT NOT NULL,
            place TEXT NOT NULL,
            enabled INTEGER NOT NULL DEFAULT 1,
            mode TEXT NOT NULL DEFAULT 'auto' CHECK (mode IN ('auto', 'summon-only', 'off')),
            cooldown_hours REAL,
            updated_by TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, place)
        );

        CREATE TABLE opt_outs (
            platform TEXT NOT NULL,
            author_hash TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (platform, author_hash)
        );

        CREATE TABLE mod_log (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            place TEXT,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT,
            detail TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX idx_mod_log_time ON mod_log(created_at);

        CREATE TABLE wrong_match_reports (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            place TEXT,
            message_id TEXT,
            reply_id TEXT,
            entry_id TEXT,
            reporter_hash TEXT,
            note TEXT,
            created_at TEXT NOT NULL
        );

        CREATE TABLE stream_state (
            platform TEXT NOT NULL,
            stream TEXT NOT NULL,
            cursor TEXT,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (platform, stream)
        );

        CREATE TABLE seen_items (
            platform TEXT NOT NULL,
            item_id TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (platform, item_id)
        );

        CREATE TABLE http_cache (
            url TEXT PRIMARY KEY,
            status INTEGER NOT NULL,
            etag TEXT,
            last_modified TEXT,
            body TEXT,
            fetched_at TEXT NOT NULL
        );
        """,
    )


def _m002_entry_flags(db: Database) -> None:
    """Retraction/correction notices found by the enricher, per-entry check times, last errors.

    No foreign key to atlas_entries: an atlas re-import replaces entry rows, and a cascade
    would silently drop the notices found for them.
    """
    _run_script(
        db,
        """
        CREATE TABLE entry_flags (
            id INTEGER PRIMARY KEY,
            entry_id TEXT NOT NULL,
            kind TEXT NOT NULL
                CHECK (kind IN ('retraction', 'expression_of_concern', 'correction',
                                'withdrawal')),
            notice_id TEXT NOT NULL,
            label TEXT,
            notice_doi TEXT,
            notice_date TEXT,
            source TEXT NOT NULL,
            detected_at TEXT NOT NULL,
            UNIQUE (entry_id, kind, notice_id)
        );
        CREATE INDEX idx_entry_flags_kind ON entry_flags(kind, entry_id);

        CREATE TABLE entry_checks (
            entry_id TEXT PRIMARY KEY,
            status TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            error TEXT,
            checked_at TEXT NOT NULL
        );

        ALTER TABLE unmatched_papers ADD COLUMN enrich_error TEXT
        """,
    )


def _m003_reply_messages(db: Database) -> None:
    """One row per message the bot sent, so a second reply (after an edit) can be found too.

    `replies` keeps one row per answered message (the never-twice guarantee) with the first
    reply's id; earlier replies are copied over with the studies their message holds.
    """
    _run_script(
        db,
        """
        CREATE TABLE reply_messages (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            reply_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            entries TEXT NOT NULL DEFAULT '[]',
            created_at TEXT NOT NULL,
            UNIQUE (platform, reply_id)
        );
        CREATE INDEX idx_reply_messages_message ON reply_messages(platform, message_id);

        INSERT OR IGNORE INTO reply_messages (platform, reply_id, message_id, entries, created_at)
            SELECT platform, reply_id, message_id, entries, created_at FROM replies
            WHERE reply_id IS NOT NULL AND reply_id != ''
        """,
    )


def _m004_seen_items_by_time(db: Database) -> None:
    """Seen marks by platform and time, so old ones can be pruned without a full scan."""
    _run_script(db, "CREATE INDEX idx_seen_items_time ON seen_items(platform, seen_at)")


def _m005_wrong_match_permalink(db: Database) -> None:
    """Where a wrong-match report was made, so curators can read the conversation."""
    _run_script(db, "ALTER TABLE wrong_match_reports ADD COLUMN permalink TEXT")


def _m006_deferred_items(db: Database) -> None:
    """Items whose reply waits until the platform takes replies in their place again."""
    _run_script(
        db,
        """
        CREATE TABLE deferred_items (
            platform TEXT NOT NULL,
            item_id TEXT NOT NULL,
            place TEXT NOT NULL,
            reason TEXT NOT NULL,
            deferred_at REAL NOT NULL,
            PRIMARY KEY (platform, item_id)
        );
        CREATE INDEX idx_deferred_items_place ON deferred_items(platform, place)
        """,
    )


def _m007_cited_studies(db: Database) -> None:
    """Atlas studies cited in posts the bot only reads (feeds), for the moderator digest."""
    _run_script(
        db,
        """
        CREATE TABLE cited_studies (
            platform TEXT NOT NULL,
            place TEXT NOT NULL,
            message_id TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            permalink TEXT,
            title TEXT,
            cited_at TEXT NOT NULL,
            PRIMARY KEY (platform, message_id, entry_id)
        );
        CREATE INDEX idx_cited_studies_time ON cited_studies(platform, cited_at)
        """,
    )


def _m008_atlas_search(db: Database) -> None:
    """The full-text search table over atlas entries (records.fulltext), filled from them."""
    fulltext.rebuild(db)


def _m009_deployment_secrets(db: Database) -> None:
    """Secrets a deployment generates for itself (the author-hash salt, records/salt.py).

    A database that already holds member hashes made them with the old public default
    salt; it keeps that salt, so opt-outs keep matching, instead of getting a new one.
    """
    _run_script(
        db,
        """
        CREATE TABLE deployment_secrets (
            name TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            created_at TEXT NOT NULL
        )
        """,
    )
    hashed = db.execute(
        """SELECT EXISTS (SELECT 1 FROM opt_outs)
               OR EXISTS (SELECT 1 FROM sightings WHERE author_hash IS NOT NULL)
               OR EXISTS (SELECT 1 FROM replies WHERE author_hash IS NOT NULL)
               OR EXISTS (SELECT 1 FROM wrong_match_reports WHERE reporter_hash IS NOT NULL)"""
    ).fetchone()[0]
    if hashed:
        db.execute(
            "INSERT INTO deployment_secrets (name, value, created_at) VALUES (?, ?, ?)",
            ["author_hash_salt", "evidence-bot", datetime.now(UTC).isoformat()],
        )


def _m009_place_description_matches(db: Database) -> None:
    """A place's own way of answering studies named by description (card, suggest, off)."""
    db.execute("ALTER TABLE place_settings ADD COLUMN description_matches TEXT")


def _m010_census_citations(db: Database) -> None:
    """Who cited an atlas study (a member pseudonym), so the census counts people, not posts."""
    _run_script(
        db,
        """
        ALTER TABLE cited_studies ADD COLUMN author_hash TEXT;
        CREATE INDEX idx_cited_studies_entry ON cited_studies(entry_id, cited_at)
        """,
    )


def _m011_atlas_entry_metadata(db: Database) -> None:
    """What the enricher learned about atlas entries (records.entry_metadata)."""
    db.execute(
        """CREATE TABLE atlas_entry_metadata (
            entry_id TEXT PRIMARY KEY REFERENCES atlas_entries(id) ON DELETE CASCADE,
            data TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )


def _m012_census_reports(db: Database) -> None:
    """Where `evidence-bot report` wrote each census, so the curator view links the latest."""
    _run_script(
        db,
        """
        CREATE TABLE census_reports (
            id INTEGER PRIMARY KEY,
            folder TEXT NOT NULL,
            scope TEXT NOT NULL,
            made_at TEXT NOT NULL
        )
        """,
    )


def _m013_posted_cards(db: Database) -> None:
    """Where each posted card lives and the entry version it shows, so it can be refreshed.

    `posted_card_entries` holds one row per study a card shows: its version (a hash of the
    fields the card shows) and those fields, to say what changed when the entry changes.
    An edit is claimed (`edit_*` columns) before it is sent and confirmed after, like a reply.
    """
    _run_script(
        db,
        """
        CREATE TABLE posted_cards (
            platform TEXT NOT NULL,
            reply_id TEXT NOT NULL,
            place TEXT NOT NULL,
            thread TEXT NOT NULL,
            message_id TEXT NOT NULL,
            layout TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'live' CHECK (state IN ('live', 'gone', 'frozen')),
            state_reason TEXT,
            edit_versions TEXT,
            edit_line TEXT,
            edit_claimed_at TEXT,
            edits INTEGER NOT NULL DEFAULT 0,
            posted_at TEXT NOT NULL,
            edited_at TEXT,
            PRIMARY KEY (platform, reply_id)
        );
        CREATE INDEX idx_posted_cards_state ON posted_cards(platform, state);

        CREATE TABLE posted_card_entries (
            platform TEXT NOT NULL,
            reply_id TEXT NOT NULL,
            entry_id TEXT NOT NULL,
            version TEXT NOT NULL,
            shown TEXT NOT NULL,
            PRIMARY KEY (platform, reply_id, entry_id)
        );
        CREATE INDEX idx_posted_card_entries_entry ON posted_card_entries(entry_id);

        CREATE TABLE card_refresh_off (
            platform TEXT NOT NULL,
            place TEXT NOT NULL,
            set_by TEXT,
            set_at TEXT NOT NULL,
            PRIMARY KEY (platform, place)
        )
        """,
    )


def _m014_enrich_leases(db: Database) -> None:
    """When an enricher took a paper to look up (records.unmatched.take_paper), so two
    enricher processes share the work instead of both looking every paper up."""
    db.execute("ALTER TABLE unmatched_papers ADD COLUMN enrich_taken_at TEXT")


def _run_script(db: Database, script: str) -> None:
    """Run statements one by one: executescript would COMMIT mid-migration."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


MIGRATIONS: list[Migration] = [
    _m001_initial,
    _m002_entry_flags,
    _m003_reply_messages,
    _m004_seen_items_by_time,
    _m005_wrong_match_permalink,
    _m006_deferred_items,
    _m007_cited_studies,
    _m008_atlas_search,
    _m009_place_description_matches,
    _m009_deployment_secrets,
    _m010_census_citations,
    _m011_atlas_entry_metadata,
    _m012_census_reports,
    _m013_posted_cards,
    _m014_enrich_leases,
]


def migrate(db: Database) -> list[str]:
    """Apply every migration not yet recorded; return their names.

    The pending ones run in one transaction that holds the write lock (BEGIN IMMEDIATE on
    SQLite, the advisory write lock on PostgreSQL), and the list is read again once the lock
    is held: of two processes starting at once, one migrates and the other finds it done.
    """
    if _has_migrations_table(db) and not _pending(db):
        return []
    applied: list[str] = []
    with _write_lock(db):
        db.execute(
            "CREATE TABLE IF NOT EXISTS _migrations "
            "(name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        for name, migration in _pending(db):
            with db.atomic():
                migration(db)
                db.execute(
                    "INSERT INTO _migrations (name, applied_at) VALUES (?, ?)",
                    [name, datetime.now(UTC).isoformat()],
                )
            applied.append(name)
    return applied


def _has_migrations_table(db: Database) -> bool:
    # Checked before creating it: on PostgreSQL two CREATE TABLE IF NOT EXISTS at once can
    # still collide, so the table is only created under the write lock.
    return table_exists(db, "_migrations")


def _pending(db: Database) -> list[tuple[str, Migration]]:
    done = {row["name"] for row in db.query("SELECT name FROM _migrations")}
    named = ((migration.__name__.lstrip("_"), migration) for migration in MIGRATIONS)
    return [(name, migration) for name, migration in named if name not in done]


@contextmanager
def _write_lock(db: Database) -> Iterator[None]:
    if is_postgres(db) or db.conn.in_transaction:
        with db.atomic():
            yield
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.conn.rollback()
        raise
    db.execute("COMMIT")
