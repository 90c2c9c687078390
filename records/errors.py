"""Every exception the records layer raises or lets through, in one place.

The tree (indentation is inheritance):

    sqlite3.Error                    the database driver's own errors, re-exported so callers
    └── DatabaseError                outside records/ never import sqlite3 to catch them
        └── OperationalError         locked past the busy timeout, disk full, read-only file
    LookupError
    ├── UnknownPaperError            no unmatched paper logged under this key
    ├── UnknownEntryError            the atlas holds no entry with this slug (curator commands)
    └── UnknownEntry                 no atlas entry has this slug (atlas store)
    ValueError
    ├── ResolveConflictError         resolving would contradict what the records say
    ├── AtlasPageError               an atlas page lacks something an entry needs
    └── DeploymentFileError          not a deployment export this store can take (deployment)

Callers catch these names from here (a few modules that used to define them still hand
them on, where tests import them); the import-linter contract "SQL stays in records"
forbids `sqlite3` and `sqlite_utils` everywhere else.
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


class UnknownPaperError(LookupError):
    """No logged paper has this key."""

    def __init__(self, key: str) -> None:
        super().__init__(f"no unmatched paper with key {key!r} (see `evidence-bot unmatched list`)")
        self.key = key


class UnknownEntryError(LookupError):
    """The atlas holds no entry with this slug."""

    def __init__(self, entry_id: str) -> None:
        super().__init__(f"the atlas has no entry {entry_id!r} (see `evidence-bot atlas stats`)")
        self.entry_id = entry_id


class ResolveConflictError(ValueError):
    """Resolving would contradict what the records already say (see resolve_conflicts)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class UnknownEntry(LookupError):
    """No atlas entry has the slug given."""


class AtlasPageError(ValueError):
    """The page lacks something an entry cannot do without (the message names it)."""


class DeploymentFileError(ValueError):
    """The file is not a deployment export this store can take (the message says why)."""
