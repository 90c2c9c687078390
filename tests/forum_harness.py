"""What the forum adapters' tests (Discourse, XenForo) share: the sample atlas index, a bot
on a real SQLite file against a fake forum, and the factory that builds (and restarts) it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Protocol, TypeVar

import pytest

from bot.forums.polling import PollReport
from linker import AtlasIndex
from records.db import Database, open_db
from records.models import AtlasEntry
from tests.fakes.atlas import SAMPLE_ATLAS
from tests.fakes.sleep import FakeSleep


class PollingBot(Protocol):
    def poll(self) -> PollReport: ...


FakeT = TypeVar("FakeT")
BotT = TypeVar("BotT", bound=PollingBot)


@pytest.fixture(scope="session", name="sample_index")
def sample_index_fixture() -> AtlasIndex:
    """The sample atlas, indexed once for the session."""
    entries = [AtlasEntry.model_validate_json(line) for line in SAMPLE_ATLAS.open() if line.strip()]
    return AtlasIndex.build(entries)


@dataclass
class Harness(Generic[FakeT, BotT]):
    """A forum bot on a real SQLite file and real httpx, against the fake forum."""

    fake: FakeT
    bot: BotT
    db: Database
    sleep: FakeSleep

    def poll(self) -> PollReport:
        return self.bot.poll()


class HarnessFactory(Generic[FakeT]):
    """Builds bots (in a subclass's `build`); a second build on the same database file is a
    restart."""

    def __init__(self, fake: FakeT, index: AtlasIndex, db_path: Path) -> None:
        self.fake = fake
        self.index = index
        self.db_path = db_path
        self.sleep = FakeSleep()
        self._opened: list[Database] = []

    def open_db(self) -> Database:
        """The records file, opened as a process start would; closed by `close`."""
        db = open_db(self.db_path)
        self._opened.append(db)
        return db

    def close(self) -> None:
        for db in self._opened:
            db.close()
