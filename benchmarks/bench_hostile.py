"""Adversarial text: time per kilobyte at 10 KB, 100 KB and 1 MB, for the linker and renderers.

Each family of hostile text (repeated half-identifiers, line-split DOIs, bare years,
zero-width characters, bidi overrides, combining marks, lone surrogates, mentions and
Markdown, backslash escapes, one huge URL...) is fed to `find_references`,
`AtlasIndex.match` over an atlas the size of the real one (6,100 studies), and the three
renderers (a reply of three full cards and two links, all seven text fields of each of the
five cards holding the text: renderer costs are per KB of all that atlas text, 35 copies).

Target: linear time, i.e. the microseconds per kilobyte stay about the same from 10 KB to
1 MB (the "growth" figure, the worst family's 1 MB cost per KB over its 10 KB cost, stays
near 1; a quadratic pattern would show ~100). `match` reads identifiers in the whole text and
titles and author-year citations in the first `linker.max_text_chars` (100,000) characters;
the renderers cut atlas text to the platform limits before the expensive steps.

Lookup queries (`!evidence <query>`, `/evidence`, a Reddit summons, CLI `lookup`) are timed
apart, in milliseconds per query: a member's query of any length up to a platform's largest
message must cost about the same small time (a lookup reads at most 2,000 characters of
it, the author-year pattern at most 120 and the title scorers at most 400).

Memory per post: peak resident memory of a whole `evidence-bot scan` process reading one
post of 1, 4 and 16 MB (a hostile mix of backslash escapes and DOI fragments, the costliest
text to clean), next to the same process reading a short post. Only the first
`linker.max_post_chars` (200,000) characters of a post are read, so the extra cost of a
post stays flat however long it is (before that cap, one 10 MB line took 1.5 GB).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Figure, peak_rss_mb
from benchmarks.synthetic_atlas import synthetic_entries
from bot.core.cards import Card, Reply
from bot.core.render_markdown import render_markdown
from bot.core.render_text import render_text
from bot.discord_bot.render import render_discord
from linker import AtlasIndex, find_references
from records.models import AtlasEntry

NAME = "hostile input"
ATLAS_SIZE = 6_100
SIZES = {"10 KB": 10 * 1024, "100 KB": 100 * 1024, "1 MB": 1024 * 1024}
FIELD_COPIES = 5 * 7  # five cards, seven text fields each
MIN_SECONDS = 0.05  # repeat short runs until they take at least this long
FAMILIES = {
    "doi prefixes": "10.1234/",
    "line-split dois": "10.1038/s41467-\n",
    "years without names": "2024 ",
    "et al without years": "Lee et al. ",
    "pmid labels": "PMID    ",
    "many urls": "https://x.org/",
    "unbalanced brackets": "((((]]]]<<<<>>>>",
    "backslash escapes": "\\(\\)\\_",
    "zero-width": "a\u200b\u200c\u2060",
    "bidi overrides": "\u202eabc\u202d\u2066",
    "combining marks": "e\u0301\u0338\u20dd ",
    "lone surrogates": "a\ud800\udfff ",
    "mentions and markdown": "@everyone <@123> <@&4> [x](javascript:y) **# ```",
    "one huge url": "",  # built below: a single URL the size of the input
}


@dataclass(frozen=True)
class Subject:
    """A function under test and how to call it on a text."""

    name: str
    call: Callable[[str], object]
    copies: int = 1  # how many times the call reads the text


def hostile(family: str, size: int) -> str:
    """`size` characters of one family."""
    if family == "one huge url":
        return ("https://doi.org/10.1000/" + "a(" * size)[:size]
    unit = FAMILIES[family]
    return (unit * (size // len(unit) + 1))[:size]


def reply_of(text: str) -> Reply:
    """Three full cards and two "more" links, every atlas field holding `text`."""
    cards = [
        Card(
            entry_id=f"hostile-2020-{n}",
            title=text,
            url=f"https://www.mecfsatlas.com/evidence/hostile-2020-{n}",
            authors=text,
            journal=text,
            year=2020,
            summary=text,
            does_not_prove=text,
            pem="required",
            evidence_level="E2",
            study_type=text,
            notice=text,
        )
        for n in range(5)
    ]
    return Reply.from_cards(cards, max_cards=3)


def per_kb(subject: Subject, text: str) -> float:
    """Microseconds per kilobyte of input for one call (repeated when short)."""
    runs = 0
    start = time.perf_counter()
    while True:
        subject.call(text)
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= MIN_SECONDS:
            break
    return elapsed / runs * 1e6 / (len(text) * subject.copies / 1024)


# Shapes a member can repeat after `!evidence` to make a lookup backtrack.
QUERY_FAMILIES: dict[str, Callable[[int], str]] = {
    "spaces": lambda n: "a" + " " * n + "x",
    "spaces before a year": lambda n: "a" + " " * n + "2024",
    "words": lambda n: ("lee " * n)[:n],
    "et al": lambda n: ("Lee et al. " * n)[:n],
    "title words": lambda n: ("chronic fatigue immune brain " * n)[:n],
    "doi prefixes": lambda n: ("10.1234/ " * n)[:n],
}
QUERY_SIZES = (2_000, 10_000, 40_000)


def lookup_figures(index: AtlasIndex) -> list[Figure]:
    """Worst milliseconds per hostile lookup query at each size."""
    figures = []
    for size in QUERY_SIZES:
        costs = {}
        for family, make in QUERY_FAMILIES.items():
            query = make(size)
            start = time.perf_counter()
            index.search(query)
            costs[family] = (time.perf_counter() - start) * 1000
        family = max(costs, key=lambda f: costs[f])
        figures.append(
            Figure(
                NAME,
                f"lookup query of {size:,} chars, worst family",
                f"{costs[family]:,.0f} ms ({family})",
                "small and the same at every size",
            )
        )
    return figures


POST_SIZES_MB = (1, 4, 16)
POST_UNIT = "see 10.1016/S0140\\-6736\\(11\\) and "  # Reddit-escaped DOI fragments
# Runs one scan in a fresh interpreter and prints its own peak RSS in KiB.
_SCAN_CHILD = """
import resource, sys
from bot.cli.main import cli
try:
    cli.main(["--db", sys.argv[1], "scan", sys.argv[2]], standalone_mode=False)
