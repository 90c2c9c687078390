"""Malformed settings and atlas files give one clear message and an exit code, no traceback.

Everything runs through the installed `evidence-bot` program, as an operator would.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.reliability.conftest import run_program

CONFIGS: dict[str, tuple[bytes, str]] = {
    "bad TOML": (b"[reply\nmax_cards = 3\n", "is not valid TOML"),
    "wrong type": (b'[reply]\nmax_cards = "three"\n', "reply.max_cards"),
    "out of range": (b"[reply]\nmax_cards = 99\n", "reply.max_cards"),
    "unknown key": (b"[reply]\nmax_cardz = 3\n", "reply.max_cardz"),
    "unknown section": (b"[replies]\nmax_cards = 3\n", "replies"),
    "section of the wrong type": (b'reply = "loud"\n', "reply"),
    "binary garbage": (bytes(range(256)) * 4, "is not valid TOML"),
    "not UTF-8": ('[atlas]\nuser_agent = "café"\n'.encode("latin-1"), "config file"),
    "empty list item type": (b'[discord]\nshard_ids = [1, "x"]\n', "discord.shard_ids"),
}


@pytest.mark.parametrize("case", sorted(CONFIGS))
def test_a_malformed_settings_file_is_named_with_the_problem(tmp_path: Path, case: str) -> None:
    content, says = CONFIGS[case]
    config = tmp_path / "evidence-bot.toml"
    config.write_bytes(content)
    done = run_program("--config", str(config), "config", "check", cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Error:")
    assert says in done.stderr


def test_a_missing_settings_file_is_named(tmp_path: Path) -> None:
    done = run_program("--config", str(tmp_path / "nope.toml"), "config", "check", cwd=tmp_path)
    assert (done.returncode, "Traceback" in done.stderr) == (2, False)
    assert "config file not found" in done.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EVBOT_REPLY__COOLDOWN_HOURS", "-1"),
        ("EVBOT_REPLY__DEFAULT_MODE", "loud"),
        ("EVBOT_DATABASE__BUSY_TIMEOUT_MS", "soon"),
        ("EVBOT_DISCORD__SHARD_IDS", "a,b"),
    ],
)
def test_a_malformed_environment_variable_is_named(
    tmp_path: Path, variable: str, value: str
) -> None:
    done = run_program("config", "check", cwd=tmp_path, env={variable: value})
    assert (done.returncode, "Traceback" in done.stderr) == (2, False)
    section, field = variable.removeprefix("EVBOT_").lower().split("__")
    assert f"{section}.{field}" in done.stderr


def ten_megabyte_line(path: Path) -> None:
    entry = {"id": "big-2020-line", "title": "A very long line", "summary": "word " * 2_000_000}
    path.write_text(json.dumps(entry) + "\n", encoding="utf-8")


def utf16(path: Path) -> None:
    path.write_text('{"id": "u-2020-x", "title": "Sixteen bits a character"}\n', "utf-16")


ATLASES: dict[str, tuple[str, Callable[[Path], object], str]] = {
    "binary garbage": ("x.jsonl", lambda p: p.write_bytes(bytes(range(256)) * 64), "not UTF-8"),
    "truncated JSON Lines": (
        "x.jsonl",
        lambda p: p.write_text('{"id": "cut-2020-off", "title": "Cut o'),
        "not valid JSON",
    ),
    "truncated JSON array": (
        "x.json",
        lambda p: p.write_text('[{"id": "cut-2020-off", "title": "Cut off"}, {"id"'),
        "not valid JSON",
    ),
    "latin-1 JSON Lines": (
        "x.jsonl",
        lambda p: p.write_bytes('{"id": "c-2020-x", "title": "Café study"}\n'.encode("latin-1")),
        "not UTF-8",
    ),
    "UTF-16 JSON Lines": ("x.jsonl", utf16, "not UTF-8"),
    "latin-1 CSV": (
        "x.csv",
        lambda p: p.write_bytes("id,title\nc-2020-x,Café study\n".encode("latin-1")),
        "not UTF-8",
    ),
    "latin-1 JSON array": (
        "x.json",
        lambda p: p.write_bytes('[{"id": "c-2020-x", "title": "Café"}]'.encode("latin-1")),
        "not UTF-8",
    ),
    "ten megabytes of one line that is no JSON": (
        "x.jsonl",
        lambda p: p.write_text("x" * 10_000_000 + "\n"),
        "not valid JSON",
    ),
    "a JSON object where an array belongs": (
        "x.json",
        lambda p: p.write_text('{"id": "a-2020-b"}'),
        "must hold an array",
    ),
    "lone surrogate in a title": (
        "x.jsonl",
        lambda p: p.write_text('{"id": "s-2020-x", "title": "Bad \\ud800 title"}\n'),
        "title",
    ),
}


@pytest.mark.parametrize("case", sorted(ATLASES))
def test_a_malformed_atlas_file_is_rejected_clearly_and_exits_one(
    tmp_path: Path, db_path: Path, case: str
) -> None:
    name, write, says = ATLASES[case]
    atlas = tmp_path / name
    write(atlas)
    done = run_program("--db", str(db_path), "atlas", "import", str(atlas), cwd=tmp_path)
    assert (done.returncode, "Traceback" in done.stderr) == (1, False), done.stderr[-2000:]
    assert f"{atlas}:" in done.stderr
    assert says in done.stderr
    assert "0 added" in done.stdout + done.stderr
    assert len(done.stderr) < 20_000  # the reasons, not the file's content


def test_good_lines_around_a_line_in_another_encoding_are_imported(
    tmp_path: Path, db_path: Path
) -> None:
    atlas = tmp_path / "mixed.jsonl"
    atlas.write_bytes(
        b'{"id": "a-2020-one", "title": "The first readable study"}\n'
        + '{"id": "b-2020-two", "title": "Café study"}\n'.encode("latin-1")
        + b'{"id": "c-2020-three", "title": "The third readable study"}\n'
    )
    done = run_program("--db", str(db_path), "atlas", "import", str(atlas), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert f"{atlas}:2: rejected: not UTF-8 text" in done.stderr
    assert "2 added" in done.stdout + done.stderr


def test_a_ten_megabyte_entry_imports_and_renders_a_bounded_card(
    tmp_path: Path, db_path: Path
) -> None:
    atlas = tmp_path / "big.jsonl"
    ten_megabyte_line(atlas)
    done = run_program("--db", str(db_path), "atlas", "import", str(atlas), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    card = run_program(
        "--db", str(db_path), "lookup", "big-2020-line", "--format", "markdown", cwd=tmp_path
    )
    assert card.returncode == 0, card.stderr
    assert "A very long line" in card.stdout
    assert len(card.stdout) <= 10_000
