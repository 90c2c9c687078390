"""The dev set parses, and every study it expects exists in its own atlas."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks.bench_devset import DEVSET, DevPost, judge, load_atlas, load_posts


def test_devset_atlas_files_parse_and_repeat_ids_only_as_the_same_entry() -> None:
    seen: dict[str, str] = {}
    for path in sorted(DEVSET.glob("atlas-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                entry = json.loads(line)
                earlier = seen.setdefault(entry["id"], line)
                assert json.loads(earlier) == entry, f"{entry['id']} differs between files"
    assert len(load_atlas()) >= len(seen) > 0


def test_devset_posts_parse_with_unique_ids() -> None:
    posts = load_posts()
    assert posts
    repeated = [i for i, n in Counter(p.id for p in posts).items() if n > 1]
    assert repeated == []


def test_every_expected_atlas_id_is_in_the_devset_atlas() -> None:
    ids = {entry.id for entry in load_atlas()}
    missing = [
        (post.source, item["atlas_id"])
        for post in load_posts()
        for item in post.expected
        if item["atlas_id"] is not None and item["atlas_id"] not in ids
    ]
    assert missing == []


def test_a_post_line_without_expected_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "posts-x.jsonl").write_text('{"id": "1", "text": "hi", "family": "f"}\n')
    with pytest.raises(ValueError, match=r"posts-x\.jsonl:1"):
        load_posts(tmp_path)


def _post(*expected: dict[str, str | None]) -> DevPost:
    return DevPost("1", "text", "f", "en", expected, "posts-x.jsonl:1")


def _item(atlas_id: str | None = None, doi: str | None = None) -> dict[str, str | None]:
    return {"atlas_id": atlas_id, "doi": doi, "pmid": None, "pmcid": None}


def test_judge_counts_a_match_right_by_atlas_id_or_by_identifier_and_once_only() -> None:
    post = _post(_item("a-2020-x"), _item(doi="10.1/y"))
    outcome = judge(
        post,
        [
            {**_item("a-2020-x"), "text": "A 2020"},
            {**_item(doi="10.1/y"), "text": "10.1/y"},
            {**_item("a-2020-x"), "text": "again"},
            {**_item("b-2021-z"), "text": "B 2021"},
        ],
    )
    assert outcome.right == 2
    assert [m["text"] for m in outcome.wrong] == ["again", "B 2021"]
    assert outcome.missed == ()
