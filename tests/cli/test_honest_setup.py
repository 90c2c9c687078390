"""What a newcomer reads before the first command is true (issue 28, "Honest setup")."""

from __future__ import annotations

import ast
import re
import tomllib

from click.testing import CliRunner

from bot.cli.main import cli
from records.unmatched import SIGHTING_PLATFORMS
from tests.conftest import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    start = README.index(f"## {title}\n")
    end = README.find("\n## ", start + 1)
    return README[start:end]


def test_the_readme_says_make_test_installs_chromium_and_how_long_it_takes() -> None:
    setup = _section("Setup: two commands")
    for fact in ("chromium", "apt-get", "sudo", "10 minutes on 2 cores"):
        assert fact in setup


def test_deploying_lists_every_procfile_process() -> None:
    procfile = (REPO_ROOT / "Procfile").read_text(encoding="utf-8")
    processes = dict(line.split(": ", 1) for line in procfile.splitlines() if line.strip())
    deploying = _section("Deploying")
    assert len(processes) == 7
    for name, command in processes.items():
        assert f"`{name}`" in deploying
        assert f"`{command}`" in deploying


def test_the_license_is_an_spdx_expression_setuptools_accepts() -> None:
    # A TOML table (`{ text = "MIT" }`) makes setuptools 77+ warn on every install.
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["license"] == "MIT"
    for pattern in project["project"]["license-files"]:
        assert list(REPO_ROOT.glob(pattern))
    requires = project["build-system"]["requires"]
    assert any(re.fullmatch(r"setuptools>=(7[7-9]|[89]\d)(\.\d+)*", r) for r in requires)


def _adapter_platforms() -> set[str]:
    """Every `PLATFORM = "..."` a bot module declares for the posts it converts."""
    found = set()
    for path in (REPO_ROOT / "bot").rglob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["PLATFORM"]
                and isinstance(node.value, ast.Constant)
            ):
                found.add(str(node.value.value))
    return found - {"atlas"}  # the crawler's stream state, not a place sightings come from


def test_the_platform_option_lists_every_platform() -> None:
    assert _adapter_platforms() <= set(SIGHTING_PLATFORMS)
    help_text = CliRunner().invoke(cli, ["unmatched", "list", "--help"]).output
    for platform in SIGHTING_PLATFORMS:
        assert platform in help_text
