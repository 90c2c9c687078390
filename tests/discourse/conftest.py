"""Fixtures for the Discourse adapter: a running fake forum and bots built against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from linker import AtlasIndex
from tests.discourse.fake_discourse import FakeDiscourse, running_fake_discourse
from tests.fakes.discourse_harness import (
    CATEGORY,
    HELPER,
    LEE_DOI,
    MOD_GROUP,
    MODERATOR,
    TIMEOUT,
    WALITT_DOI,
    Harness,
    HarnessFactory,
    discourse_environment,
)
from tests.forum_harness import sample_index_fixture  # noqa: F401 - a fixture

# Re-exported: tests import these from here; benchmarks import them from tests.fakes.discourse_harness.
__all__ = [
    "CATEGORY",
    "HELPER",
    "LEE_DOI",
    "MODERATOR",
    "MOD_GROUP",
    "TIMEOUT",
    "WALITT_DOI",
    "Harness",
    "HarnessFactory",
    "discourse_environment",
]


@pytest.fixture
def fake() -> Iterator[FakeDiscourse]:
    with running_fake_discourse() as forum:
        forum.staff.add(MODERATOR)
        forum.groups[MOD_GROUP] = [HELPER]
        yield forum


@pytest.fixture
def factory(
    fake: FakeDiscourse, sample_index: AtlasIndex, db_path: Path
) -> Iterator[HarnessFactory]:
    built = HarnessFactory(fake, sample_index, db_path)
    yield built
    built.close()


@pytest.fixture
def harness(factory: HarnessFactory, fake: FakeDiscourse) -> Harness:
    """A started bot: a topic existed before it, its first poll has run."""
    fake.add_topic(CATEGORY, "Old topic", f"Old news: {LEE_DOI}")
    built = factory.build()
    built.poll()
    return built
