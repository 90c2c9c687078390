"""Naming every missing forum setting at once, before a process says it is watching."""

from __future__ import annotations

from collections.abc import Iterable


def missing_settings(required: Iterable[tuple[str, bool]]) -> str | None:
    """`set A (what it is), B (...)` for each (description, unset) pair that is unset, or
    None when nothing is missing."""
    missing = [what for what, unset in required if unset]
    return "set " + ", ".join(missing) if missing else None
