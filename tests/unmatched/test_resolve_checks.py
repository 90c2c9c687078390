"""`unmatched resolve` shows the entry and refuses mappings that contradict the records;
`unresolve` undoes one (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.atlas_store import find_entry_id
from records.db import open_db
from records.unmatched import get_paper, ignore_paper
from tests.unmatched.helpers import add_entry, mention


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args])


@pytest.fixture
def papers(db_path: Path) -> Path:
    db = open_db(db_path)
    add_entry(db, "lee-2024-brain-regional", doi="10.1000/lee", year=2024)
    add_entry(db, "roe-2020-no-doi", year=2020)
    mention(db, "doi", "10.1000/other", message_id="a")
    mention(db, "pmid", "4242", message_id="b")
    mention(db, "doi", "10.1000/offtopic", message_id="c")
    ignore_paper(db, "doi:10.1000/offtopic", "a news story")
    db.close()
    return db_path


def status(db_path: Path, key: str) -> tuple[str, str | None]:
    db = open_db(db_path)
    try:
        paper = get_paper(db, key).paper
        return paper.status, paper.atlas_id
    finally:
        db.close()


def test_resolve_shows_the_entry_it_maps_to(papers: Path) -> None:
    result = run(
        papers, "unmatched", "resolve", "pmid:4242", "--atlas-id", "lee-2024-brain-regional"
    )
    assert result.exit_code == 0, result.output
    assert (
        "atlas entry lee-2024-brain-regional: Study lee-2024-brain-regional (2024), DOI 10.1000/lee"
        in result.output
    )
    assert status(papers, "pmid:4242") == ("resolved", "lee-2024-brain-regional")


def test_resolve_refuses_an_entry_with_another_identifier_of_the_same_kind(papers: Path) -> None:
    result = run(
        papers, "unmatched", "resolve", "doi:10.1000/other", "--atlas-id", "lee-2024-brain-regional"
    )
    assert result.exit_code == 1
    assert "lee-2024-brain-regional already has DOI 10.1000/lee, not 10.1000/other" in result.output
    assert "--force" in result.output
    assert status(papers, "doi:10.1000/other") == ("pending", None)


def test_force_resolves_anyway(papers: Path) -> None:
    result = run(papers, "unmatched", "resolve", "doi:10.1000/other", "--atlas-id",
                 "lee-2024-brain-regional", "--force")  # fmt: skip
    assert result.exit_code == 0
    assert status(papers, "doi:10.1000/other") == ("resolved", "lee-2024-brain-regional")


def test_an_entry_without_that_kind_of_identifier_is_no_conflict(papers: Path) -> None:
    result = run(
        papers, "unmatched", "resolve", "doi:10.1000/other", "--atlas-id", "roe-2020-no-doi"
    )
    assert result.exit_code == 0, result.output


def test_resolve_refuses_an_ignored_paper_without_force(papers: Path) -> None:
    result = run(
        papers, "unmatched", "resolve", "doi:10.1000/offtopic", "--atlas-id", "roe-2020-no-doi"
    )
    assert result.exit_code == 1
    assert "a curator ignored this paper (a news story)" in result.output
    assert status(papers, "doi:10.1000/offtopic") == ("ignored", None)


def test_unresolve_undoes_a_resolve(papers: Path) -> None:
    run(papers, "unmatched", "resolve", "pmid:4242", "--atlas-id", "lee-2024-brain-regional")
    result = run(papers, "unmatched", "unresolve", "pmid:4242")
    assert result.exit_code == 0, result.output
    assert "unresolved pmid:4242 (was lee-2024-brain-regional)" in result.output
    assert status(papers, "pmid:4242") == ("pending", None)
    db = open_db(papers)
    try:
        assert find_entry_id(db, "pmid", "4242") is None
        assert db.execute(
            "SELECT action, target FROM mod_log ORDER BY id DESC LIMIT 1"
        ).fetchone() == ("unmatched.unresolve", "pmid:4242")
    finally:
        db.close()


def test_unresolve_of_a_pending_paper_is_an_error(papers: Path) -> None:
    result = run(papers, "unmatched", "unresolve", "pmid:4242")
    assert result.exit_code == 1
    assert "pmid:4242 is not resolved (it is pending)" in result.output


def test_unresolve_refuses_a_paper_the_atlas_entry_itself_carries(db_path: Path) -> None:
    db = open_db(db_path)
    mention(db, "doi", "10.1000/lee")
    add_entry(db, "lee-2024-brain-regional", doi="10.1000/lee")  # resolves the logged paper
    db.close()
    result = run(db_path, "unmatched", "unresolve", "doi:10.1000/lee")
    assert result.exit_code == 1
    assert "the atlas entry lee-2024-brain-regional itself carries DOI 10.1000/lee" in result.output
    assert status(db_path, "doi:10.1000/lee") == ("resolved", "lee-2024-brain-regional")
