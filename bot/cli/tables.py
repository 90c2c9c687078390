"""Terminal output of stored text: shown as written, never run as markup or control codes.

Paper keys, titles, permalinks and atlas text come from members and crawled pages. Rich
reads `[b]` or `[link=…]` in a plain string as markup (a crash on `[/b]`, a hidden link on
`[link=…]`), and a terminal runs escape sequences; every stored value goes through `cell`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import click
from rich.console import Console, RenderableType
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

# C0 and C1 control characters except tab and newline, and DEL.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def cell(value: Any, style: str = "") -> Text:
    """`value` as literal terminal text: no markup parsed, control characters made visible."""
    return Text(visible(value), style=style)


def visible(value: Any) -> str:
    """`value` as a string whose control characters are shown as `\\xNN`, never run."""
    text = "" if value is None else str(value)
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def fits(console: Console, table: Table) -> bool:
    """Whether `table` fits the terminal with every no-wrap column's values whole (Rich
    would otherwise cut them with an ellipsis) and the other columns at their minimum."""
    # The borders between the columns, and around them unless the table has no edge.
    need = len(table.columns) - 1 + (2 if table.show_edge else 0)
    for column in table.columns:
        if column.no_wrap:
            cells: list[RenderableType] = [column.header, *column.cells]
            widest = max(
                Measurement.get(console, console.options, content).maximum for content in cells
            )
        else:
            widest = column.min_width or 1
        need += widest + 2  # one space of padding each side
    return need <= console.width


def print_lines(console: Console, lines: list[Text]) -> None:
    """Lines printed as they are, never broken by us: an identifier or a link stays whole
    (the terminal may show a long line on two rows; copied, it is one)."""
    for line in lines:
        console.print(line, soft_wrap=True)


def text_width(most: int = 88) -> int:
    """The columns plain text may use: the terminal's (`COLUMNS` when set), at most `most`."""
    return max(20, min(most, shutil.get_terminal_size((most, 24)).columns))


def minute(timestamp: str) -> str:
    """`2026-12-07T17:51:32+00:00` as `2026-12-07 17:51`: short enough never to split."""
    return timestamp[:16].replace("T", " ")


F = TypeVar("F", bound=Callable[..., Any])


def format_option(dest: str, formats: Sequence[str], help_text: str) -> Callable[[F], F]:
    """`--format`, one of `formats` (the first is the default), passed on as `dest`."""
    return click.option("--format", dest, type=click.Choice(formats), default=formats[0],
                        show_default=True, help=help_text)  # fmt: skip
