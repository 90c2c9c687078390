"""SQL stays in records/: no other package imports a SQLite module, and a contract says so."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
SQLITE_MODULES = {"sqlite3", "sqlite_utils"}
OUTSIDE_RECORDS = ("bot", "linker", "config")


def sqlite_imports(path: Path) -> list[str]:
    """`file:line module` for every import of a SQLite module in one source file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [f"{path}:{node.lineno} {n}" for n in names if n.split(".")[0] in SQLITE_MODULES]
    return found


@pytest.mark.parametrize("package", OUTSIDE_RECORDS)
def test_no_module_outside_records_imports_sqlite(package: str) -> None:
    sources = sorted((REPO_ROOT / package).rglob("*.py"))
    assert sources
    assert [hit for path in sources for hit in sqlite_imports(path)] == []


def test_the_finder_sees_a_sqlite_import(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("import os\nfrom sqlite_utils.db import Table\nimport sqlite3 as s\n")
    assert [hit.rsplit(" ", 1)[1] for hit in sqlite_imports(probe)] == [
        "sqlite_utils.db",
        "sqlite3",
    ]


def test_an_import_linter_contract_forbids_sqlite_outside_records() -> None:
    config = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    guards = [
        c
        for c in contracts
        if c["type"] == "forbidden" and set(c["forbidden_modules"]) >= SQLITE_MODULES
    ]
    assert any(set(OUTSIDE_RECORDS) <= set(c["source_modules"]) for c in guards)
