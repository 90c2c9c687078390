"""The live bots and `scan` log exactly the same unmatched keys for the same text.

Each text goes through the real `scan` command (its own records file) and through the real
EvidenceService as a live post (another records file); both logs must hold the expected keys,
one per paper: the identifier when the post gives one, else first author + year.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.core.factory import build_service
from config.settings import Settings
from records.atlas_store import upsert_entries
from records.db import open_db
from records.models import AtlasEntry, Post
from tests.conftest import SAMPLE_ATLAS

CASES = [
    ("nothing cited", "Crashed for a week after a short walk.", []),
    ("author-year citation", "Smith et al. 2021 found the same thing", ["author_year:smith 2021"]),
    (
        "two authors: one key, the first author's",
        "Smith and Jones (2021) found the same",
        ["author_year:smith 2021"],
    ),
    (
        "the same citation twice in one post",
        "Smith et al. 2021 ... as Smith et al. (2021) put it",
        ["author_year:smith 2021"],
    ),
    (
        "author-year beside its DOI: the DOI is the key",
        "Smith et al. 2021 (doi:10.1186/s12967-023-04179-2) found it",
        ["doi:10.1186/s12967-023-04179-2"],
    ),
    (
        "reference-list line: the DOI is the key",
        "Smith J, Jones K, et al. 2021. Gut microbes in ME. J Transl Med 21:1. "
        "https://doi.org/10.1186/s12967-023-04179-2",
        ["doi:10.1186/s12967-023-04179-2"],
    ),
    (
        "author-year and a DOI on different lines are two papers",
        "Smith et al. 2021 says so.\nUnrelated: 10.1186/s12967-023-04179-2",
        ["author_year:smith 2021", "doi:10.1186/s12967-023-04179-2"],
    ),
    (
        "the DOI belongs to the nearer citation",
        "Smith et al. 2021 and Brown et al. 2019 (doi:10.1186/s12967-023-04179-2)",
        ["author_year:smith 2021", "doi:10.1186/s12967-023-04179-2"],
    ),
    (
        "DOI and PMID side by side: one paper",
        "doi:10.1186/s12967-023-04179-2. PMID: 12345678",
        ["doi:10.1186/s12967-023-04179-2"],
    ),
    (
        "publisher id of an unknown article",
        "https://www.mdpi.com/1422-0067/22/3/1234",
        ["publisher_id:mdpi:1422-0067/22/3/1234"],
    ),
    ("atlas study by author-year: nothing to log", "Lee et al. 2024 is great", []),
    (
        "atlas DOI with an author-year that misnames it",
        "Smith et al. 2023 (10.1016/j.autrev.2023.103484)",
        [],
    ),
    (
        "unknown atlas slug: a stale copy, not a missing paper",
        "mecfsatlas.com/evidence/x-2020-y",
        [],
    ),
    ("weak author-year form is not logged", "Smith 2021 said so", []),
]


def _scan_keys(tmp_path: Path, text: str) -> list[str]:
    db_path = tmp_path / "scan.db"
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["--db", str(db_path), "atlas", "import", str(SAMPLE_ATLAS)]).exit_code
        == 0
    )
    posts = tmp_path / "posts.jsonl"
    posts.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
    result = runner.invoke(cli, ["--db", str(db_path), "scan", str(posts)], catch_exceptions=False)
    assert result.exit_code == 0
    return _keys(db_path)


def _live_keys(tmp_path: Path, text: str) -> list[str]:
    db_path = tmp_path / "live.db"
    db = open_db(db_path)
    try:
        entries = [
            AtlasEntry.model_validate_json(line)
            for line in SAMPLE_ATLAS.read_text(encoding="utf-8").splitlines()
            if line.strip()
        ]
        upsert_entries(db, entries)
        service = build_service(db, Settings())
        post = Post(
            platform="discord",
            place="general",
            thread="general",
            message_id="1",
            author_id="member",
            text=text,
            created_at=datetime(2026, 5, 1, tzinfo=UTC),
        )
        service.evaluate(post)
    finally:
        db.close()
    return _keys(db_path)


def _keys(db_path: Path) -> list[str]:
    db = open_db(db_path)
    try:
        return [row["key"] for row in db.query("SELECT key FROM unmatched_papers ORDER BY key")]
    finally:
        db.close()


@pytest.mark.parametrize(
    ("text", "expected"), [pytest.param(text, keys, id=name) for name, text, keys in CASES]
)
def test_live_bots_and_scan_log_the_same_keys(
    tmp_path: Path, text: str, expected: list[str]
) -> None:
    assert _scan_keys(tmp_path, text) == sorted(expected)
    assert _live_keys(tmp_path, text) == sorted(expected)
