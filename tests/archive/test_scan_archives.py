"""`scan` reads the archives communities have: Reddit dumps and DiscordChatExporter exports."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.db import open_db
from tests.archive.dumps import (
    comment,
    discord_export,
    realistic_comments,
    submission,
    write_zst,
)
from tests.cli.test_scan_cli import atlas_db, run
from tests.conftest import SAMPLE_ATLAS

__all__ = ["atlas_db"]  # the sample-atlas records file, a fixture shared with the scan tests

WALITT_DOI = "https://doi.org/10.1038/s41467-024-45107-3"


def outputs(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def rows(db_path: Path, sql: str) -> list[dict[str, Any]]:
    db = open_db(db_path)
    try:
        return list(db.query(sql))
    finally:
        db.close()


def test_a_zstd_comment_dump_with_a_long_window_scans_with_its_reddit_fields(
    atlas_db: Path, tmp_path: Path
) -> None:
    dump = write_zst(
        tmp_path / "RC_2023-01.zst",
        [
            comment("j1", f"The NIH one: {WALITT_DOI}", subreddit="cfs", at=1673000000),
            comment("j2", "PMID: 99999991 nobody has added", subreddit="mecfs", author="[deleted]"),
            comment("j3", "Crashed again after the dentist."),
        ],
    )
    result = run(atlas_db, "scan", str(dump))
    assert result.exit_code == 0, result.stderr
    found = outputs(result)
    assert [line["id"] for line in found] == ["j1", "j2", "j3"]
    assert found[0]["matches"][0]["atlas_id"] == "walitt-2024-deep-phenotyping"
    assert found[1]["matches"][0]["pmid"] == "99999991"
    cited = rows(
        atlas_db, "SELECT platform, place, entry_id, permalink, cited_at FROM cited_studies"
    )
    assert cited == [
        {
            "platform": "reddit",
            "place": "cfs",
            "entry_id": "walitt-2024-deep-phenotyping",
            "permalink": "https://www.reddit.com/r/cfs/comments/10abcde/a_thread/j1/",
            "cited_at": "2023-01-06T10:13:20.000000+00:00",
        }
    ]
    sighting = rows(atlas_db, "SELECT platform, place, message_id, seen_at FROM sightings")
    assert sighting == [
        {
            "platform": "reddit",
            "place": "mecfs",
            "message_id": f'{dump.resolve()}#mecfs/"j2"',
            "seen_at": "2023-01-01T00:00:00+00:00",
        }
    ]


def test_a_submission_dump_reads_title_selftext_and_the_link_of_link_posts(
    atlas_db: Path, tmp_path: Path
) -> None:
    dump = write_zst(
        tmp_path / "RS_2023-01.zst",
        [
            submission("s1", "New NIH paper", url=WALITT_DOI),
            submission("s2", "Rituximab trial", selftext="PMID: 30934066 was negative"),
            submission("s3", "PMC3065633 discussion", selftext="[removed]"),
        ],
    )
    result = run(atlas_db, "scan", str(dump), "--no-log")
    assert result.exit_code == 0, result.stderr
    assert [[m["atlas_id"] for m in line["matches"]] for line in outputs(result)] == [
        ["walitt-2024-deep-phenotyping"],
        ["fluge-2019-lymphocyte-depletion"],
        ["white-2011-comparison-adaptive"],
    ]


@pytest.mark.parametrize("shape", ["gz", "plain"])
def test_gzip_and_plain_dumps_read_like_zstd(atlas_db: Path, tmp_path: Path, shape: str) -> None:
    lines = b"".join(
        json.dumps(item).encode() + b"\n"
        for item in (comment("g1", "PMID: 30934066"), submission("g2", "PMC3065633"))
    )
    dump = tmp_path / f"RC_2023-02.{shape}"
    dump.write_bytes(gzip.compress(lines) if shape == "gz" else lines)
    result = run(atlas_db, "scan", str(dump), "--no-log")
    assert result.exit_code == 0, result.stderr
    assert [line["id"] for line in outputs(result)] == ["g1", "g2"]
    assert [line["matches"][0]["atlas_id"] for line in outputs(result)] == [
        "fluge-2019-lymphocyte-depletion",
        "white-2011-comparison-adaptive",
    ]


def test_a_dump_piped_to_stdin_is_recognised_by_its_bytes(atlas_db: Path, tmp_path: Path) -> None:
    dump = write_zst(tmp_path / "RC.zst", [comment("p1", "PMID: 30934066")])
    result = CliRunner().invoke(
        cli,
        ["--db", str(atlas_db), "scan", "-", "--no-log"],
        input=dump.read_bytes(),
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert outputs(result)[0]["matches"][0]["pmid"] == "30934066"


def test_a_discord_chat_exporter_file_scans_members_messages_with_their_links(
    atlas_db: Path, tmp_path: Path
) -> None:
    export = tmp_path / "ME Research Hub - Science - papers [880000000000000002].json"
    export.write_text(
        discord_export(
            [
                ("1001", "2024-03-02T10:00:00.123+01:00", f"Read this {WALITT_DOI}", False),
                ("1002", "2024-03-02T11:00:00+00:00", f"Card: {WALITT_DOI}", True),
                ("1003", "2024-03-03T09:30:00+00:00", "PMID: 99999992 anyone?", False),
            ]
        ),
        encoding="utf-8",
    )
    result = run(atlas_db, "scan", str(export))
    assert result.exit_code == 0, result.stderr
    assert [line["id"] for line in outputs(result)] == ["1001", "1003"]  # the bot's is left out
    cited = rows(atlas_db, "SELECT platform, place, permalink, cited_at FROM cited_studies")
    assert cited == [
        {
            "platform": "discord",
            "place": "ME Research Hub #papers",
            "permalink": "https://discord.com/channels/880000000000000001/880000000000000002/1001",
            "cited_at": "2024-03-02T09:00:00.123000+00:00",
        }
    ]
    assert rows(atlas_db, "SELECT paper_key, platform FROM sightings") == [
        {"paper_key": "pmid:99999992", "platform": "discord"}
    ]


def test_scanning_an_archive_again_adds_no_citation_or_sighting(
    atlas_db: Path, tmp_path: Path
) -> None:
    dump = write_zst(tmp_path / "RC.zst", realistic_comments(300))
    first = run(atlas_db, "scan", str(dump))
    counts = "SELECT (SELECT count(*) FROM cited_studies) AS c, (SELECT count(*) FROM sightings) AS s, (SELECT sum(mention_count) FROM unmatched_papers) AS m"
    before = rows(atlas_db, counts)
    assert before[0]["c"] > 0
    assert before[0]["s"] > 0
    second = run(atlas_db, "scan", str(dump))
    assert second.stdout == first.stdout
    assert rows(atlas_db, counts) == before


def test_jobs_2_prints_and_logs_exactly_what_jobs_1_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # One salt for both databases (each would draw its own), so member hashes compare.
    monkeypatch.setenv("EVBOT_DATABASE__AUTHOR_HASH_SALT", "census-test-salt")
    dump = write_zst(tmp_path / "RC_2023-03.zst", realistic_comments(1500))
    results = {}
    for jobs in ("1", "2"):
        db_path = tmp_path / f"jobs{jobs}.db"
        assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
        result = run(db_path, "scan", str(dump), "--jobs", jobs)
        assert result.exit_code == 0, result.stderr
        results[jobs] = (
            result.stdout,
            rows(
                db_path,
                "SELECT paper_key, platform, place, message_id, author_hash, seen_at FROM sightings ORDER BY id",
            ),
            rows(
                db_path,
                "SELECT key, mention_count, first_seen, last_seen FROM unmatched_papers ORDER BY key",
            ),
            rows(db_path, "SELECT * FROM cited_studies ORDER BY rowid"),
        )
    assert len(results["1"][0].splitlines()) == 1500
    assert results["1"][1]  # something was logged, so equality means something
    assert results["2"] == results["1"]


def test_a_broken_first_line_is_skipped_and_the_rest_of_the_dump_scans(
    atlas_db: Path, tmp_path: Path
) -> None:
    dump = tmp_path / "RC_2023-05"
    dump.write_bytes(
        b'{"id": "x1", "body": "cut off\n'
        + json.dumps(comment("x2", "PMC3065633")).encode()
        + b"\n"
    )
    result = run(atlas_db, "scan", str(dump), "--no-log")
    assert result.exit_code == 0, result.stderr
    assert "RC_2023-05:1: skipped: not JSON" in result.stderr
    assert [line["id"] for line in outputs(result)] == ["x2"]
