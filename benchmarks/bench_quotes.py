"""Forum quote parsing on hostile posts: microseconds per kilobyte at 10 KB, 100 KB and 1 MB.

`bot.forums.quotes` reads a post once, left to right (issue 29: the old length-bounded
patterns were peeled in a loop). Families: quotes nested as deep as the post allows, one
huge attribute, openers that never close their bracket, code tags that never close, and
(Discourse) fences and backtick runs. Target: linear time, i.e. the cost per KB stays about
the same from 10 KB to 1 MB ("growth", 1 MB per-KB cost over 10 KB per-KB cost, near 1; a
quadratic parser would show ~100).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from benchmarks.common import Figure
from bot.forums.quotes import own_cooked_text, split_bbcode

SIZES = (10_000, 100_000, 1_000_000)
FAMILIES: dict[str, Callable[[int], str]] = {
    "deep nesting": lambda n: "[quote]" * (n // 16) + "!evidence off" + "[/quote]" * (n // 16),
    "huge attribute": lambda n: '[QUOTE="' + "x" * n + '"]\n!evidence off\n[/QUOTE]',
    "openers without ]": lambda n: "[quote=" * (n // 7),
    "unclosed code": lambda n: "[code]" * (n // 6),
    "fences and ticks": lambda n: "```\n` `` [/quote]\n" * (n // 18),
    "cooked asides": lambda n: '<aside class="quote"><p>x</p>' * (n // 30),
}


def _per_kb(text: str, family: str) -> float:
    parse = own_cooked_text if family == "cooked asides" else None
    start = time.perf_counter()
    if parse is not None:
        parse(text)
    else:
        split_bbcode(text, markdown=True)
    return (time.perf_counter() - start) * 1e6 / (len(text) / 1000)


def run() -> list[Figure]:
    figures = []
    worst = 0.0
    for family, make in FAMILIES.items():
        costs = [_per_kb(make(size), family) for size in SIZES]
        growth = costs[-1] / costs[0]
        worst = max(worst, growth)
        shown = ", ".join(f"{c:.0f}" for c in costs)
        figures.append(Figure("quotes", f"{family}: µs/KB at 10K, 100K, 1M", shown))
    figures.append(Figure("quotes", "worst growth 10 KB → 1 MB", f"{worst:.1f}", "near 1"))
    return figures
