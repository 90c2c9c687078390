"""A records database with something in every table the curators' canned queries read."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from records.db import open_db
from records.modlog import report_wrong_match
from records.retractions import EntryFlag, store_flags
from records.unmatched import save_enrichment
from tests.unmatched.helpers import add_entry, mention


@pytest.fixture
def curated_db(db_path: Path) -> Path:
    """Two unmatched papers, a wrong-match report and a retraction the atlas does not show."""
    db = open_db(db_path)
    for i in range(3):
        mention(db, "doi", "10.1000/most.wanted", message_id=f"w{i}", place=f"ch{i}",
                author=f"u{i}", permalink=f"https://discord.com/channels/1/{i}",
                when=datetime(2026, 3, 1 + i, tzinfo=UTC))  # fmt: skip
    mention(db, "pmid", "4242", platform="reddit", place="cfs", message_id="r1",
            when=datetime(2026, 3, 20, tzinfo=UTC))  # fmt: skip
    save_enrichment(db, "doi:10.1000/most.wanted", {"title": "Cerebral blood flow on tilt"})
    add_entry(db, "lee-2024-brain-regional", doi="10.1000/lee")
    add_entry(db, "old-2019-trial", doi="10.1000/old")
    store_flags(db, [EntryFlag(entry_id="old-2019-trial", kind="retraction",
                               notice_id="doi:10.1000/old.r", source="crossref",
                               notice_doi="10.1000/old.r", notice_date="2021-05-06")])  # fmt: skip
    report_wrong_match(db, platform="discord", place="general", message_id="m9", reply_id="r9",
                       entry_id="lee-2024-brain-regional", reporter_hash="h",
                       note="not this study", permalink="https://discord.com/channels/1/2/99")  # fmt: skip
    db.conn.commit()
    db.close()
    return db_path
