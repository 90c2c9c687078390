"""Upper bounds for the numbers typed on the command line.

A number no run could use (`--limit 99999999999999999999`, `--interval 1e400`) once
overflowed SQLite's INTEGER, a C int or a timer deep inside a command and ended in a
traceback; with these bounds click refuses it at the door with one `Error:` line.
"""

from __future__ import annotations

import math
from typing import Any

import click

MAX_COUNT = 1_000_000_000  # papers, pages, polls: far beyond any real run
MAX_SECONDS = 7 * 24 * 3600.0  # a week: delays, timeouts and intervals
MAX_RETRIES = 100

COUNT = click.IntRange(min=1, max=MAX_COUNT)
RETRIES = click.IntRange(min=0, max=MAX_RETRIES)
# Discord snowflakes are unsigned 64-bit integers.
SNOWFLAKE = click.IntRange(min=0, max=2**64 - 1)


class _Seconds(click.FloatRange):
    """A FloatRange that also refuses `nan` (which compares false with both bounds)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        """The number, or a usage error naming the option."""
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value!r} is not a number of seconds", param, ctx)
        return number


def seconds(minimum: float) -> click.FloatRange:
    """A duration in seconds from `minimum` up to a week (`inf` and `nan` refused)."""
    return _Seconds(min=minimum, max=MAX_SECONDS)
