"""Counts read as English: `1 reply`, `2 replies`, never `1 replies` or `reply(s)` (issue 28)."""

from __future__ import annotations

import re
import tokenize
from pathlib import Path

import pytest

from records.wording import counted
from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(
    ("number", "noun", "expected"),
    [
        (1, "reply", "1 reply"),
        (2, "reply", "2 replies"),
        (0, "study", "0 studies"),
        (1, "place", "1 place"),
        (3, "place", "3 places"),
        (1, "pass", "1 pass"),
        (2, "pass", "2 passes"),
        (2, "entry", "2 entries"),
        (2, "day", "2 days"),
        (1, "person", "1 person"),
        (4, "person", "4 people"),
        (2, "atlas entry", "2 atlas entries"),
    ],
)
def test_a_count_takes_the_form_its_number_needs(number: int, noun: str, expected: str) -> None:
    assert counted(number, noun) == expected


# `message(s)`, `repl(ies)`: a plural left for the reader to work out. (`http(s)` is a scheme.)
_HEDGED_PLURAL = re.compile(r"\b(?!http\(s\))\w+\((?:s|es|ies)\)")


def _string_literals(path: Path) -> list[tuple[int, str]]:
    with path.open("rb") as handle:
        return [
            (token.start[0], token.string)
            for token in tokenize.tokenize(handle.readline)
            # Docstrings and comments may talk about plurals; messages never hedge them.
            if token.type == tokenize.STRING and not token.string.endswith(('"""', "'''"))
        ]


def test_no_message_hedges_a_plural() -> None:
    hedged = [
        f"{path.relative_to(REPO_ROOT)}:{number}: {literal}"
        for folder in ("bot", "records", "linker", "config")
        for path in sorted((REPO_ROOT / folder).rglob("*.py"))
        for number, literal in _string_literals(path)
        if _HEDGED_PLURAL.search(literal)
    ]
    assert hedged == []
