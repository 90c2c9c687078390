"""The linker stays pure: no storage, no platforms, nothing built at import time."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

LINKER = Path(__file__).resolve().parents[2] / "linker"
OWN_MODULES = sorted(p for p in LINKER.glob("*.py") if p.name != "atlas_page.py")
ALLOWED_PREFIXES = ("linker", "records.models", "records.identifiers", "config.settings")
THIRD_PARTY = {"rapidfuzz", "ahocorasick"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", OWN_MODULES, ids=lambda p: p.name)
def test_linker_imports_only_models_identifiers_settings_and_libraries(path: Path) -> None:
    for name in _imports(path):
        root = name.split(".")[0]
        if root in {"records", "config", "linker"}:
            assert name.startswith(ALLOWED_PREFIXES), f"{path.name} imports {name}"
        else:
            assert root in THIRD_PARTY or root in _STDLIB, f"{path.name} imports {name}"


_STDLIB = {
    "__future__", "array", "bisect", "collections", "dataclasses", "functools", "gc",
    "itertools", "math", "re", "typing", "unicodedata", "urllib",
}  # fmt: skip
