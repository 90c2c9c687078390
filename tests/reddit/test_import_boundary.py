"""Only the Reddit adapter may import praw or prawcore (DESIGN.md, "Packages")."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SOURCE_PACKAGES = ("bot", "linker", "records", "config")
REDDIT_PACKAGE = REPO_ROOT / "bot" / "reddit_bot"


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def files_outside_the_adapter() -> list[Path]:
    files = [
        p
        for package in SOURCE_PACKAGES
        for p in (REPO_ROOT / package).rglob("*.py")
        if REDDIT_PACKAGE not in p.parents
    ]
    assert files, "no source files found: is REPO_ROOT right?"
    return files


@pytest.mark.parametrize(
    "path", files_outside_the_adapter(), ids=lambda p: str(p.relative_to(REPO_ROOT))
)
def test_praw_is_imported_only_by_the_reddit_adapter(path: Path) -> None:
    assert not imported_roots(path) & {"praw", "prawcore"}


def test_the_reddit_adapter_does_import_praw() -> None:
    roots = set().union(*(imported_roots(p) for p in REDDIT_PACKAGE.glob("*.py")))
    assert {"praw", "prawcore"} <= roots
