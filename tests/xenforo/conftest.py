"""Fixtures for the XenForo adapter: a running fake forum and bots built against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from linker import AtlasIndex
from tests.fakes.xenforo_harness import (
    ADMIN,
    GROUP_MOD,
    LEE_DOI,
    LEE_ID,
    MEMBER,
    MOD_GROUP,
    MODERATOR,
    NODE,
    OTHER_NODE,
    TIMEOUT,
    WALITT_DOI,
    WALITT_ID,
    Harness,
    HarnessFactory,
    xenforo_environment,
)
from tests.forum_harness import sample_index_fixture  # noqa: F401 - a fixture
from tests.xenforo.fake_xenforo import FakeXenForo, running_fake_xenforo

# Re-exported: tests import these from here; benchmarks import them from tests.fakes.xenforo_harness.
__all__ = [
    "ADMIN",
    "GROUP_MOD",
    "LEE_DOI",
    "LEE_ID",
    "MEMBER",
    "MODERATOR",
    "MOD_GROUP",
    "NODE",
    "OTHER_NODE",
    "TIMEOUT",
    "WALITT_DOI",
    "WALITT_ID",
    "Harness",
    "HarnessFactory",
    "xenforo_environment",
]


@pytest.fixture
def fake() -> Iterator[FakeXenForo]:
    """A forum with a member, a moderator, an admin and a member of the moderators' group."""
    with running_fake_xenforo() as forum:
        forum.add_user(MEMBER, "Senior Member")
        forum.add_user(MODERATOR, "Mod Mia", moderator=True)
        forum.add_user(ADMIN, "Admin Ada", group=3, admin=True)
        forum.add_user(GROUP_MOD, "Helper Hal", secondary=(MOD_GROUP,))
        yield forum


@pytest.fixture
def factory(fake: FakeXenForo, sample_index: AtlasIndex, db_path: Path) -> Iterator[HarnessFactory]:
    built = HarnessFactory(fake, sample_index, db_path)
    yield built
    built.close()


@pytest.fixture
def harness(factory: HarnessFactory, fake: FakeXenForo) -> Harness:
    """A started bot: a thread existed before it, its first poll has run."""
    fake.add_thread(NODE, "Old thread", f"Old news: {LEE_DOI}")
    built = factory.build()
    built.poll()
    return built
