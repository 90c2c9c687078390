"""The README's examples after `make demo` work as written, in order (issue 15).

The block after the `readme-examples` marker is read from README.md and each line run by the
installed program in a fresh folder where `make demo`'s command ran first.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.reliability.conftest import clean_environment, program

MARKER = "<!-- readme-examples:"


def readme_examples() -> list[list[str]]:
    """The commands of every marked block, in order, as argument lists (comments dropped)."""
    lines = (REPO_ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    examples: list[list[str]] = []
    for start in (n for n, line in enumerate(lines) if line.startswith(MARKER)):
        assert lines[start + 1] == "```sh"
        end = lines.index("```", start + 2)
        examples += [
            shlex.split(line, comments=True) for line in lines[start + 2 : end] if line.strip()
        ]
    return examples


@pytest.fixture
def after_make_demo(tmp_path: Path) -> Path:
    """A project folder (its config/ linked) in which `make demo`'s command has run."""
    (tmp_path / "config").symlink_to(REPO_ROOT / "config", target_is_directory=True)
    done = run(["evidence-bot", "demo"], tmp_path, clean_environment())
    assert done.returncode == 0, done.stderr
    return tmp_path


def run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    assert args[0] == "evidence-bot", f"README example is not an evidence-bot command: {args}"
    return subprocess.run(  # noqa: S603 - our own program with the README's arguments
        [*program(), *args[1:]],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_readme_examples_run_in_order_against_the_demo_database(
    after_make_demo: Path,
) -> None:
    env = clean_environment()
    outputs: dict[str, str] = {}
    examples = readme_examples()
    assert len(examples) >= 5
    for args in examples:
        if args[0] == "export":
            name, _, value = args[1].partition("=")
            env[name] = value
            continue
        done = run(args, after_make_demo, env)
        shown = " ".join(args)
        assert done.returncode == 0, f"{shown}\n{done.stderr}"
        assert "Traceback" not in done.stderr, shown
        assert "the atlas is empty" not in done.stderr, shown
        outputs[shown] = done.stdout
    assert "PEM required" in outputs["evidence-bot atlas stats"]
    assert "Deep phenotyping" in outputs["evidence-bot lookup 10.1038/s41467-024-45107-3"]
    assert "Unmatched papers (pending" in outputs["evidence-bot unmatched list"]
    assert "Sightings (" in outputs["evidence-bot unmatched show doi:10.3389/fneur.2018.01033"]
    scanned = outputs["evidence-bot --db data/demo.db scan config/sample/posts.jsonl --no-log"]
    atlas_ids = [
        [match["atlas_id"] for match in json.loads(line)["matches"]]
        for line in scanned.splitlines()
    ]
    assert atlas_ids == [
        ["walitt-2024-deep-phenotyping"],
        ["fluge-2019-lymphocyte-depletion"],
        [],
        [None],
    ]
    archived = outputs["evidence-bot --db data/demo.db scan config/sample/RC_sample.zst --jobs 2"]
    assert len(archived.splitlines()) == 6
    census = after_make_demo / "census"
    assert "<svg" in (census / "index.html").read_text(encoding="utf-8")
    assert "doi:10.3389/fneur.2018.01033" in (census / "atlas-queue.csv").read_text()
    # The examples read the demo database; none creates or logs into another one.
    assert sorted(os.listdir(after_make_demo / "data")) == [
        name for name in sorted(os.listdir(after_make_demo / "data")) if name.startswith("demo.db")
    ]


def test_the_readme_no_longer_points_outside_the_project() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    assert "../shared" not in readme
    assert (REPO_ROOT / "docs" / "atlas-format.md").is_file()
    assert "docs/atlas-format.md" in readme
