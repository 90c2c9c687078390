"""Shared helpers for benchmarks: the figure type and a peak-memory reading."""

from __future__ import annotations

import resource
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Figure:
    """One measured number, formatted, with the target it is judged against."""

    benchmark: str
    name: str
    value: str
    target: str = ""


@dataclass
class Timer:
    """Wall-clock seconds of a `timed()` block."""

    seconds: float = 0.0
    _start: float = field(default=0.0, repr=False)


@contextmanager
def timed() -> Iterator[Timer]:
    """Measure the wall-clock time of a block."""
    timer = Timer(_start=time.perf_counter())
    yield timer
    timer.seconds = time.perf_counter() - timer._start


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
