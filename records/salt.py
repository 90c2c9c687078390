"""The deployment's author-hash salt: random, made once, kept in the records.

Members are stored only as salted hashes of their platform ids (opt-outs, sightings,
reports). A salt anyone knows (the old default "evidence-bot") lets anyone with the records
reverse a hash by hashing every member's id of a forum; a random salt kept beside the data
does not. A salt set in the settings (`database.author_hash_salt`) still wins, so a deployment
that chose its own keeps its pseudonyms.
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

from pydantic import SecretStr

from records.db import write_transaction
from records.store import Database

log = logging.getLogger(__name__)
SALT_NAME = "author_hash_salt"
# What every deployment hashed with before salts were generated: a database that already
# holds hashes keeps it (its opt-outs must keep matching) until its operator sets another.
LEGACY_SALT = "evidence-bot"


def author_hash_salt(db: Database, configured: SecretStr | None = None) -> str:
    """The salt to hash member ids with: the configured one, else the deployment's own
    (generated and stored on first use)."""
    if configured is not None:
        return configured.get_secret_value()
    stored = _stored(db)
    if stored is None:
        with write_transaction(db):
            # Two processes may start at once: the first insert wins, both read it back.
            db.execute(
                "INSERT OR IGNORE INTO deployment_secrets (name, value, created_at) "
                "VALUES (?, ?, ?)",
                [SALT_NAME, secrets.token_hex(32), datetime.now(UTC).isoformat()],
            )
        stored = _stored(db)
        assert stored is not None
    if stored == LEGACY_SALT:
        log.warning(
            "member pseudonyms in this database use the old public salt, which a dictionary "
            "of member ids can reverse (README: Settings, author-hash salt)"
        )
    return stored


def _stored(db: Database) -> str | None:
    row = db.execute("SELECT value FROM deployment_secrets WHERE name = ?", [SALT_NAME]).fetchone()
    return None if row is None else str(row[0])
