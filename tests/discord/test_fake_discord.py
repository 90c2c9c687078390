"""The fake server follows Discord where the bot's tests rely on it: intents decide what a
session receives, the HTTP API hides content without the Message Content switch, and
`enforce_nonce` remembers a nonce for a few minutes only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
import discord
import pytest

from bot.discord_bot.endpoints import apply_endpoints
from config.settings import DiscordSettings
from tests.discord.fake_discord import FakeDiscord
from tests.discord.fake_discord.server import NONCE_MEMORY_SECONDS
from tests.discord.waiting import wait_until

Json = dict[str, Any]


class Listener(discord.Client):
    """A bare discord.py client that keeps every message it receives."""

    def __init__(self, intents: discord.Intents) -> None:
        super().__init__(intents=intents)
        self.received: dict[int, discord.Message] = {}

    async def on_message(self, message: discord.Message) -> None:
        self.received[message.id] = message


@asynccontextmanager
async def connected(fake: FakeDiscord, intents: discord.Intents) -> AsyncIterator[Listener]:
    apply_endpoints(DiscordSettings(api_base_url=fake.api_base_url, gateway_url=fake.gateway_url))
    client = Listener(intents)
    task = asyncio.create_task(client.start(fake.bot_token))
    await wait_until(client.is_ready, what="the client to be ready")
    try:
        yield client
    finally:
        await client.close()
        await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def without_content_intent(fake_discord: FakeDiscord) -> AsyncIterator[Listener]:
    intents = discord.Intents.none()
    intents.guilds = intents.guild_messages = intents.dm_messages = True
    async with connected(fake_discord, intents) as client:
        yield client


async def received(client: Listener, payload: Json) -> discord.Message:
    message_id = int(payload["id"])
    await wait_until(lambda: client.received.get(message_id), what=f"message {message_id}")
    return client.received[message_id]


async def test_without_the_content_intent_guild_messages_arrive_empty(
    fake_discord: FakeDiscord, without_content_intent: Listener
) -> None:
    world = fake_discord.world
    plain = await fake_discord.post(world.general_id, world.member, "see https://doi.org/10.1/x")
    mention = await fake_discord.post(
        world.general_id, world.member, f"<@{world.bot_user.id}> what about doi 10.1/y?"
    )
    direct = fake_discord.message_payload(fake_discord.ids.next(), world.member, "doi 10.1/z")
    del direct["guild_id"], direct["member"]
    await fake_discord.redeliver(direct)

    assert (await received(without_content_intent, plain)).content == ""
    # Documented exceptions: messages that mention the app, and direct messages.
    assert (await received(without_content_intent, mention)).content.endswith("doi 10.1/y?")
    assert (await received(without_content_intent, direct)).content == "doi 10.1/z"


async def test_without_the_guild_messages_intent_no_message_arrives(
    fake_discord: FakeDiscord,
) -> None:
    world = fake_discord.world
    intents = discord.Intents.none()
    intents.guilds = intents.message_content = True
    async with connected(fake_discord, intents) as client:
        guild = client.get_guild(world.guild_id)
        assert guild is not None
        await fake_discord.post(world.general_id, world.member, "hello")
        thread = await fake_discord.create_thread(world.general_id, "thread", world.member)
        # Events are sent in order: the thread arriving means the message was not sent.
        await wait_until(lambda: guild.get_thread(int(thread["id"])), what="the new thread")
        assert client.received == {}


async def rest(fake: FakeDiscord, method: str, path: str, body: Json | None = None) -> Any:
    headers = {"Authorization": f"Bot {fake.bot_token}"}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, fake.api_base_url + path, json=body, headers=headers) as answer,
    ):
        return await answer.json()


async def test_the_http_api_hides_content_when_the_portal_switch_is_off(
    fake_discord: FakeDiscord,
) -> None:
    world = fake_discord.world
    message = await fake_discord.post(world.general_id, world.member, "doi 10.1/x")
    fake_discord.message_content_enabled = False
    [listed] = await rest(fake_discord, "GET", f"/channels/{world.general_id}/messages")
    assert (listed["id"], listed["content"], listed["embeds"]) == (message["id"], "", [])
    # The HTTP API has none of MESSAGE_CREATE's extra fields.
    assert "guild_id" not in listed
    assert "member" not in listed


async def test_an_enforced_nonce_is_remembered_for_a_few_minutes_only(
    fake_discord: FakeDiscord,
) -> None:
    path = f"/channels/{fake_discord.world.general_id}/messages"
    body = {"content": "card", "nonce": "abc123", "enforce_nonce": True}
    first = await rest(fake_discord, "POST", path, body)
    again = await rest(fake_discord, "POST", path, body)
    fake_discord.pass_time(NONCE_MEMORY_SECONDS + 1)
    later = await rest(fake_discord, "POST", path, body)
    assert again["id"] == first["id"]
    assert later["id"] != first["id"]
    assert len(fake_discord.bot_messages(fake_discord.world.general_id)) == 2
