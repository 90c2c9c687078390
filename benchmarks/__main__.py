"""Run every benchmark module (or those named on the command line) and print their figures."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from benchmarks.common import Figure


def main(names: list[str]) -> None:
    """Import `benchmarks.bench_*` modules, run each, and print one table of figures."""
    here = Path(__file__).parent
    modules = sorted(
        m.name for m in pkgutil.iter_modules([str(here)]) if m.name.startswith("bench_")
    )
    if names:
        modules = [m for m in modules if any(n in m for n in names)]
    figures: list[Figure] = []
    console = Console()
    for name in modules:
        console.print(f"[bold]running {name}[/bold]")
        module = importlib.import_module(f"benchmarks.{name}")
        figures.extend(module.run())
    table = Table(title="evidence-bot benchmarks")
    for column in ("benchmark", "figure", "value", "target"):
        table.add_column(column)
    for figure in figures:
        table.add_row(figure.benchmark, figure.name, figure.value, figure.target)
    console.print(table)


if __name__ == "__main__":
    main(sys.argv[1:])
