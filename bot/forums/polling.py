"""The loop every polling forum process runs: poll, report, wait, until told to stop; and
the pieces of a poll every forum bot shares (where its cursor may go, answering one post)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from bot.core.conversation import Conversation
from config.errors import ConfigError
from config.settings import Settings
from records.db import Database
from records.models import Post
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


B = TypeVar("B")
Wait = Callable[[float], None]  # waits so many seconds, or less once the process must stop
Poll = Callable[[], Report]
# Starts a forum bot: `start(settings, db, wait)` yields the bot and its poll, and closes
# what it opened (its HTTP client) when the process ends.
Start = Callable[[Settings, Database, Wait], AbstractContextManager[tuple[B, Poll]]]


@dataclass(frozen=True)
class ForumProcess(Generic[B]):
    """A forum process's entry point: `run(settings, db, *, stop=None, max_polls=None)`.

    Calling it checks the settings `section` (raising `error` naming every problem), starts
    the bot, polls every `poll_seconds` until `stop` is set (or after `max_polls` polls: a
    smoke test) and returns the bot. Waiting ends as soon as `stop` is set (SIGTERM sets it).
    """

    section: str
    error: type[ConfigError]
    start: Start[B]

    def check(self, settings: Settings) -> None:
        """Raise `error` naming every problem of the process's settings section."""
        getattr(settings, self.section).check(self.error)

    def __call__(
        self,
        settings: Settings,
        db: Database,
        *,
        stop: threading.Event | None = None,
        max_polls: int | None = None,
    ) -> B:
        self.check(settings)
        halt = stop or threading.Event()

        def wait(seconds: float) -> None:
            halt.wait(seconds)

        with self.start(settings, db, wait) as (bot, poll):
            run_polls(poll, wait=wait, should_stop=halt.is_set,
                      poll_seconds=getattr(settings, self.section).poll_seconds,
                      max_polls=max_polls)  # fmt: skip
        return bot


def answered(
    conversation: Conversation,
    post: Post,
    report: PollReport,
    *,
    is_moderator: Callable[[], bool],
    replying_to: str | None,
) -> bool:
    """Answer `post` through the core's conversation and count a reply in `report`; False
    when the post must be read again (a reply to retry)."""
    handled = conversation.answer(post, is_moderator=is_moderator, replying_to=replying_to)
    report.replies += int(handled.replied)
    return not handled.retry
