"""Only the Discord adapter may import discord (DESIGN.md: adapters are the boundary)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

SOURCE_PACKAGES = ["bot", "linker", "records", "config"]


def _imports_discord(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names = [node.module or ""]
        else:
            continue
        if any(name == "discord" or name.startswith("discord.") for name in names):
            return True
    return False


def _python_files() -> list[Path]:
    return sorted(
        path for package in SOURCE_PACKAGES for path in (REPO_ROOT / package).rglob("*.py")
    )


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(REPO_ROOT)))
def test_discord_is_imported_only_by_the_discord_adapter(path: Path) -> None:
    relative = path.relative_to(REPO_ROOT).as_posix()
    if relative.startswith("bot/discord"):
        return
    assert not _imports_discord(path), f"{relative} imports discord"


def test_the_adapter_does_import_discord() -> None:
    assert _imports_discord(REPO_ROOT / "bot" / "discord_bot" / "app.py")
