"""Starting up: intents, refusals, gateway discovery, resuming, sharding, command sync
(sharding across processes: test_sharding.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from bot.discord_bot.app import DiscordStartupError, ShardedEvidenceBot, sync_commands
from bot.discord_bot.main import create_bot
from records.db import open_db
from tests.discord.conftest import LEE_DOI, Harness, run_discord_cli, settings_for
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until

GUILDS, GUILD_MESSAGES, MESSAGE_CONTENT = 1 << 0, 1 << 9, 1 << 15


async def test_bot_identifies_with_guild_message_and_message_content_intents(
    harness: Harness,
) -> None:
    [identify] = harness.fake.identifies
    assert identify["intents"] == GUILDS | GUILD_MESSAGES | MESSAGE_CONTENT
    assert identify["token_ok"]


async def test_ordinary_start_does_not_sync_commands(harness: Harness) -> None:
    assert harness.fake.requests_to("PUT", r"/applications/\d+.*/commands") == []


async def test_refused_message_content_intent_stops_with_portal_instructions(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    fake_discord.refuse_privileged_intents = True
    harness = Harness(fake_discord, settings_for(fake_discord, atlas_db_path))
    with pytest.raises(DiscordStartupError, match="Message Content Intent"):
        await harness.start()
    await harness.stop()


async def test_cli_exits_with_a_clear_message_and_never_prints_the_token(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    fake_discord.refuse_privileged_intents = True
    code, output = await run_discord_cli(
        fake_discord, "-vv", "--db", str(atlas_db_path), "run", "discord"
    )
    assert code == 1
    assert "Message Content Intent" in output
    assert fake_discord.bot_token not in output


async def test_rejected_token_is_reported_without_showing_it(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    settings = settings_for(fake_discord, atlas_db_path, token="not-the-right-token")
    harness = Harness(fake_discord, settings)
    harness.fake.bot_token = "the-real-token"
    with pytest.raises(DiscordStartupError, match="rejected the bot token") as caught:
        await harness.start()
    await harness.stop()
    assert "not-the-right-token" not in str(caught.value)


def test_missing_token_names_the_setting(atlas_db_path: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(atlas_db_path), "run", "discord"])
    assert result.exit_code == 1
    assert "EVBOT_DISCORD__TOKEN" in result.output


async def test_gateway_comes_from_the_api_when_not_configured(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    harness = Harness(fake_discord, settings_for(fake_discord, atlas_db_path, gateway_url=None))
    await harness.start()
    try:
        assert fake_discord.requests_to("GET", "/gateway/bot")
        message = await harness.say(
            fake_discord.world.general_id, fake_discord.world.member, LEE_DOI
        )
        assert len(fake_discord.replies_to(int(message["id"]))) == 1
    finally:
        await harness.stop()


async def test_bot_resumes_after_a_reconnect_request(harness: Harness) -> None:
    await harness.fake.request_reconnect()
    await wait_until(lambda: harness.fake.resumes, what="a RESUME")
    [resume] = harness.fake.resumes
    assert resume["session_id"] in harness.fake.sessions
    message = await harness.say(harness.world.general_id, harness.world.member, f"doi {LEE_DOI}")
    assert len(harness.fake.replies_to(int(message["id"]))) == 1
    assert len(harness.fake.identifies) == 1


async def test_shard_settings_start_one_session_per_shard(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    settings = settings_for(fake_discord, atlas_db_path, shard_count=2)
    harness = Harness(fake_discord, settings)
    bot = await harness.start()
    try:
        assert isinstance(bot, ShardedEvidenceBot)
        assert sorted(i["shard"] for i in fake_discord.identifies) == [[0, 2], [1, 2]]
        message = await harness.say(
            fake_discord.world.general_id, fake_discord.world.member, LEE_DOI
        )
        assert len(fake_discord.replies_to(int(message["id"]))) == 1
    finally:
        await harness.stop()


@pytest.mark.parametrize("guild", [False, True])
async def test_sync_uploads_the_slash_group_and_the_context_menu(
    fake_discord: FakeDiscord, atlas_db_path: Path, guild: bool
) -> None:
    settings = settings_for(fake_discord, atlas_db_path)
    db = open_db(atlas_db_path)
    try:
        bot = create_bot(settings, db)
        guild_id = fake_discord.world.guild_id if guild else None
        names = await sync_commands(bot, fake_discord.bot_token, guild_id)
    finally:
        db.close()
    scope = str(guild_id) if guild_id else "global"
    uploaded = {c["name"]: c for c in fake_discord.commands[scope]}
    assert sorted(names) == sorted(uploaded) == ["Check evidence", "evidence"]
    subcommands = {option["name"] for option in uploaded["evidence"]["options"]}
    assert subcommands == {
        "lookup", "optout", "optin", "post", "on", "off", "summon-only", "cooldown", "descriptions",
        "refresh", "remove", "unmatched", "stats",
    }  # fmt: skip
    assert fake_discord.identifies == []
