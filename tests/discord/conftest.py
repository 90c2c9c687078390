"""Fixtures: the fake Discord server, and the real bot (built by the entry point's factory)
connected to it with a records database in tmp_path holding the sample atlas."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path

import pytest

from tests.discord.fake_discord import FakeDiscord
from tests.fakes.discord_harness import READY_TIMEOUT, Harness, import_sample_atlas, settings_for
from tests.fakes.stores import aimed

# Re-exported: tests import these from here; benchmarks import them from tests.fakes.discord_harness.
__all__ = ["READY_TIMEOUT", "Harness", "import_sample_atlas", "settings_for"]

# Studies of the sample atlas, as members would cite them.
LEE_DOI = "10.1016/j.autrev.2023.103484"
LEE_ID = "lee-2024-brain-regional"
FLUGE_PMID = "30934066"
FLUGE_ID = "fluge-2019-lymphocyte-depletion"
WALITT_DOI = "10.1038/s41467-024-45107-3"
WALITT_ID = "walitt-2024-deep-phenotyping"


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """The fake Discord API and gateway on 127.0.0.1."""
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def atlas_db_path(tmp_path: Path) -> Path:
    """A records database file holding the sample atlas."""
    path = tmp_path / "records.db"
    import_sample_atlas(path)
    return path


@pytest.fixture
async def harness(fake_discord: FakeDiscord, atlas_db_path: Path) -> AsyncIterator[Harness]:
    """The real bot connected to the fake server, ready."""
    running = Harness(fake_discord, settings_for(fake_discord, atlas_db_path))
    await running.start()
    yield running
    await running.stop()


async def start_discord_cli(
    fake: FakeDiscord, *args: str, more: Mapping[str, str] | None = None
) -> asyncio.subprocess.Process:
    """`evidence-bot ARGS` started as its own process against the fake Discord (output piped,
    stderr into stdout); `more` adds settings to its environment."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("EVBOT_")},
        "EVBOT_DISCORD__TOKEN": fake.bot_token,
        "EVBOT_DISCORD__API_BASE_URL": fake.api_base_url,
        "EVBOT_DISCORD__GATEWAY_URL": fake.gateway_url,
        **(more or {}),
    }
    arguments, env = aimed(args, env)  # --db PATH: the test's store under make test-postgres
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "from bot.cli.main import main; main()",
        *arguments,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )


async def run_discord_cli(
    fake: FakeDiscord, *args: str, more: Mapping[str, str] | None = None
) -> tuple[int | None, str]:
    """`evidence-bot ARGS` as its own process against the fake Discord: exit code and output."""
    process = await start_discord_cli(fake, *args, more=more)
    output, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    return process.returncode, output.decode()
