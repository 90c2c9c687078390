"""The BibTeX block an atlas page offers (`@article{mecfsatlas-<slug>, ...}`).

Only what the atlas writes is read: one entry, `name = {value}` fields with nested braces,
quoted or bare values. Grammar: https://www.bibtex.org/Format/
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_ENTRY_START = re.compile(
    r"""@(?P<type>[A-Za-z]+) \s* \{ \s*   # @article{
        (?P<key>[^,\s{}]+) \s* ,           # the citation key, then a comma
    """,
    re.VERBOSE,
)
_FIELD_NAME = re.compile(r"\s*,?\s*(?P<name>[A-Za-z][\w-]*)\s*=\s*")


@dataclass
class BibEntry:
    """One BibTeX entry: its key and its fields (names lower-cased, braces removed)."""

    key: str
    fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str | None:
        """The field's value, or None when absent or blank."""
        value = self.fields.get(name, "").strip()
        return value or None


def find_bibtex(text: str) -> tuple[int, int] | None:
    """Where the first BibTeX entry in `text` starts and ends (its closing brace included).

    Text renderings can glue the next heading to the closing brace (`}Atlas snapshot ...`),
    so the end is found by counting braces, not by looking for a line break.
    """
    match = _ENTRY_START.search(text)
    if match is None:
        return None
    depth = 0
    for index in range(text.index("{", match.start()), len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return match.start(), index + 1
    return None


def parse_bibtex(block: str) -> BibEntry | None:
    """The entry in `block`, or None when it holds no BibTeX entry."""
    match = _ENTRY_START.search(block)
    if match is None:
        return None
    entry = BibEntry(key=match.group("key"))
    position = match.end()
    while True:
        name_match = _FIELD_NAME.match(block, position)
        if name_match is None:
            break
        value, position = _read_value(block, name_match.end())
        entry.fields[name_match.group("name").lower()] = _clean(value)
    return entry


def _read_value(text: str, start: int) -> tuple[str, int]:
    """A braced, quoted or bare value starting at `start`, and the index after it."""
    if start >= len(text):
        return "", start
    opener = text[start]
    if opener == "{":
        depth = 0
        for index in range(start, len(text)):
            if text[index] == "{":
                depth += 1
            elif text[index] == "}":
                depth -= 1
                if depth == 0:
                    return text[start + 1 : index], index + 1
        return text[start + 1 :], len(text)
    if opener == '"':
        end = text.find('"', start + 1)
        end = len(text) if end == -1 else end
        return text[start + 1 : end], end + 1
    end = start
    while end < len(text) and text[end] not in ",}\n":
        end += 1
    return text[start:end], end


def _clean(value: str) -> str:
    """Drop grouping braces (`{ME/CFS}`) and fold whitespace."""
    return " ".join(value.replace("{", "").replace("}", "").split())
