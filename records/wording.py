"""Counts in words: `1 reply`, `2 replies`, never `1 replies` or `reply(s)`."""

from __future__ import annotations

# English plurals that adding "s" gets wrong, for the nouns our messages count.
_IRREGULAR = {"person": "people"}


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """`number` and the noun in the form it needs: counted(1, "reply") is `1 reply`,
    counted(3, "study") `3 studies`, counted(2, "pass") `2 passes`."""
    if number == 1:
        return f"{number} {singular}"
    return f"{number} {plural or plural_of(singular)}"


def plural_of(singular: str) -> str:
    """The plural of a regular English noun (entry → entries, pass → passes)."""
    if singular in _IRREGULAR:
        return _IRREGULAR[singular]
    if singular.endswith("y") and singular[-2:-1] not in set("aeiou"):
        return singular[:-1] + "ies"
    if singular.endswith(("s", "sh", "ch", "x", "z")):
        return singular + "es"
    return singular + "s"
