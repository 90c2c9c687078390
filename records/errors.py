"""Every exception the records layer raises or lets through, in one place.

The tree (indentation is inheritance):

    sqlite3.Error                 the database driver's own errors, re-exported so callers
    └── DatabaseError             in bot/ never import sqlite3 to catch them
        └── OperationalError      locked past the busy timeout, disk full, read-only file

Callers outside `records/` catch these names from here; the import-linter contract
"SQL stays in records" forbids `sqlite3` and `sqlite_utils` everywhere else.
"""

from __future__ import annotations

import sqlite3

DatabaseError = sqlite3.DatabaseError
OperationalError = sqlite3.OperationalError


def is_locked(exc: OperationalError) -> bool:
    """SQLITE_BUSY or SQLITE_LOCKED: another connection holds the database for now."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


__all__ = ["DatabaseError", "OperationalError", "is_locked"]
