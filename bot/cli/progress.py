"""Progress bars on stderr, so stdout stays clean for JSON and tables."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class ProgressReporter:
    """Advance a bar by units of work; a no-op when the job is too small to need one."""

    def __init__(self, progress: Progress | None, task_id: TaskID | None) -> None:
        self._progress = progress
        self._task_id = task_id

    def advance(self, amount: int = 1) -> None:
        """Count `amount` more units as done."""
        if self._progress is not None and self._task_id is not None:
            self._progress.advance(self._task_id, amount)

    def update(self, completed: int, note: str = "") -> None:
        """Set the units done so far, and the note shown after the bar (a rate, say)."""
        if self._progress is not None and self._task_id is not None:
            self._progress.update(self._task_id, completed=completed, note=note)


@contextmanager
def progress_bar(
    description: str, total: int | None, *, min_total: int = 1000, in_bytes: bool = False
) -> Iterator[ProgressReporter]:
    """A bar on stderr for jobs of at least `min_total` units (or unknown size on a terminal).

    `in_bytes` counts the units as bytes of a file (shown as MB), for work measured by how
    far into a file it has read."""
    console = Console(stderr=True)
    if total is not None and total < min_total:
        yield ProgressReporter(None, None)
        return
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn() if in_bytes else MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        TextColumn("{task.fields[note]}"),
        console=console,
        transient=False,
    )
    with progress:
        task_id = progress.add_task(description, total=total, note="")
        yield ProgressReporter(progress, task_id)
