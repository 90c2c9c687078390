"""The same commands give the same results on SQLite and on PostgreSQL (make test-postgres).

One SQLite file and one PostgreSQL store get the same atlas import, the same scan with its
unmatched log, and the same look-ups and unmatched listings; every output must match.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import records.db
from bot.cli.main import cli
from tests.conftest import REPO_ROOT, SAMPLE_ATLAS
from tests.postgres_store import SERVER_URL, location

pytestmark = pytest.mark.skipif(
    not SERVER_URL, reason="needs a PostgreSQL server (make test-postgres)"
)

SAMPLE_POSTS = REPO_ROOT / "config" / "sample" / "posts.jsonl"
# Mentions again from other places and people, so counts, places and people differ per paper.
MORE_POSTS = [
    {"id": "p5", "place": "other-forum", "author": "ann", "text": "doi:10.3389/fneur.2018.01033"},
    {"id": "p6", "place": "other-forum", "author": "ben", "text": "PMID 11111111 and PMC3065633"},
    {"id": "p7", "subreddit": "cfs", "author": "ann", "text": "see doi:10.5555/new.2 again"},
]


def write_posts(path: Path) -> Path:
    """The sample posts and a few more, each with its own date (so no clock shows)."""
    lines = SAMPLE_POSTS.read_text(encoding="utf-8").splitlines()
    posts = [*(json.loads(line) for line in lines if line.strip()), *MORE_POSTS]
    with path.open("w", encoding="utf-8") as out:
        for day, post in enumerate(posts, start=1):
            out.write(json.dumps({**post, "created_at": f"2026-03-{day:02d}T12:00:00+00:00"}))
            out.write("\n")
    return path


def commands(posts: Path) -> list[list[str]]:
    return [
        ["atlas", "import", str(SAMPLE_ATLAS)],
        ["scan", str(posts)],
        ["atlas", "stats"],
        ["lookup", "rituximab"],
        ["lookup", "randomisierte Studien rituximab"],
        ["lookup", "10.1038/s41467-024-45107-3"],
        ["unmatched", "list"],
        ["unmatched", "export", "--format", "json"],
        ["unmatched", "export", "--format", "csv", "--sort", "places"],
        ["unmatched", "export", "--format", "jsonl", "--platform", "scan", "--sort", "recent"],
    ]


def outputs(args_before: list[str], env: dict[str, str], posts: Path) -> list[tuple[int, str]]:
    results = []
    for command in commands(posts):
        result = CliRunner().invoke(cli, [*args_before, *command], env=env)
        results.append((result.exit_code, result.stdout))
    return results


def test_import_scan_lookup_and_unmatched_agree_on_both_stores(tmp_path: Path) -> None:
    server = location(tmp_path / "postgres-store")  # a schema of its own on the server
    records.db.path_redirect = None  # from here, a path is an SQLite file again
    posts = write_posts(tmp_path / "posts.jsonl")
    sqlite_file = tmp_path / "records.db"
    # Each store would draw a random salt of its own; the same one makes member hashes equal.
    salt = {"EVBOT_DATABASE__AUTHOR_HASH_SALT": "same-salt-for-both"}
    on_sqlite = outputs(["--db", str(sqlite_file)], salt, posts)
    on_postgres = outputs([], {**salt, "EVBOT_DATABASE__URL": server}, posts)
    assert sqlite_file.exists()
    assert [code for code, _ in on_sqlite] == [0] * len(commands(posts))
    assert "12 atlas entries" in on_sqlite[2][1]
    assert "10.3389/fneur.2018.01033" in on_sqlite[6][1]  # a paper the atlas lacks
    for command, sqlite_result, postgres_result in zip(
        commands(posts), on_sqlite, on_postgres, strict=True
    ):
        assert postgres_result == sqlite_result, command
