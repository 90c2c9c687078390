"""`evidence-bot demo` (what `make demo` runs) on a fresh database."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.demo_cmd import sample_path
from bot.cli.main import cli
from bot.core.policy import Verdict
from records.db import open_db
from records.unmatched import list_papers
from tests.conftest import SAMPLE_ATLAS
from tests.reliability.conftest import clean_environment, program


def run_demo(db_path: Path) -> Result:
    # A wide terminal, so no sentence the tests look for is wrapped.
    runner = CliRunner(env={"COLUMNS": "200"})
    return runner.invoke(cli, ["--db", str(db_path), "demo"], catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    db_path = tmp_path_factory.mktemp("demo") / "demo.db"
    result = run_demo(db_path)
    assert result.exit_code == 0, result.output
    return db_path, result.output


def test_demo_imports_the_sample_atlas(demo_run: tuple[Path, str]) -> None:
    assert "Imported the sample atlas" in demo_run[1]
    assert "12 studies" in demo_run[1]


def test_demo_says_the_sample_summaries_are_sample_text(demo_run: tuple[Path, str]) -> None:
    output = " ".join(demo_run[1].split())
    assert "sample text written for this demo, not the atlas's own words" in output


def test_demo_cards_say_when_the_atlas_records_no_pem_badge(demo_run: tuple[Path, str]) -> None:
    assert "PEM badge: not recorded by the atlas" in demo_run[1]
    assert "Moderate confidence" in demo_run[1]


def test_demo_shows_cards_for_studies_in_the_atlas(demo_run: tuple[Path, str]) -> None:
    output = demo_run[1]
    assert output.count("╭─ evidence-bot ·") >= 5
    assert "Neuroinflammation in Patients with Chronic Fatigue" in output
    assert "And 2 more:" in output


def test_demo_shows_the_bot_staying_quiet_for_a_reason(demo_run: tuple[Path, str]) -> None:
    output = demo_run[1]
    for verdict in (Verdict.BOT_AUTHOR, Verdict.OPTED_OUT, Verdict.COOLDOWN, Verdict.NO_STUDIES):
        assert f"no reply: {verdict.value}" in output


@pytest.mark.sqlite_only
def test_demo_ends_with_the_unmatched_paper_log(demo_run: tuple[Path, str]) -> None:
    db_path, output = demo_run
    table = output[output.index("Unmatched-paper log") :]
    db = open_db(db_path)
    try:
        papers = list_papers(db)
    finally:
        db.close()
    assert len(papers) >= 4
    assert papers[0].mentions == 2
    for paper in papers:
        assert paper.key[:30] in table


@pytest.mark.parametrize(
    "marker",
    [
        "https://doi.org/",
        "doi:10.",
        "PMID ",
        "PMCID PMC",
        "pmc.ncbi.nlm.nih.gov/articles/PMC",
        "pubmed.ncbi.nlm.nih.gov/",
        "mecfsatlas.com/evidence/",
        "Lee et al.",
        '"The Prospects of the Two-Day Cardiopulmonary Exercise Test (CPET) in ME/CFS Patients"',
        "[bot]:",
        "[edit ",
        "!evidence optout",
    ],
)
def test_the_sample_thread_cites_studies_every_way_members_do(marker: str) -> None:
    assert marker in sample_path("thread.txt").read_text(encoding="utf-8")


@pytest.mark.sqlite_only
def test_demo_starts_from_a_fresh_database_every_time(tmp_path: Path) -> None:
    db_path = tmp_path / "demo.db"
    first = run_demo(db_path)
    second = run_demo(db_path)
    assert first.exit_code == second.exit_code == 0
    db = open_db(db_path)
    try:
        replies = db.execute("SELECT count(*) FROM replies").fetchone()[0]
    finally:
        db.close()
    assert replies > 0
    assert second.output.count("╭─ evidence-bot ·") == first.output.count("╭─ evidence-bot ·")


def test_the_closing_commands_work_without_the_venv_on_path(tmp_path: Path) -> None:
    # A newcomer runs `make demo`, which starts .venv/bin/evidence-bot without activating.
    env = clean_environment({"PATH": "/usr/bin:/bin"})
    demo = subprocess.run(  # noqa: S603 - our own program
        [*program(), "demo"], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert demo.returncode == 0, demo.stderr
    tried = demo.stdout[demo.stdout.index("Try:") :].splitlines()[1:]
    assert len(tried) == 2
    for line in tried:
        done = subprocess.run(  # noqa: S603 - the command the demo printed
            shlex.split(line), cwd=tmp_path, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"{line}\n{done.stderr}"


def test_the_no_database_hint_names_a_command_creating_that_database(tmp_path: Path) -> None:
    missing = tmp_path / "records.db"
    env = clean_environment({"PATH": "/usr/bin:/bin"})
    done = subprocess.run(  # noqa: S603 - our own program
        [*program(), "--db", str(missing), "atlas", "stats"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    hint = done.stderr[done.stderr.index("`") + 1 : done.stderr.rindex("`")]
    assert hint.endswith(f"--db {missing} atlas import FILE")
    created = subprocess.run(  # noqa: S603 - the command the hint names
        shlex.split(hint.replace("FILE", str(SAMPLE_ATLAS))),
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert missing.is_file()
