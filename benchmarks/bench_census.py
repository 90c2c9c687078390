"""`scan --jobs 2` against `--jobs 1` on a 40,000-comment Reddit dump in the published shape.

The dump is generated as the Pushshift / Arctic Shift archives publish theirs (zstd NDJSON
with a 2 GiB window, full comment objects); the atlas is a synthetic one of the real
atlas's size. Both runs are the whole command (index build included), each into a fresh
records file, and must print the same lines.
"""

from __future__ import annotations

import gc
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.bench_linker import realistic_posts, synthetic_atlas
from benchmarks.common import Figure, timed
from bot.archive.examine import Examiner, examine_all
from bot.archive.streams import read_records
from config.settings import Settings
from linker import AtlasIndex
from records.models import AtlasEntry
from tests.archive.dumps import comment, write_zst

NAME = "census scan"
COMMENTS = 40_000
ATLAS_SIZE = 6_100  # about the size of the real atlas


def _comments(texts: list[str], rng: random.Random) -> Iterator[dict[str, Any]]:
    for number, text in enumerate(texts):
        yield comment(
            f"k{number:06x}",
            text,
            subreddit=rng.choice(("cfs", "mecfs", "covidlonghaulers", "fibromyalgia")),
            author=f"member{rng.randint(1, 3000)}",
            at=1672531200 + number * 600,
        )


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _scan(folder: Path, atlas: Path, dump: Path, jobs: int) -> tuple[float, float, bytes]:
    """Wall-clock and CPU seconds (the command with its workers) of one whole scan."""
    db = folder / f"jobs{jobs}.db"
    program = [sys.executable, "-c", "from bot.cli.entry import main; main()", "--db", str(db)]
    subprocess.run([*program, "atlas", "import", str(atlas)], check=True, capture_output=True)  # noqa: S603
    cpu = _children_cpu()
    with timed() as wall:
        done = subprocess.run(  # noqa: S603 - our own interpreter and module
            [*program, "scan", str(dump), "--jobs", str(jobs)], check=True, capture_output=True
        )
    return wall.seconds, _children_cpu() - cpu, done.stdout


def _cpu_split(atlas_entries: list[AtlasEntry], dump: Path, jobs: int) -> tuple[float, float]:
    """CPU seconds of the reading process and of its workers, examining the dump in-process.

    On a machine other work shares, wall clock understates what the cores can do; this is
    what `--jobs` needs from each core, so the speed-up two idle cores give can be read off.
    """
    index = AtlasIndex.build(atlas_entries, (), Settings().linker)
    gc.freeze()  # as `scan` does: the forked workers then leave the index's pages shared
    examiner = Examiner(index, Settings().linker.max_post_chars, log=True)
    own = time.process_time()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with dump.open("rb") as handle:
        _format, records = read_records(handle)
        for _ in examine_all(examiner, records, jobs):
            pass
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    gc.unfreeze()
    workers = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return time.process_time() - own, workers


def run() -> list[Figure]:
    """Time both runs; report the times, the ratio and whether the outputs agree."""
    rng = random.Random(27)
    entries = synthetic_atlas(ATLAS_SIZE, rng)
    texts = [text for text, _ in realistic_posts(entries, COMMENTS, rng)]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        atlas = folder / "atlas.jsonl"
        atlas.write_text(
            "".join(entry.model_dump_json(exclude_none=True) + "\n" for entry in entries),
            encoding="utf-8",
        )
        dump = write_zst(folder / "RC_2023-01.zst", _comments(texts, rng))
        one, one_cpu, out_one = _scan(folder, atlas, dump, 1)
        two, _, out_two = _scan(folder, atlas, dump, 2)
        # Start-up and index build: the same command on a dump with no post in it.
        _, start_cpu, _ = _scan(folder, atlas, write_zst(folder / "RC_empty.zst", []), 1)
        load = os.getloadavg()[0]
        serial, _ = _cpu_split(entries, dump, 1)
        reader, workers = _cpu_split(entries, dump, 2)
    # On two idle cores: start-up and index build come first; then the reading process
    # (reading, recording, printing) and the two workers run side by side, the slower
    # setting the pace. The lower bound instead counts recording as never overlapping.
    recording = max(0.0, one_cpu - serial - start_cpu)
    ideal = one_cpu / (start_cpu + max(reader + recording, workers / 2))
    floor = one_cpu / (start_cpu + recording + max(reader, workers / 2))
    return [
        Figure(NAME, f"--jobs 1, {COMMENTS:,} comments (wall clock)", f"{one:.1f} s"),
        Figure(NAME, f"--jobs 2, {COMMENTS:,} comments (wall clock)", f"{two:.1f} s"),
        Figure(NAME, "speed-up --jobs 2 over --jobs 1", f"{one / two:.2f}×", "≥ 1.6× on 2 cores"),
        Figure(NAME, "load average during the runs (2 cores)", f"{load:.1f}"),
        Figure(
            NAME,
            "CPU of the whole --jobs 1 command (start-up and index build)",
            f"{one_cpu:.1f} s ({start_cpu:.1f} s)",
        ),
        Figure(
            NAME,
            "CPU examining posts: --jobs 1 / reader + workers at --jobs 2",
            f"{serial:.1f} s / {reader:.1f} s + {workers:.1f} s",
        ),
        Figure(
            NAME,
            "speed-up two idle cores give, from CPU (lower bound)",
            f"{ideal:.2f}× ({floor:.2f}×)",
            "≥ 1.6×",
        ),
        Figure(NAME, "outputs identical", str(out_one == out_two), "True"),
    ]
