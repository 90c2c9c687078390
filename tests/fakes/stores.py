"""The records store several processes of the real program share, as a test sees it: the
settings that name it (for the processes' environment) and a way to read its rows."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

Row = tuple[object, ...]


@dataclass
class SharedStore:
    """The records store every process uses: the settings that name it, and a reader."""

    env: dict[str, str]
    rows: Callable[[str], list[Row]]


def sqlite_store(path: Path) -> SharedStore:
    """One SQLite file (WAL, busy timeout): the store processes share on one machine."""

    def rows(sql: str) -> list[Row]:
        with sqlite3.connect(path) as conn:
            return list(conn.execute(sql).fetchall())

    return SharedStore({"EVBOT_DATABASE__PATH": str(path)}, rows)
