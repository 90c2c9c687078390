"""The everyday-word figures the linker ships, and that they are wordfreq's (issue 22)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from linker import everyday


@pytest.mark.parametrize(
    ("word", "at_least", "below"),
    [
        ("the", 7.0, 8.0),  # English function word
        ("uber", 6.0, 7.0),  # German "über", folded as the linker folds words
        ("sleep", 4.6, 5.6),  # common, yet a paper's subject
        ("microbiome", 0.0, 0.1),  # rare: not in the table at all
    ],
)
def test_zipf_figures_of_folded_words(word: str, at_least: float, below: float) -> None:
    assert at_least <= everyday.zipf(word) < below


def test_shipped_table_is_what_wordfreq_gives(tmp_path: Path) -> None:
    fresh = tmp_path / "everyday_words.tsv"
    everyday.main(fresh)
    assert fresh.read_text(encoding="utf-8") == everyday.WORDS.read_text(encoding="utf-8")


def test_english_figures_tell_the_other_languages_function_words() -> None:
    assert everyday.zipf_english("the") > 7.0
    assert everyday.zipf("und") > 5.6
    assert everyday.zipf_english("und") == 0.0


def test_english_figures_reach_down_to_where_descriptions_call_a_word_rare() -> None:
    # "client" is 4.5-4.6 in English: linker.descriptions must see it as not rare (< 4.5),
    # while zipf_english keeps answering 0.0 below MIN_ZIPF as before.
    assert everyday.ENGLISH_MIN_ZIPF <= everyday.english_figure("client") < everyday.MIN_ZIPF
    assert everyday.zipf_english("client") == 0.0


def test_the_linker_runs_without_loading_wordfreq() -> None:
    # wordfreq costs some 16 MB and 0.4 s at start-up; its figures ship in the table.
    code = "import sys, linker; linker.AtlasIndex.build([]); print('wordfreq' in sys.modules)"
    shown = subprocess.run(  # noqa: S603 (this interpreter, a fixed program)
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert shown.strip() == "False"
