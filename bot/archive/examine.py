"""Reading and matching posts, in this process or in N worker processes.

Workers do the costly part (parsing each JSON line, matching its text, choosing what to
log) and hand back each post's output line; this process writes the records and prints, in
file order. So `--jobs N` prints exactly what `--jobs 1` prints and logs the same
sightings in the same order: both run `Examiner.__call__` on every record.
"""

from __future__ import annotations

import multiprocessing
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from multiprocessing.pool import AsyncResult

from bot.archive.posts import (
    PLACE_FIELDS,
    THREAD_FIELDS,
    Line,
    json_line,
    output_record,
    read_record,
)
from bot.archive.streams import Record
from linker import AtlasIndex, papers_to_log
from records.models import Match

_BATCH = 64  # posts a worker takes at once: few enough round trips, little memory held
_AHEAD = 4  # batches in flight per worker: keeps workers busy without reading the whole file


@dataclass(frozen=True)
class Examined:
    """One record read and matched: its post (or problem), output line and what to record."""

    line: Line
    output: str = ""
    unmatched: list[Match] = field(default_factory=list)
    cited: list[str] = field(default_factory=list)  # atlas ids, in order of appearance


@dataclass(frozen=True)
class Examiner:
    """What reading a post needs: the atlas index, the text limit, whether to log."""

    index: AtlasIndex
    max_chars: int
    log: bool

    def __call__(self, record: Record) -> Examined:
        line = read_record(record, self.max_chars)
        if line.post is None:
            return Examined(line)
        matches = self.index.match(line.post["text"])
        output = json_line(output_record(line.post, matches))
        if not self.log:
            return Examined(_slim(line, keep_text=False), output)
        unmatched = papers_to_log(self.index, line.post["text"], matches)
        cited = list(dict.fromkeys(m.atlas_id for m in matches if m.atlas_id))
        return Examined(_slim(line, keep_text=bool(unmatched or cited)), output, unmatched, cited)


# What recording a post reads of it (bot/cli/scan_cmd.py): a dump line's other fields and
# the text of a post that cites nothing would only be copied back from a worker for nothing.
_RECORDED_FIELDS = frozenset({"id", "author", "permalink", "url", *PLACE_FIELDS, *THREAD_FIELDS})


def _slim(line: Line, *, keep_text: bool) -> Line:
    assert line.post is not None
    post = {k: v for k, v in line.post.items() if k in _RECORDED_FIELDS}
    post["text"] = line.post["text"] if keep_text else ""
    return replace(line, post=post)


# The examiner the worker processes inherit when they are forked (never pickled: the index
# is large, and forking shares it copy-on-write).
_WORKER_EXAMINER: Examiner | None = None


def examine_all(examiner: Examiner, records: Iterable[Record], jobs: int) -> Iterator[Examined]:
    """Every record examined, in file order, by `jobs` processes."""
    if jobs <= 1:
        yield from map(examiner, records)
        return
    global _WORKER_EXAMINER  # noqa: PLW0603 - handed to forked workers, see above
    _WORKER_EXAMINER = examiner
    pool = multiprocessing.get_context("fork").Pool(jobs, initializer=_ignore_interrupts)
    try:
        pending: deque[AsyncResult[list[Examined]]] = deque()
        iterator = iter(records)
        while batch := list(islice(iterator, _BATCH)):
            pending.append(pool.apply_async(_examine_batch, (batch,)))
            if len(pending) >= jobs * _AHEAD:
                yield from pending.popleft().get()
        while pending:
            yield from pending.popleft().get()
        pool.close()
    finally:
        pool.terminate()
        pool.join()
        _WORKER_EXAMINER = None


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the main process stops the workers itself,
    # after the post it is writing, so a worker's traceback never interleaves with output.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _examine_batch(batch: list[Record]) -> list[Examined]:
    assert _WORKER_EXAMINER is not None
    return [_WORKER_EXAMINER(record) for record in batch]
