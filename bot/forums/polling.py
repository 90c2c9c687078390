"""The loop every polling forum process runs: poll, report, wait, until told to stop."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from records.wording import counted

log = logging.getLogger(__name__)


class Report(Protocol):
    """What a poll says about itself."""

    posts: int
    replies: int
    failures: int


@dataclass
class PollReport:
    """What one poll of a forum did."""

    posts: int = 0
    replies: int = 0
    failures: int = 0


class FinishedPrefix:
    """Where a stream's cursor may go: past each finished item, until one is not finished.

    Items are taken oldest first. An item whose reply must be retried holds the cursor
    before it from then on, so the next poll reads it again; later items are still handled
    and marked seen (their seen marks keep them from being answered twice).
    """

    def __init__(self, cursor: int) -> None:
        self.position = cursor
        self.blocked = False

    def finish(self, position: int) -> str | None:
        """The item at `position` is finished; the cursor to store with it (None: stay)."""
        if self.blocked:
            return None
        self.position = max(self.position, position)
        return str(self.position)

    def hold(self) -> None:
        """An item is not finished: the cursor stays before it for the rest of the poll."""
        self.blocked = True


def run_polls(
    poll: Callable[[], Report],
    *,
    wait: Callable[[float], None],
    should_stop: Callable[[], bool],
    poll_seconds: float,
    max_polls: int | None = None,
) -> int:
    """Poll until `should_stop` (or `max_polls`), waiting `poll_seconds` in between.

    `wait` returns early when the process is told to stop (SIGTERM sets the event it waits
    on), so a stop takes effect between two polls. Returns the number of polls.
    """
    polls = 0
    while not should_stop():
        report = poll()
        polls += 1
        log.info("poll %d: %s, %s, %s", polls, counted(report.posts, "post"),
                 counted(report.replies, "reply"), counted(report.failures, "failure"))  # fmt: skip
        if max_polls is not None and polls >= max_polls:
            break
        wait(poll_seconds)
    return polls
