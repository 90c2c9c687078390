"""Sharding across processes and machines: `discord.shard_count` with the `shard_ids` each
process runs. The settings are checked when read; one shard per process is a plain
discord.py client with `shard_id`, several an AutoShardedClient; the fake Discord hands each
session the guilds Discord's formula, (guild_id >> 22) % shard_count, gives its shard.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from bot.discord_bot.app import EvidenceBot, ShardedEvidenceBot, build_bot
from bot.discord_bot.deps import DiscordDeps
from config.settings import load_settings
from tests.discord.conftest import LEE_DOI, WALITT_DOI, Harness, settings_for
from tests.discord.fake_discord import FakeDiscord
from tests.discord.fake_discord.world import Snowflakes
from tests.reliability.conftest import run_program


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"EVBOT_DISCORD__SHARD_COUNT": "2", "EVBOT_DISCORD__SHARD_IDS": "2"}, r"\[2\] are outside 0..1"),
        ({"EVBOT_DISCORD__SHARD_COUNT": "4", "EVBOT_DISCORD__SHARD_IDS": "1,3,1"}, r"names \[1\] more than once"),
        ({"EVBOT_DISCORD__SHARD_COUNT": "4", "EVBOT_DISCORD__SHARD_IDS": "0,-1"}, r"\[-1\] are outside 0..3"),
        ({"EVBOT_DISCORD__SHARD_COUNT": "0"}, "discord.shard_count"),
    ],
)  # fmt: skip
def test_inconsistent_shard_settings_are_refused_when_read(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], problem: str
) -> None:
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError, match=problem):
        load_settings()


def test_shard_ids_without_a_count_are_named_when_discord_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Other commands still run; `run discord` names it beside a missing token (section.check).
    monkeypatch.setenv("EVBOT_DISCORD__SHARD_IDS", "0")
    section = load_settings().discord
    assert section.invalid() == [
        "discord.shard_ids needs discord.shard_count (every process names the total)"
    ]


def test_shard_ids_from_the_environment_are_a_comma_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVBOT_DISCORD__SHARD_COUNT", "4")
    monkeypatch.setenv("EVBOT_DISCORD__SHARD_IDS", "0, 2")
    assert load_settings().discord.shard_ids == [0, 2]


def test_run_discord_names_the_bad_shard_setting_and_shows_no_token(tmp_path: Path) -> None:
    env = {
        "EVBOT_DISCORD__TOKEN": "secret-token-value",
        "EVBOT_DISCORD__SHARD_COUNT": "2",
        "EVBOT_DISCORD__SHARD_IDS": "0,0",
    }
    done = run_program("--db", str(tmp_path / "r.db"), "run", "discord", cwd=tmp_path, env=env)
    assert done.returncode == 2
    assert "discord.shard_ids: names [0] more than once (got '0,0')" in done.stderr
    assert "secret-token-value" not in done.stdout + done.stderr
    assert "Connecting" not in done.stderr


@pytest.mark.parametrize(
    ("shards", "kind", "attributes"),
    [
        ({}, EvidenceBot, {"shard_id": None, "shard_count": None}),
        ({"shard_count": 4, "shard_ids": [2]}, EvidenceBot, {"shard_id": 2, "shard_count": 4}),
        ({"shard_count": 4, "shard_ids": [0, 3]}, ShardedEvidenceBot, {"shard_ids": [0, 3], "shard_count": 4}),
        ({"shard_count": 4}, ShardedEvidenceBot, {"shard_ids": None, "shard_count": 4}),
    ],
)  # fmt: skip
def test_shard_settings_become_discord_py_arguments(
    fake_discord: FakeDiscord,
    atlas_db_path: Path,
    shards: dict[str, Any],
    kind: type,
    attributes: dict[str, Any],
) -> None:
    settings = settings_for(fake_discord, atlas_db_path, **shards)
    bot = build_bot(DiscordDeps(settings, service=None))  # type: ignore[arg-type]
    assert type(bot) is kind
    assert {name: getattr(bot, name) for name in attributes} == attributes


@pytest.mark.parametrize(("shard_id", "shard_count"), [(0, 1), (0, 4), (3, 4), (5, 16)])
def test_guild_ids_made_for_a_shard_land_on_it_by_discords_formula(
    shard_id: int, shard_count: int
) -> None:
    ids = Snowflakes()
    made = [ids.on_shard(shard_id, shard_count) for _ in range(5)]
    assert {(guild_id >> 22) % shard_count for guild_id in made} == {shard_id}
    assert len(set(made)) == 5


async def test_each_shard_process_hears_only_its_guilds_and_answers_there_once(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    guilds = [fake_discord.add_guild(shard=(shard, 2)) for shard in (0, 1)]
    shards = [
        Harness(fake_discord, settings_for(fake_discord, atlas_db_path, shard_count=2, shard_ids=[n]))
        for n in (0, 1)
    ]  # fmt: skip
    for harness in shards:
        await harness.start()
    try:
        assert sorted(i["shard"] for i in fake_discord.identifies) == [[0, 2], [1, 2]]
        for n, harness in enumerate(shards):
            assert harness.bot is not None
            owned = {w.guild_id for w in fake_discord.guilds if (w.guild_id >> 22) % 2 == n}
            assert {guild.id for guild in harness.bot.guilds} == owned
            assert guilds[n].guild_id in owned
        posted = [
            await fake_discord.post(guild.general_id, guild.member, f"See doi:{doi}")
            for guild, doi in zip(guilds, (LEE_DOI, WALITT_DOI), strict=True)
        ]
        for n, harness in enumerate(shards):
            message_id = int(posted[n]["id"])
            await harness.wait_handled(message_id)
            [reply] = fake_discord.replies_to(message_id)
            assert reply["channel_id"] == str(guilds[n].general_id)
            other = shards[1 - n]
            assert other.handled_count(message_id) == 0
    finally:
        for harness in shards:
            await harness.stop()


async def test_a_shard_catching_up_leaves_other_shards_channels_to_them(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    """The records name every shard's channels (cursors, claims): shard 0 coming up while
    shard 1 is down must not read and answer shard 1's server, or two processes would
    work one server; shard 1 answers what it missed when it comes back."""
    theirs = fake_discord.add_guild(shard=(1, 2))
    shard = {
        n: Harness(fake_discord, settings_for(fake_discord, atlas_db_path, shard_count=2, shard_ids=[n]))
        for n in (0, 1)
    }  # fmt: skip
    await shard[1].start()
    await shard[1].say(theirs.general_id, theirs.member, f"doi:{LEE_DOI}")  # a cursor there
    await shard[1].stop()
    missed = await fake_discord.post(theirs.general_id, theirs.member, f"doi:{WALITT_DOI}")
    history = f"/channels/{theirs.general_id}/messages"
    read_by_shard_1 = len(fake_discord.requests_to("GET", history))  # its own first catch-up
    await shard[0].start()
    try:
        await shard[0].wait_caught_up()
        assert fake_discord.replies_to(int(missed["id"])) == []
        assert len(fake_discord.requests_to("GET", history)) == read_by_shard_1
        await shard[1].start()
        await shard[1].wait_handled(int(missed["id"]))
        assert len(fake_discord.replies_to(int(missed["id"]))) == 1
    finally:
        await shard[0].stop()
        await shard[1].stop()
