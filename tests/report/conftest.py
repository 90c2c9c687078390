"""A records file holding a scanned archive: the sample atlas, a Reddit dump, a Discord export."""

from __future__ import annotations

from pathlib import Path

import pytest

from records.db import open_db
from records.retractions import EntryFlag, store_flags
from tests.archive.dumps import comment, discord_export, realistic_comments, write_zst
from tests.cli.test_scan_cli import run
from tests.conftest import SAMPLE_ATLAS

__all__ = ["run", "scanned_db"]

WHITE_PMC = "PMC3065633"  # the PACE trial: flagged below with an expression of concern


@pytest.fixture
def scanned_db(db_path: Path, tmp_path: Path) -> Path:
    """The sample atlas, 600 realistic comments over a week and a month later, one export."""
    assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    dump = write_zst(
        tmp_path / "RC_2023-01.zst",
        [
            *realistic_comments(600),
            comment("late1", f"Still citing {WHITE_PMC}", subreddit="mecfs", at=1677628800),
        ],
    )
    assert run(db_path, "scan", str(dump)).exit_code == 0
    export = tmp_path / "hub.json"
    export.write_text(
        discord_export([("2001", "2023-02-10T10:00:00+00:00", "PMID: 99999993 is new", False)]),
        encoding="utf-8",
    )
    assert run(db_path, "scan", str(export)).exit_code == 0
    db = open_db(db_path)
    try:
        store_flags(
            db,
            [
                EntryFlag(
                    entry_id="white-2011-comparison-adaptive",
                    kind="expression_of_concern",
                    notice_id="10.1000/eoc.1",
                    label="Expression of concern",
                    notice_doi="10.1000/eoc.1",
                    notice_date="2022-01-01",
                    source="crossref",
                )
            ],
        )
    finally:
        db.close()
    return db_path