finally:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def scan_peak_mb(folder: Path, text: str) -> float:
    """Peak resident memory (MB) of an `evidence-bot scan` process reading one post."""
    posts = folder / "posts.jsonl"
    posts.write_text(json.dumps({"id": 1, "text": text}) + "\n", encoding="utf-8")
    done = subprocess.run(  # noqa: S603 - our own interpreter and fixed arguments
        [sys.executable, "-c", _SCAN_CHILD, str(folder / "records.db"), str(posts)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stderr.strip().splitlines()[-1]) / 1024


def post_memory_figures() -> list[Figure]:
    """Peak memory of a scan reading one post of 1, 4 and 16 MB, and of a short post."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        base = scan_peak_mb(folder, POST_UNIT)
        figures = [Figure(NAME, "scan process, one short post", f"{base:,.0f} MB peak")]
        for size in POST_SIZES_MB:
            chars = size * 1024 * 1024
            text = (POST_UNIT * (chars // len(POST_UNIT) + 1))[:chars]
            peak = scan_peak_mb(folder, text)
            figures.append(
                Figure(
                    NAME,
                    f"scan process, one {size} MB post",
                    f"{peak:,.0f} MB peak (+{peak - base:,.0f} MB)",
                    "a few times the post's size, at most",
                )
            )
    return figures


def atlas_index() -> AtlasIndex:
    entries = [AtlasEntry.model_validate(e) for e in synthetic_entries(ATLAS_SIZE)]
    return AtlasIndex.build(entries)


def subjects(index: AtlasIndex) -> list[Subject]:
    return [
        Subject("find_references", find_references),
        Subject("AtlasIndex.match", index.match),
        Subject("render_discord", lambda t: render_discord(reply_of(t)), FIELD_COPIES),
        Subject("render_markdown", lambda t: render_markdown(reply_of(t)), FIELD_COPIES),
        Subject("render_text", lambda t: render_text(reply_of(t)), FIELD_COPIES),
    ]


def run() -> list[Figure]:
    """Worst family's µs/KB at each size, and how much that grows from 10 KB to 1 MB."""
    figures: list[Figure] = post_memory_figures()
    index = atlas_index()
    figures += lookup_figures(index)
    for subject in subjects(index):
        costs = {
            (family, size): per_kb(subject, hostile(family, chars))
            for family in FAMILIES
            for size, chars in SIZES.items()
        }
        for size in SIZES:
            family, cost = max(
                ((f, c) for (f, s), c in costs.items() if s == size), key=lambda fc: fc[1]
            )
            figures.append(
                Figure(
                    NAME,
                    f"{subject.name} at {size}, worst family",
                    f"{cost:,.0f} µs/KB ({family})",
                    "about the same at every size",
                )
            )
        growth = max(costs[f, "1 MB"] / costs[f, "10 KB"] for f in FAMILIES)
        worst = max(FAMILIES, key=lambda f: costs[f, "1 MB"] / costs[f, "10 KB"])
        figures.append(
            Figure(
                NAME,
                f"{subject.name} growth 10 KB → 1 MB",
                f"×{growth:.2f} per KB ({worst})",
                "near 1 (linear); ~100 would be quadratic",
            )
        )
    figures.append(Figure(NAME, "peak memory", f"{peak_rss_mb():.0f} MB"))
    return figures


if __name__ == "__main__":
    for figure in run():
        print(f"{figure.name}: {figure.value}  [target: {figure.target}]")
