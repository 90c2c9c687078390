"""`evidence-bot scan POSTS.jsonl [--no-log]` through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.db import open_db
from records.salt import LEGACY_SALT
from records.unmatched import hash_author
from tests.conftest import SAMPLE_ATLAS
from tests.reliability.conftest import program


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


@pytest.fixture
def atlas_db(db_path: Path) -> Path:
    """A records file holding the sample atlas, imported through the command line."""
    assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    return db_path


def write_posts(path: Path, *lines: Any) -> Path:
    path.write_text(
        "\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n",
        encoding="utf-8",
    )
    return path


def output_lines(result: Result) -> list[dict[str, Any]]:
    return [json.loads(line) for line in result.stdout.splitlines()]


def unmatched_rows(db_path: Path) -> list[dict[str, Any]]:
    db = open_db(db_path)
    try:
        return list(
            db.query(
                "SELECT p.key, p.mention_count, s.platform, s.place, s.message_id "
                "FROM unmatched_papers p JOIN sightings s ON s.paper_key = p.key ORDER BY p.key"
            )
        )
    finally:
        db.close()


def test_prints_one_json_line_per_post_in_the_contract_shape(
    atlas_db: Path, tmp_path: Path
) -> None:
    posts = write_posts(
        tmp_path / "posts.jsonl",
        {"id": 1, "text": "The NIH one: https://doi.org/10.1038/s41467-024-45107-3"},
        {"id": "b", "text": "Crashed again after the dentist."},
        {"id": 3, "text": "PMID: 12345678 and Lee et al. 2024"},
    )
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert result.exit_code == 0
    assert output_lines(result) == [
        {
            "id": 1,
            "matches": [
                {
                    "atlas_id": "walitt-2024-deep-phenotyping",
                    "doi": "10.1038/s41467-024-45107-3",
                    "pmid": "38383456",
                    "pmcid": "PMC10881493",
                    "kind": "doi",
                    "text": "https://doi.org/10.1038/s41467-024-45107-3",
                }
            ],
        },
        {"id": "b", "matches": []},
        {
            "id": 3,
            "matches": [
                {
                    "atlas_id": None,
                    "doi": None,
                    "pmid": "12345678",
                    "pmcid": None,
                    "kind": "pmid",
                    "text": "PMID: 12345678",
                },
                {
                    "atlas_id": "lee-2024-brain-regional",
                    "doi": "10.1016/j.autrev.2023.103484",
                    "pmid": "38016575",
                    "pmcid": None,
                    "kind": "author_year",
                    "text": "Lee et al. 2024",
                },
            ],
        },
    ]


@pytest.mark.parametrize(
    ("bad_line", "reason"),
    [
        pytest.param("this is not json", "not JSON", id="not-json"),
        pytest.param("[1, 2]", "not a JSON object", id="array"),
        pytest.param('{"id": 7}', 'no "text" (or Reddit "body") string', id="no-text"),
        pytest.param(
            '{"id": 7, "text": 42}', 'no "text" (or Reddit "body") string', id="text-not-string"
        ),
    ],
)
def test_bad_line_is_reported_with_its_number_and_skipped(
    atlas_db: Path, tmp_path: Path, bad_line: str, reason: str
) -> None:
    posts = write_posts(
        tmp_path / "posts.jsonl",
        {"id": 1, "text": "PMID: 30934066"},
        bad_line,
        {"id": 3, "text": "PMC3065633"},
    )
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert result.exit_code == 0
    assert [line["id"] for line in output_lines(result)] == [1, 3]
    assert f"posts.jsonl:2: skipped: {reason}" in result.stderr


def test_invalid_utf8_line_is_skipped(atlas_db: Path, tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_bytes(b'{"id": 1, "text": "caf\xe9"}\n{"id": 2, "text": "PMC3065633"}\n')
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert [line["id"] for line in output_lines(result)] == [2]
    assert "posts.jsonl:1: skipped: not UTF-8" in result.stderr


def test_byte_order_mark_and_crlf_are_accepted(atlas_db: Path, tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_bytes(b'\xef\xbb\xbf{"id": 1, "text": "PMC3065633"}\r\n{"id": 2, "text": "x"}\r\n')
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert [line["id"] for line in output_lines(result)] == [1, 2]
    assert output_lines(result)[0]["matches"][0]["atlas_id"] == "white-2011-comparison-adaptive"


def test_unencodable_id_is_written_with_ascii_escapes(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts.jsonl", '{"id": {"a": "\\ud800"}, "text": "PMC3065633"}')
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert result.exit_code == 0
    assert '"id": {"a": "\\ud800"}' in result.stdout
    assert output_lines(result)[0]["matches"][0]["pmcid"] == "PMC3065633"


def test_blank_lines_are_ignored_silently(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts.jsonl", {"id": 1, "text": "hi"}, "", "   ")
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert output_lines(result) == [{"id": 1, "matches": []}]
    assert result.stderr == ""


def test_logs_unmatched_identifiers_and_clear_citations(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(
        tmp_path / "forum.jsonl",
        {"id": 10, "text": "new paper 10.1186/s12967-023-04179-2 and PMID: 30934066"},
        {"id": 11, "text": "Smith et al. 2021 found the same", "subreddit": "cfs", "author": "u1"},
        {"id": 12, "text": "again: https://doi.org/10.1186/s12967-023-04179-2", "author": "u2"},
    )
    result = run(atlas_db, "scan", str(posts))
    assert result.exit_code == 0
    rows = unmatched_rows(atlas_db)
    source = str(posts.resolve())
    assert [(r["key"], r["place"], r["message_id"]) for r in rows] == [
        ("author_year:smith 2021", "cfs", f"{source}#cfs/11"),
        ("doi:10.1186/s12967-023-04179-2", "forum.jsonl", f"{source}#10"),
        ("doi:10.1186/s12967-023-04179-2", "forum.jsonl", f"{source}#12"),
    ]
    assert {r["platform"] for r in rows} == {"scan"}
    assert [r["mention_count"] for r in rows] == [1, 2, 2]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Lee et al. 2024 is great", id="matched-author-year"),
        pytest.param("Smith 2021 said so", id="weak-author-year-form"),
        pytest.param("https://www.mecfsatlas.com/evidence/not-in-our-copy-2020-x", id="slug"),
        pytest.param("Crashed for a week after 2 hours out", id="nothing"),
    ],
)
def test_does_not_log_what_is_no_missing_paper(atlas_db: Path, tmp_path: Path, text: str) -> None:
    posts = write_posts(tmp_path / "posts.jsonl", {"id": 1, "text": text})
    assert run(atlas_db, "scan", str(posts)).exit_code == 0
    assert unmatched_rows(atlas_db) == []


def test_no_log_leaves_the_unmatched_log_empty(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts.jsonl", {"id": 1, "text": "PMID: 12345678"})
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert output_lines(result)[0]["matches"][0]["pmid"] == "12345678"
    assert unmatched_rows(atlas_db) == []


def test_scanning_the_same_file_twice_does_not_count_twice(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts.jsonl", {"id": 1, "text": "PMID: 12345678"})
    run(atlas_db, "scan", str(posts))
    run(atlas_db, "scan", str(posts))
    assert [r["mention_count"] for r in unmatched_rows(atlas_db)] == [1]


def test_unmatched_slug_is_not_printed(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(
        tmp_path / "posts.jsonl",
        {"id": 1, "text": "https://www.mecfsatlas.com/evidence/not-in-our-copy-2020-x"},
    )
    assert output_lines(run(atlas_db, "scan", str(posts), "--no-log")) == [{"id": 1, "matches": []}]


def test_large_file_shows_progress_on_stderr_only(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(
        tmp_path / "posts.jsonl", *({"id": n, "text": f"post {n}"} for n in range(1500))
    )
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert len(output_lines(result)) == 1500
    assert "Scanning posts.jsonl" in result.stderr


def test_empty_atlas_reports_identifiers_unmatched_and_warns(db_path: Path, tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts.jsonl", {"id": 1, "text": "PMC3065633"})
    result = run(db_path, "scan", str(posts), "--no-log")
    assert "the atlas is empty" in result.stderr
    assert output_lines(result)[0]["matches"][0]["atlas_id"] is None
    assert output_lines(result)[0]["matches"][0]["pmcid"] == "PMC3065633"


def test_missing_file_is_a_usage_error(db_path: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db_path), "scan", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
    assert "does not exist" in result.stderr


UNKNOWN_DOI = "10.1186/s12967-023-04179-2"


def test_two_files_numbering_posts_alike_are_different_sightings(
    atlas_db: Path, tmp_path: Path
) -> None:
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        posts = write_posts(tmp_path / name / "posts.jsonl", {"id": 1, "text": UNKNOWN_DOI})
        assert run(atlas_db, "scan", str(posts)).exit_code == 0
    assert [r["mention_count"] for r in unmatched_rows(atlas_db)] == [2, 2]


@pytest.mark.parametrize(
    "posts",
    [
        pytest.param([{"id": 1}, {"id": "1"}], id="number-and-string"),
        pytest.param([{}, {}], id="no-id"),
        pytest.param([{"id": None}, {"id": None}], id="null-id"),
        pytest.param([{"id": 7, "subreddit": "cfs"}, {"id": 7, "subreddit": "mecfs"}], id="places"),
    ],
)
def test_posts_an_id_alone_cannot_tell_apart_are_different_sightings(
    atlas_db: Path, tmp_path: Path, posts: list[dict[str, Any]]
) -> None:
    path = write_posts(tmp_path / "posts.jsonl", *({**p, "text": UNKNOWN_DOI} for p in posts))
    assert run(atlas_db, "scan", str(path)).exit_code == 0
    assert run(atlas_db, "scan", str(path)).exit_code == 0  # and again: nothing counted twice
    assert [r["mention_count"] for r in unmatched_rows(atlas_db)] == [2, 2]


@pytest.mark.parametrize(
    "date",
    [
        {"created_at": "9999-12-31T23:59:59-23:59"},
        {"created_at": "0001-01-01T00:00:00+23:59"},
        {"created_utc": 1e20},
        {"timestamp": -1e20},
    ],
)
def test_a_date_out_of_range_is_reported_and_the_scan_goes_on(
    atlas_db: Path, tmp_path: Path, date: dict[str, Any]
) -> None:
    posts = write_posts(
        tmp_path / "posts.jsonl",
        {"id": 1, "text": "PMID: 12345678"},
        {"id": 2, "text": "PMID: 12345679", **date},
        {"id": 3, "text": "PMID: 12345670", "created_at": "2024-05-01T10:00:00+02:00"},
    )
    result = run(atlas_db, "scan", str(posts))
    assert result.exit_code == 0
    assert [line["id"] for line in output_lines(result)] == [1, 3]
    assert f"{posts}:2: skipped:" in result.stderr
    assert "out of range" in result.stderr
    assert [r["key"] for r in unmatched_rows(atlas_db)] == ["pmid:12345670", "pmid:12345678"]


@pytest.mark.sqlite_only
def test_a_post_is_printed_only_after_its_sightings_are_saved(
    atlas_db: Path, tmp_path: Path
) -> None:
    posts = write_posts(
        tmp_path / "posts.jsonl",
        {"id": 1, "text": "PMID: 12345678"},
        {"id": 2, "text": "PMID: 12345679"},
    )
    db = open_db(atlas_db)
    try:
        # The records database refuses the second post's sighting (as a full disk would).
        db.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON sightings WHEN NEW.message_id LIKE '%#2' "
            "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
        )
    finally:
        db.close()
    result = CliRunner().invoke(cli, ["--db", str(atlas_db), "scan", str(posts)])
    assert result.exit_code != 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == [1]


def test_only_the_first_max_post_chars_of_a_text_are_read(
    atlas_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVBOT_LINKER__MAX_POST_CHARS", "1000")
    text = "PMID: 12345678 " + "x" * 2000 + " PMID: 12345679"
    posts = write_posts(tmp_path / "posts.jsonl", {"id": 1, "text": text})
    result = run(atlas_db, "scan", str(posts))
    assert [m["pmid"] for m in output_lines(result)[0]["matches"]] == ["12345678"]
    assert "only the first 1,000 characters" in result.stderr
    assert [r["key"] for r in unmatched_rows(atlas_db)] == ["pmid:12345678"]


def test_a_full_atlas_gives_no_empty_atlas_note(atlas_db: Path, tmp_path: Path) -> None:
    posts = write_posts(tmp_path / "posts.jsonl", {"id": 1, "text": "PMC3065633"})
    assert "the atlas is empty" not in run(atlas_db, "scan", str(posts), "--no-log").stderr


def test_reddit_comments_are_read_from_their_body_field(atlas_db: Path, tmp_path: Path) -> None:
    # Reddit's API and the Pushshift/Arctic Shift dumps hold a comment's text under "body".
    posts = write_posts(
        tmp_path / "RC_2024-01.jsonl",
        {"id": "kx1", "subreddit": "cfs", "body": "PMID: 30934066", "author": "someone"},
    )
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert result.exit_code == 0, result.stderr
    assert output_lines(result)[0]["matches"][0]["pmid"] == "30934066"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("id,text\n1,PMID: 30934066\n2,PMC3065633\n", id="csv"),
        pytest.param('{"id": 1, "content": "PMID: 30934066"}\n', id="other-field"),
        pytest.param('[{"id": 1, "text": "PMID: 30934066"}]\n', id="json-array"),
    ],
)
def test_a_file_without_one_readable_post_fails_naming_the_format(
    atlas_db: Path, tmp_path: Path, content: str
) -> None:
    posts = tmp_path / "posts.data"
    posts.write_text(content, encoding="utf-8")
    result = run(atlas_db, "scan", str(posts), "--no-log")
    assert result.exit_code == 1
    assert "is a post: scan reads JSON Lines" in result.stderr
    assert '"body"' in result.stderr


def test_an_empty_file_is_no_failure(atlas_db: Path, tmp_path: Path) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text("", encoding="utf-8")
    assert run(atlas_db, "scan", str(posts), "--no-log").exit_code == 0


def test_dash_reads_the_posts_from_stdin(atlas_db: Path) -> None:
    result = CliRunner().invoke(
        cli,
        ["--db", str(atlas_db), "scan", "-", "--no-log"],
        input='{"id": 1, "text": "PMID: 30934066"}\n',
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    assert output_lines(result)[0]["matches"][0]["pmid"] == "30934066"


PIPED = "".join(json.dumps({"id": n, "text": f"post {n}: PMC3065633"}) + "\n" for n in range(1200))


def _scan_through_a_pipe(atlas_db: Path, tmp_path: Path, how: str) -> str:
    """Run the real program on a pipe: `-` or `/dev/stdin` (stdin is the pipe) or
    `/dev/fd/N` (what the shell's `<(...)` passes)."""
    read_end, write_end = os.pipe()
    args = [*program(), "--db", str(atlas_db), "scan", how, "--no-log"]
    if how == "process-substitution":
        args[-2] = f"/dev/fd/{read_end}"
    stdin = read_end if how != "process-substitution" else subprocess.DEVNULL
    process = subprocess.Popen(  # noqa: S603 - our own program
        args,
        stdin=stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        pass_fds=(read_end,),
        cwd=tmp_path,
        text=True,
    )
    os.close(read_end)
    with os.fdopen(write_end, "w", encoding="utf-8") as writer:
        writer.write(PIPED)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    return out


@pytest.mark.parametrize("how", ["-", "/dev/stdin", "process-substitution"])
def test_posts_from_a_pipe_are_all_read(atlas_db: Path, tmp_path: Path, how: str) -> None:
    # Counting a pipe's lines for the progress bar used to consume it: nothing was printed.
    lines = _scan_through_a_pipe(atlas_db, tmp_path, how).splitlines()
    assert len(lines) == 1200
    assert json.loads(lines[-1])["matches"][0]["pmcid"] == "PMC3065633"


def test_sightings_are_not_hashed_with_the_public_default_salt(
    atlas_db: Path, tmp_path: Path
) -> None:
    posts = write_posts(
        tmp_path / "posts.jsonl", {"id": 1, "author": "alice", "text": f"doi:{UNKNOWN_DOI}"}
    )
    assert run(atlas_db, "scan", str(posts)).exit_code == 0
    db = open_db(atlas_db)
    try:
        hashes = [row["author_hash"] for row in db.query("SELECT author_hash FROM sightings")]
    finally:
        db.close()
    assert hashes
    assert hash_author("alice", LEGACY_SALT) not in hashes
