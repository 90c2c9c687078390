"""Arbitrary Unicode, including what breaks encoders and layouts, never breaks the bot.

Zero-width characters, bidi overrides, combining marks, NULs and lone surrogates (which a
JSON `\\ud800` escape or undecodable bytes produce) go through the linker, the full service
on a real database and every renderer. Lone surrogates are stripped where text enters
(`Post`, scan lines, lookups): nothing downstream can encode them.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.factory import build_service
from bot.core.render_markdown import COMMENT_LIMIT
from bot.core.service import EvidenceService
from bot.discord_bot.render import CONTENT_LIMIT, TOTAL_LIMIT, embed_length, render_discord
from config.settings import Settings
from linker import find_references
from records.atlas_store import upsert_entries
from records.db import open_db
from records.models import Post, strip_lone_surrogates
from tests.core.conftest import sample_entries
from tests.core.test_sanitize import LIVE_MENTION
from tests.linker.sample_atlas import sample_index
from tests.reliability.conftest import clean_environment, program, run_program

LEE_DOI = "10.1016/j.autrev.2023.103484"
NASTY = [
    "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff",  # zero-width
    "\u202e", "\u202d", "\u2066", "\u2069", "\u200f",  # bidi overrides, isolates, RLM
    "\u0301", "\u0338", "\u20dd", "e\u0301\u0301\u0301",  # combining marks
    "\x00", "\x07", "\x1b[31m", "\r", "\t", "\u2028",  # controls and separators
    "\ud800", "\udfff", "\udc80", "\ud83d",  # lone surrogates
    "@everyone", "<@123>", "<@&456>", "[x](javascript:alert(1))", "\n# head\n", "```",
    LEE_DOI, "doi:", "10.5555/", "PMID ", "PMC", "Lee et al. 2024", "https://doi.org/",
]  # fmt: skip
# Any code point at all, surrogates included (hypothesis leaves them out by default).
ANY_CHAR = st.characters(codec=None, exclude_categories=[])
HOSTILE_TEXT = st.lists(
    st.one_of(st.sampled_from(NASTY), st.text(ANY_CHAR, max_size=8)), max_size=40
).map("".join)
SURROGATE = re.compile("[\ud800-\udfff]")
INVISIBLE = re.compile("[\x00\u202a-\u202e\u2066-\u2069]")
SOME = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SOME
@given(HOSTILE_TEXT)
def test_find_references_takes_any_code_points_and_spans_lie_inside(text: str) -> None:
    for reference in find_references(text):
        assert 0 <= reference.start <= reference.end <= len(text)
        assert text[reference.start : reference.end] == reference.text


@SOME
@given(HOSTILE_TEXT)
def test_match_takes_any_code_points_and_spans_lie_inside(text: str) -> None:
    for match in sample_index().match(text):
        assert text[match.reference.start : match.reference.end] == match.reference.text


@SOME
@given(HOSTILE_TEXT)
def test_a_post_never_holds_a_lone_surrogate(text: str) -> None:
    post = Post(
        platform="discord", place=text, thread="t", message_id=text, author_id="a", text=text
    )
    for value in (post.text, post.place, post.message_id):
        assert not SURROGATE.search(value)
        value.encode("utf-8")  # raises if anything unencodable is left


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EvidenceService]:
    """One real service for all examples (each example is a new message)."""
    db = open_db(tmp_path_factory.mktemp("hostile") / "records.db")
    upsert_entries(db, sample_entries())
    yield build_service(db, Settings())
    db.close()


MESSAGE_IDS = count()


@SOME
@given(HOSTILE_TEXT)
def test_the_service_answers_any_text_with_encodable_bounded_neutral_replies(
    service: EvidenceService, text: str
) -> None:
    n = next(MESSAGE_IDS)  # a place and thread of its own: no rate cap, no cooldown
    post = Post(
        platform="discord",
        place=f"channel-{n}",
        thread=f"thread-{n}",
        message_id=str(n),
        author_id="member",
        text=f"{text} {LEE_DOI}",
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    plan = service.handle_post(post)
    assert plan is not None
    assert service.claim(plan) is not None
    message = render_discord(plan.reply)
    assert len(message.content) <= CONTENT_LIMIT
    assert sum(embed_length(e) for e in message.embeds) <= TOTAL_LIMIT
    markdown = plan.markdown()
    assert len(markdown) <= COMMENT_LIMIT
    for rendered in (message.content, json.dumps(message.embeds), markdown, plan.text()):
        rendered.encode("utf-8")
        assert not INVISIBLE.search(rendered)
        assert not LIVE_MENTION.search(rendered.replace("\\", ""))


@SOME
@given(HOSTILE_TEXT)
def test_lookups_of_any_text_answer_in_every_format(service: EvidenceService, text: str) -> None:
    result = service.lookup(text or "x")
    for rendered in (
        result.markdown(),
        result.text(),
        json.dumps(render_discord(result.reply).embeds),
    ):
        rendered.encode("utf-8")
        assert not LIVE_MENTION.search(rendered.replace("\\", ""))


def test_lone_surrogates_are_stripped_and_nothing_else_is() -> None:
    assert strip_lone_surrogates("a\ud800b\udfffc \U0001f600 e\u0301") == "abc \U0001f600 e\u0301"


def surrogate_line(**post: object) -> str:
    """A JSON line whose strings carry `\\udXXX` escapes, as any JSON encoder may write them."""
    return json.dumps(post)  # ensure_ascii: lone surrogates become escapes, not bytes


def test_scan_of_lines_with_lone_surrogates_reports_every_post(
    tmp_path: Path, atlas_db: Path
) -> None:
    posts = tmp_path / "posts.jsonl"
    posts.write_text(
        surrogate_line(id="a\ud800", text="see doi:10.5555/ab\udfffcd now")
        + "\n"
        + surrogate_line(id="b", text=f"{LEE_DOI}\ud83d")
        + "\n",
        encoding="utf-8",
    )
    done = run_program("--db", str(atlas_db), "scan", str(posts), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b"]
    assert lines[0]["matches"][0]["doi"] == "10.5555/abcd"
    assert lines[1]["matches"][0]["atlas_id"] == "lee-2024-brain-regional"
    db = sqlite_utils.Database(atlas_db)
    try:
        keys = [row["paper_key"] for row in db.query("SELECT paper_key FROM sightings")]
    finally:
        db.close()
    assert keys == ["doi:10.5555/abcd"]


def test_console_posts_and_lookups_with_undecodable_bytes_are_answered(
    tmp_path: Path, atlas_db: Path
) -> None:
    post = b"ana: doi:10.5555/ab\xffcd and " + LEE_DOI.encode() + b"\n"
    thread = tmp_path / "thread.txt"
    thread.write_bytes(post)
    db = ["--db", str(atlas_db)]
    from_file = run_program(*db, "run", "console", "--thread", str(thread), cwd=tmp_path)
    from_stdin = subprocess.run(  # noqa: S603 - our own program
        [*program(), *db, "run", "console"],
        input=post,
        cwd=tmp_path,
        env=clean_environment({"PYTHONIOENCODING": "utf-8:strict"}),  # a strict stdin
        capture_output=True,
        check=False,
    )
    for done in (from_file, from_stdin):
        stderr = done.stderr if isinstance(done.stderr, str) else done.stderr.decode()
        assert done.returncode == 0, stderr
        assert "1 reply with 1 card, 1 new sighting" in stderr
    # Command-line arguments that are not UTF-8 reach Python as lone surrogates.
    query = run_program(*db, "lookup", "10.5555/x\udcff", cwd=tmp_path)
    assert query.returncode == 0, query.stderr
    assert "“10.5555/x” is not in the atlas" in query.stdout
