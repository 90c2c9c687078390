"""Atlas entries full of mentions, Markdown, links and HTML come out inert on every platform.

Hostile entries are imported with the real `atlas import` and shown with the real `lookup`
as Discord message JSON, Reddit Markdown and plain text: a single card (by DOI) and a list
of candidates (by title words). No rendering may ping, link anywhere but the atlas, open a
heading, code block or quote, carry HTML Markdown would pass through, or reverse text.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.core.test_sanitize import LIVE_MENTION
from tests.reliability.conftest import run_program

ATLAS = "https://www.mecfsatlas.com/"
HOSTILE = (
    "@everyone @here <@123> <@!77> <@&456> <#789> </evidence:1> u/spez /u/spez "
    "[x](javascript:alert(1)) [click](https://evil.example/p) <https://evil.example/q> "
    "www.evil.example/r\n# Heading\n## Sub\n```py\nprint(1)\n```\n> quoted\n"
    "<script>alert(1)</script> <img src=x onerror=alert(1)> **bold** __u__ ~~s~~ ||spoiler|| "
    "\u202egnp.exe \x00 [![i](https://evil.example/i.png)](https://evil.example/l)"
)
ENTRIES = [
    {
        "id": f"hostile-202{n}-entry",
        "title": f"Hostile study number {n} {HOSTILE}",
        "authors": [HOSTILE, "Doe, Jane"],
        "year": 2020 + n,
        "journal": HOSTILE,
        "doi": f"10.5555/hostile.{n}",
        "summary": HOSTILE,
        "does_not_prove": HOSTILE,
        "study_type": HOSTILE,
        "pem": "required",
        "evidence_level": "E2",
    }
    for n in (1, 2)
]
QUERIES = {"one card": "10.5555/hostile.1", "a list of candidates": "Hostile study number"}
LINK = re.compile(r"(?<!\\)\]\((?P<target>[^)]*)\)")


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile-atlas")
    atlas = folder / "atlas.jsonl"
    atlas.write_text("".join(json.dumps(e) + "\n" for e in ENTRIES), encoding="utf-8")
    db_path = folder / "records.db"
    done = run_program("--db", str(db_path), "atlas", "import", str(atlas), cwd=folder)
    assert done.returncode == 0, done.stderr
    return db_path


def lookup(db_path: Path, query: str, fmt: str) -> str:
    done = run_program("--db", str(db_path), "lookup", query, "--format", fmt, cwd=db_path.parent)
    assert done.returncode == 0, done.stderr
    return done.stdout


def strings(value: Any) -> list[str]:
    """Every string inside a JSON value."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


def assert_inert(text: str, *, markdown: bool) -> None:
    assert not LIVE_MENTION.search(text.replace("\\", ""))
    assert "\u202e" not in text
    assert "\x00" not in text
    assert "https://evil.example" not in text  # defanged, so never a live link
    assert "www.evil.example" not in text
    if markdown:
        targets = [m["target"].lstrip("<") for m in LINK.finditer(text)]  # <url>: no preview
        assert [t for t in targets if not t.startswith(ATLAS)] == []
        assert not re.search(r"(?m)^\s{0,3}(#|>|```)", text)  # no heading, quote or fence
        assert "```" not in text
        assert not re.search(r"(?<!\\)<(script|img)", text)


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_discord_rendering_is_inert(hostile_db: Path, query: str) -> None:
    message = json.loads(lookup(hostile_db, QUERIES[query], "discord"))
    assert "Hostile study number" in json.dumps(message, ensure_ascii=False)
    for text in strings(message):
        assert_inert(text, markdown=True)
    urls = [e.get("url") for e in message["embeds"] if e.get("url")]
    assert all(url.startswith(ATLAS) for url in urls)


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_markdown_rendering_is_inert(hostile_db: Path, query: str) -> None:
    text = lookup(hostile_db, QUERIES[query], "markdown")
    assert "Hostile study number" in text
    assert LINK.search(text)  # the card still links to the atlas
    assert_inert(text, markdown=True)


@pytest.mark.parametrize("query", sorted(QUERIES))
def test_text_rendering_is_inert(hostile_db: Path, query: str) -> None:
    text = lookup(hostile_db, QUERIES[query], "text")
    assert "Hostile study number" in text
    assert_inert(text, markdown=False)
