"""A set of text spans answering "does this span overlap any of them?" in logarithmic time.

Scanning a hostile text can find tens of thousands of links and identifiers; checking each new
one against every earlier one would be quadratic.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable


class SpanSet:
    """Half-open spans [start, end), kept merged and sorted."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def add(self, start: int, end: int) -> None:
        """Include [start, end), merging it with the spans it overlaps or touches."""
        if end <= start:
            return
        first = bisect_left(self._ends, start)  # spans ending before `start` stay apart
        last = bisect_right(self._starts, end)  # spans starting after `end` stay apart
        if first < last:
            start = min(start, self._starts[first])
            end = max(end, self._ends[last - 1])
        self._starts[first:last] = [start]
        self._ends[first:last] = [end]

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares at least one character with a span of the set."""
        index = bisect_left(self._starts, end)
        return index > 0 and self._ends[index - 1] > start and end > start

    def __bool__(self) -> bool:
        return bool(self._starts)
