"""`evidence-bot run console`: posts in, the replies the bot would send out."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import bot.console as console_module
from bot.cli.main import cli
from bot.console import ThreadPost, read_thread
from records.db import open_db
from records.replies import get_reply
from tests.conftest import SAMPLE_ATLAS

LEE_DOI = "10.1016/j.autrev.2023.103484"


def run(db_path: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(
        cli, ["--db", str(db_path), *args], input=stdin, catch_exceptions=False
    )


@pytest.fixture
def atlas_path(db_path: Path) -> Path:
    assert run(db_path, "atlas", "import", str(SAMPLE_ATLAS)).exit_code == 0
    return db_path


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["ana: hello"], [ThreadPost(1, "ana", "hello")]),
        (["no name here"], [ThreadPost(1, "you", "no name here")]),
        (["Bot Two [bot]: beep"], [ThreadPost(1, "Bot Two", "beep", is_bot=True)]),
        (["ana: a", "ana [edit 1]: b"], [ThreadPost(1, "ana", "a"), ThreadPost(2, "ana", "b", edit_of=1)]),
        (["ana: first", "  continued", "bo: next"], [ThreadPost(1, "ana", "first\ncontinued"), ThreadPost(2, "bo", "next")]),
        (["# comment", "", "ana: x"], [ThreadPost(1, "ana", "x")]),
        (["see https://doi.org/10.1/x"], [ThreadPost(1, "you", "see https://doi.org/10.1/x")]),
        (["ana:no space"], [ThreadPost(1, "you", "ana:no space")]),
        (["ana [BOT] :  spaced out "], [ThreadPost(1, "ana", "spaced out", is_bot=True)]),
        (["ana: a: b"], [ThreadPost(1, "ana", "a: b")]),
        (["a" + " " * 100 + "x: late colon"], [ThreadPost(1, "you", "a" + " " * 100 + "x: late colon")]),
    ],
)  # fmt: skip
def test_thread_lines_become_posts(lines: list[str], expected: list[ThreadPost]) -> None:
    assert list(read_thread(lines)) == expected


# Lines a thread file may hold that made the reader quadratic (issue 17): the name pattern
# backtracked over long runs of spaces, and each continuation line copied the whole post.
LONG_LINES = {
    "spaces": "a" + " " * 200_000 + "x",
    "spaces before a colon": "ab" + " " * 200_000 + "x: y",
    "words": "word " * 40_000,
    "colons": "a: " * 70_000,
}


@pytest.mark.parametrize("line", LONG_LINES.values(), ids=LONG_LINES.keys())
def test_the_name_pattern_never_sees_more_than_a_name(
    line: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[int] = []
    pattern = console_module._POST_HEADER

    class Spy:
        def fullmatch(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> Any:
            seen.append(min(endpos, len(text)) - pos)
            return pattern.fullmatch(text, pos, endpos)

    monkeypatch.setattr(console_module, "_POST_HEADER", Spy())
    [post] = read_thread([line])
    assert post.text == line.strip() or line.startswith("a: ")
    assert max(seen, default=0) <= console_module._HEADER_CHARS


def test_continuation_lines_are_joined_once_not_copied_per_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    lines = ["ana: start", *(["  more words on a continuation line"] * 20_000)]
    built: list[int] = []

    class CountingPost(ThreadPost):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(len(self.text))

    monkeypatch.setattr(console_module, "ThreadPost", CountingPost)
    [post] = read_thread(lines)
    size = sum(len(line) for line in lines)
    assert post.text.count("\n") == 20_000
    # Every post object made while reading holds at most the post once more: linear work.
    assert built
    assert sum(built) <= 3 * size


def test_interactive_lines_are_posts_of_their_own() -> None:
    posts = list(read_thread(["ana: a", "  b"], continuation=False))
    assert [p.text for p in posts] == ["a", "b"]


def test_a_post_citing_a_study_gets_a_card(atlas_path: Path) -> None:
    result = run(atlas_path, "run", "console", stdin=f"ana: see {LEE_DOI}\n")
    assert "#1 ana" in result.output
    assert "Brain-regional characteristics" in result.output
    assert "evidence-bot · 1 study" in result.output
    assert "1 post, 1 reply with 1 card" in result.output


def test_the_same_policy_applies_as_on_the_platforms(atlas_path: Path) -> None:
    stdin = "\n".join(
        [
            f"ana: see {LEE_DOI}",
            f"bo: again {LEE_DOI}",
            f"helper [bot]: {LEE_DOI}",
            "cy: nothing cited",
            "cy: PMID 22039471",
        ]
    )
    output = run(atlas_path, "run", "console", stdin=stdin).output
    assert output.count("evidence-bot · 1 study") == 1
    assert "no reply: every study was carded in this thread recently" in output
    assert "no reply: author is a bot" in output
    assert "no reply: no atlas study cited" in output
    assert "not in the atlas, logged for curators: pmid:22039471" in output


def test_every_logged_key_is_listed_author_year_citations_too(atlas_path: Path) -> None:
    stdin = "ana: Smith et al. 2021 found it, and Jones et al. 2019 did not\n"
    output = run(atlas_path, "run", "console", stdin=stdin).output
    words = " ".join(output.split())  # the note wraps at 80 columns
    assert "logged for curators: author_year:smith 2021, author_year:jones 2019" in words


def test_nothing_is_said_logged_when_nothing_was(atlas_path: Path) -> None:
    output = run(atlas_path, "run", "console", stdin="ana: crashed after the dentist\n").output
    assert "logged for curators" not in output


def test_a_thread_file_can_hold_edits_and_commands(atlas_path: Path, tmp_path: Path) -> None:
    thread = tmp_path / "thread.txt"
    thread.write_text(
        f"ana: see {LEE_DOI}\n"
        f"ana [edit 1]: see {LEE_DOI} and PMC10881493\n"
        "bo: !evidence off\n"
        "cy: and https://doi.org/10.1073/pnas.1607571113\n",
        encoding="utf-8",
    )
    output = run(atlas_path, "run", "console", "--thread", str(thread)).output
    assert "Deep phenotyping" in output
    assert "Evidence cards are off here." in output
    assert "no reply: the bot is off here" in output
    db = open_db(atlas_path)
    try:
        (message_id,) = [r["message_id"] for r in db.query("SELECT message_id FROM replies")]
        record = get_reply(db, "console", message_id)
    finally:
        db.close()
    assert message_id.endswith(":1")
    assert record is not None
    assert record.entries == ("lee-2024-brain-regional", "walitt-2024-deep-phenotyping")


@pytest.mark.parametrize(("fmt", "marker"), [("markdown", "**["), ("discord", '"embeds": [')])
def test_replies_can_be_shown_as_a_platform_would_get_them(
    atlas_path: Path, fmt: str, marker: str
) -> None:
    output = run(atlas_path, "run", "console", "--format", fmt, stdin=f"ana: {LEE_DOI}\n").output
    assert marker in output


def test_each_run_is_a_new_conversation(atlas_path: Path) -> None:
    first = run(atlas_path, "run", "console", stdin=f"ana: {LEE_DOI}\n").output
    second = run(atlas_path, "run", "console", stdin=f"ana: {LEE_DOI}\n").output
    assert "1 reply with" in first
    assert "1 reply with" in second


def test_a_named_thread_keeps_its_cooldown_across_runs(atlas_path: Path) -> None:
    args = ("run", "console", "--thread-id", "t1")
    run(atlas_path, *args, stdin=f"ana: {LEE_DOI}\n")
    again = run(atlas_path, *args, stdin=f"bo: {LEE_DOI}\n").output
    assert "carded in this thread recently" in again


def test_discord_output_is_valid_json(atlas_path: Path) -> None:
    output = run(atlas_path, "run", "console", "--format", "discord", stdin=f"{LEE_DOI}\n").output
    lines = output.splitlines()
    start = lines.index("{")
    end = lines.index("}", start) + 1
    message = json.loads("\n".join(lines[start:end]))
    assert message["embeds"][0]["url"].endswith("/evidence/lee-2024-brain-regional")


def test_wrong_and_remove_not_answering_a_card_say_how_to_use_them(
    atlas_path: Path, tmp_path: Path
) -> None:
    thread = tmp_path / "thread.txt"
    thread.write_text(
        f"ana: see {LEE_DOI}\nbo: !evidence wrong\ncy: hello\ndi: !evidence wrong\n"
        "ed: !evidence remove\n",
        encoding="utf-8",
    )
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        cli, ["--db", str(atlas_path), "run", "console", "--thread", str(thread)]
    )
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Thanks: the atlas curators will check this match." in output  # bo, after the card
    assert "To report a wrong match, reply to one of my study cards" in output  # di
    assert "I can only remove my own replies" in output  # ed
    db = open_db(atlas_path)
    try:
        reports = list(db.query("SELECT entry_id, message_id FROM wrong_match_reports"))
    finally:
        db.close()
    assert [r["entry_id"] for r in reports] == ["lee-2024-brain-regional"]
    assert reports[0]["message_id"]  # ana's message, which the card answered
