"""Cleaning text for scanning, and trimming where an identifier ends."""

from __future__ import annotations

import pytest

from linker.cleaning import clean_for_scanning
from linker.trim import trimmed_length


@pytest.mark.parametrize(
    ("text", "clean"),
    [
        pytest.param("a\u200bb\u200dc\ufeffd", "abcd", id="zero-width"),
        pytest.param("soft\u00adhyphen", "softhyphen", id="soft-hyphen"),
        pytest.param(r"10.1016/S0140\-6736\(11\)", "10.1016/S0140-6736(11)", id="reddit-escapes"),
        pytest.param(r"a \\ b", r"a \ b", id="escaped-backslash"),
        pytest.param(r"C:\path", r"C:\path", id="backslash-before-letter-kept"),
        pytest.param(
            "10.1038/s41467-\n024-45107-3", "10.1038/s41467-024-45107-3", id="split-hyphen"
        ),
        pytest.param("10.1016/\r\nj.x1", "10.1016/j.x1", id="split-slash-crlf"),
        pytest.param(
            "see 10.1016/j.x.\nThe end 2", "see 10.1016/j.x.\nThe end 2", id="sentence-end"
        ),
        pytest.param("10.1016/j.x.\n2024 was", "10.1016/j.x.\n2024 was", id="year-after-full-stop"),
        pytest.param(
            "10.1016/j.autrev.\n2023.103484", "10.1016/j.autrev.2023.103484", id="dotted-number"
        ),
    ],
)
def test_clean_for_scanning(text: str, clean: str) -> None:
    assert clean_for_scanning(text).text == clean


def test_spans_map_back_to_the_original() -> None:
    text = "x \u200b10.1038/s41467-\n024\\_1 y"
    clean = clean_for_scanning(text)
    start = clean.text.index("10.")
    end = clean.text.index(" y")
    o_start, o_end = clean.original_span(start, end)
    assert text[o_start:o_end] == "10.1038/s41467-\n024\\_1"


@pytest.mark.parametrize(
    ("candidate", "kept"),
    [
        pytest.param("10.1/a(1)b).", "10.1/a(1)b", id="balanced-kept-unbalanced-cut"),
        pytest.param("10.1/abc](https://x)", "10.1/abc", id="markdown-text"),
        pytest.param("10.1/abc>", "10.1/abc", id="discord-bracket"),
        pytest.param("10.1/a<1>c", "10.1/a<1>c", id="angle-pair"),
        pytest.param('10.1/abc",', "10.1/abc", id="quote-comma"),
        pytest.param("10.1/abc…", "10.1/abc", id="ellipsis"),
        pytest.param("10.1/abc(", "10.1/abc", id="trailing-opener"),
        pytest.param("10.1/a_b_", "10.1/a_b", id="underscore-emphasis"),
        pytest.param("10.1/abc</a>", "10.1/abc", id="html-closing-tag"),
        pytest.param("10.1/abc<br>x", "10.1/abc", id="html-tag"),
        pytest.param("10.1/abc&gt;", "10.1/abc", id="html-entity"),
        pytest.param("10.1/a:4<477::AID-J8>3.0", "10.1/a:4<477::AID-J8>3.0", id="sici-is-no-tag"),
    ],
)
def test_trimmed_length(candidate: str, kept: str) -> None:
    assert candidate[: trimmed_length(candidate)] == kept
