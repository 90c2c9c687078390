"""Matching quality on the dev set: precision and recall per family, per language and overall.

The dev set lives in `benchmarks/devset/`: every `atlas-*.jsonl` is a file of atlas entries
(docs/atlas-format.md) and every `posts-*.jsonl` holds posts, one JSON object a line:
`{"id", "text", "family", "lang", "expected": [{"atlas_id", "doi", "pmid", "pmcid"}]}`
(`expected` is empty for a post that cites nothing). Each post goes through exactly what
`scan` does with a line (`AtlasIndex.match`, then `output_record`).

A predicted match is right when it equals an expected item: by `atlas_id`, or, for an
expected study the atlas lacks (`atlas_id` null), by any identifier they share.

Run with `make bench`, or `python -m benchmarks.bench_devset` to also list every miss and
every wrong match.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.common import Figure
from bot.cli.scan_cmd import output_record
from linker import AtlasIndex, author_match
from records.models import AtlasEntry

NAME = "devset"
THRESHOLDS = (1, 2, 3, 4, 5)
DEVSET = Path(__file__).parent / "devset"
_IDENTIFIERS = ("doi", "pmid", "pmcid")
LANGUAGES = ("en", "de", "nl", "no", "es", "fr", "sv")


@dataclass(frozen=True)
class DevPost:
    """One dev-set post and the studies it cites."""

    id: str
    text: str
    family: str
    lang: str
    expected: tuple[dict[str, str | None], ...]
    source: str  # "posts-authors.jsonl:12"


@dataclass
class Tally:
    """Counts for one slice of the dev set (a family, a language, everything)."""

    posts: int = 0
    expected: int = 0
    predicted: int = 0
    right: int = 0
    empty_posts: int = 0  # posts citing nothing
    empty_posts_matched: int = 0  # ... that got a match anyway

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


@dataclass(frozen=True)
class Outcome:
    """What the matcher made of one post."""

    post: DevPost
    predicted: tuple[dict[str, Any], ...]
    right: int
    wrong: tuple[dict[str, Any], ...]  # predicted, matching nothing expected
    missed: tuple[dict[str, str | None], ...]  # expected, not predicted


@dataclass
class Report:
    """Outcomes of every post and the tallies by family and by language."""

    outcomes: list[Outcome] = field(default_factory=list)
    by_family: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    overall: Tally = field(default_factory=Tally)


def load_atlas(directory: Path = DEVSET) -> list[AtlasEntry]:
    """Every entry of every `atlas-*.jsonl` in `directory`, with the fields of `extras-*.jsonl`
    (what `enrich` and curators add: affiliations, volume, aliases, …) laid over them."""
    extras: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("extras-*.jsonl")):
        for number, line in _lines(path):
            try:
                fields = json.loads(line)
                extras.setdefault(str(fields["id"]), {}).update(fields)
            except (ValueError, KeyError) as exc:
                raise ValueError(f"{path.name}:{number}: {exc!r}") from exc
    entries = []
    for path in sorted(directory.glob("atlas-*.jsonl")):
        for number, line in _lines(path):
            try:
                raw = json.loads(line)
                raw.update(extras.get(str(raw.get("id")), {}))
                entries.append(AtlasEntry.model_validate(raw))
            except ValueError as exc:
                raise ValueError(f"{path.name}:{number}: {exc}") from exc
    return entries


def load_posts(directory: Path = DEVSET) -> list[DevPost]:
    """Every post of every `posts-*.jsonl` in `directory`; a malformed line is an error."""
    posts = []
    for path in sorted(directory.glob("posts-*.jsonl")):
        for number, line in _lines(path):
            where = f"{path.name}:{number}"
            try:
                raw = json.loads(line)
                posts.append(_post(raw, where))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{where}: {exc!r}") from exc
    return posts


def _lines(path: Path) -> Iterable[tuple[int, str]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def _post(raw: dict[str, Any], where: str) -> DevPost:
    expected = tuple(
        {key: item.get(key) for key in ("atlas_id", *_IDENTIFIERS)} for item in raw["expected"]
    )
    for item in expected:
        if not any(item.values()):
            raise ValueError("an expected item names no atlas id and no identifier")
    lang = raw.get("lang", "en")
    if lang not in LANGUAGES:
        raise ValueError(f"unknown lang {lang!r}")
    if not isinstance(raw["text"], str) or not raw["text"].strip():
        raise ValueError("no text")
    return DevPost(str(raw["id"]), raw["text"], str(raw["family"]), lang, expected, where)


def _same_study(predicted: dict[str, Any], expected: dict[str, str | None]) -> bool:
    if expected["atlas_id"] is not None:
        return bool(predicted["atlas_id"] == expected["atlas_id"])
    return predicted["atlas_id"] is None and any(
        expected[key] is not None and predicted[key] == expected[key] for key in _IDENTIFIERS
    )


def judge(post: DevPost, predicted: list[dict[str, Any]]) -> Outcome:
    """Pair each predicted match with at most one expected study."""
    left = list(post.expected)
    wrong = []
    right = 0
    for match in predicted:
        hit = next((item for item in left if _same_study(match, item)), None)
        if hit is None:
            wrong.append(match)
        else:
            left.remove(hit)
            right += 1
    return Outcome(post, tuple(predicted), right, tuple(wrong), tuple(left))


def score(index: AtlasIndex, posts: list[DevPost]) -> Report:
    """Run each post as `scan` does and tally the outcome."""
    report = Report()
    for post in posts:
        record = output_record({"id": post.id, "text": post.text}, index.match(post.text))
        outcome = judge(post, record["matches"])
        report.outcomes.append(outcome)
        for tally in (report.by_family[post.family], report.by_lang[post.lang], report.overall):
            tally.posts += 1
            tally.expected += len(post.expected)
            tally.predicted += len(outcome.predicted)
            tally.right += outcome.right
            if not post.expected:
                tally.empty_posts += 1
                tally.empty_posts_matched += bool(outcome.predicted)
    return report


def load_aliases(directory: Path = DEVSET) -> list[tuple[str, str, str]]:
    """(kind, value, entry_id) of every `aliases-*.jsonl` line: what the records database
    would hold for the atlas (a preprint's DOI, a publisher id, the other version's title)."""
    aliases = []
    for path in sorted(directory.glob("aliases-*.jsonl")):
        for number, line in _lines(path):
            try:
                raw = json.loads(line)
                aliases.append((str(raw["kind"]), str(raw["value"]), str(raw["entry_id"])))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name}:{number}: {exc!r}") from exc
    return aliases


def build_index(directory: Path = DEVSET) -> AtlasIndex:
    """The index `scan` would build from the dev-set atlas and its aliases."""
    return AtlasIndex.build(load_atlas(directory), load_aliases(directory))


def _figures(label: str, tally: Tally, *, targets: bool) -> list[Figure]:
    detail = f"{tally.right}/{tally.predicted}"
    return [
        Figure(
            NAME,
            f"{label}: precision ({tally.posts} posts)",
            f"{tally.precision:.3f} ({detail})",
            "≥ 0.99" if targets else "",
        ),
        Figure(
            NAME,
            f"{label}: recall",
            f"{tally.recall:.3f} ({tally.right}/{tally.expected})",
            "≥ 0.95" if targets else "",
        ),
    ]


def run() -> list[Figure]:
    """Precision and recall per family, per language and overall, empty posts matched, and
    how precision and recall move with the author-mention threshold."""
    index, posts = build_index(), load_posts()
    return [*figures_of(score(index, posts)), *threshold_figures(index, posts)]


def threshold_figures(index: AtlasIndex, posts: list[DevPost]) -> list[Figure]:
    """Overall precision and recall with the author-mention threshold set lower and higher
    (the evidence for the threshold `linker.author_match` uses)."""
    figures = []
    for threshold in THRESHOLDS:
        with _author_threshold(threshold):
            tally = score(index, posts).overall
        chosen = " (in use)" if threshold == author_match.THRESHOLD else ""
        figures.append(
            Figure(
                NAME,
                f"author threshold {threshold}{chosen}: precision / recall / empty posts matched",
                f"{tally.precision:.3f} / {tally.recall:.3f} / {tally.empty_posts_matched}",
            )
        )
    return figures


@contextmanager
def _author_threshold(threshold: int) -> Iterator[None]:
    saved = author_match.THRESHOLD
    author_match.THRESHOLD = threshold
    try:
        yield
    finally:
        author_match.THRESHOLD = saved


def figures_of(report: Report) -> list[Figure]:
    """The figures of a scored dev set."""
    figures: list[Figure] = []
    for family in sorted(report.by_family):
        figures += _figures(f"family {family}", report.by_family[family], targets=True)
    for lang in LANGUAGES:
        if lang in report.by_lang:
            figures += _figures(f"lang {lang}", report.by_lang[lang], targets=True)
    figures += _figures("overall", report.overall, targets=True)
    described = Tally()
    for family, tally in report.by_family.items():
        if family.startswith("description-"):
            for name in ("posts", "expected", "predicted", "right"):
                setattr(described, name, getattr(described, name) + getattr(tally, name))
    if described.posts:
        figures += _figures("descriptions (all families)", described, targets=True)
    overall = report.overall
    figures.append(
        Figure(
            NAME,
            "posts citing nothing that got a match",
            f"{overall.empty_posts_matched} of {overall.empty_posts}",
            "0",
        )
    )
    return figures


def _print_mistakes(report: Report) -> None:
    for outcome in report.outcomes:
        if not outcome.wrong and not outcome.missed:
            continue
        post = outcome.post
        print(f"--- {post.source} id={post.id} family={post.family} lang={post.lang}")
        print(f"    text: {post.text!r}")
        for match in outcome.wrong:
            named = match["atlas_id"] or match["doi"] or match["pmid"] or match["pmcid"]
            print(f"    WRONG  {named}: {match['text']!r}")
        for item in outcome.missed:
            print(f"    MISSED {item['atlas_id'] or item['doi'] or item['pmid'] or item['pmcid']}")


if __name__ == "__main__":
    scored = score(build_index(), load_posts())
    if "-q" not in sys.argv[1:]:
        _print_mistakes(scored)
    for figure in [*figures_of(scored), *threshold_figures(build_index(), load_posts())]:
        print(f"{figure.name}: {figure.value} (target {figure.target or '-'})")
