"""Message links follow the configured server: sightings and the mod-log link to the API
base's web host, and moderators' links to messages on that host are understood."""

from __future__ import annotations

import pytest

from bot.discord_bot.endpoints import web_base, web_host
from bot.discord_bot.targets import split_target
from config.settings import DiscordSettings
from tests.discord.commands_helpers import run_slash
from tests.discord.conftest import LEE_DOI, LEE_ID, Harness

MESSAGE = 1234567890123456789


async def test_a_sightings_link_points_at_the_configured_server(harness: Harness) -> None:
    world = harness.world
    message = await harness.say(world.general_id, world.member, "see doi:10.5555/links.1")
    [row] = harness.records.query("SELECT permalink FROM sightings")
    assert row["permalink"] == harness.fake.link(message)
    assert row["permalink"].startswith(harness.fake.web_base + "/channels/")


async def test_a_moderators_link_on_the_configured_server_names_the_target(
    harness: Harness,
) -> None:
    world = harness.world
    target = await harness.say(world.general_id, world.other_member, "which study was that?")
    link = harness.fake.link(target)
    answer = await run_slash(
        harness, world.moderator, world.general_id, "post", query=f"{LEE_DOI} {link}"
    )
    assert answer.private
    [card] = harness.fake.replies_to(int(target["id"]))
    assert card["embeds"][0]["url"].endswith(LEE_ID)
    [line] = await harness.fake.wait_for_channel_message(world.mod_log_id)
    assert f"in reply to {link}" in line["content"]


@pytest.mark.parametrize(
    ("api", "base", "host"),
    [
        ("https://discord.com/api/v10", "https://discord.com", "discord.com"),
        ("https://canary.discord.com/api/v10/", "https://canary.discord.com", "canary.discord.com"),
        ("http://127.0.0.1:8080/api/v10", "http://127.0.0.1:8080", "127.0.0.1:8080"),
        (
            "https://chat.example.org:8443/api",
            "https://chat.example.org:8443",
            "chat.example.org:8443",
        ),
    ],
)
def test_the_web_address_comes_from_the_api_base(api: str, base: str, host: str) -> None:
    settings = DiscordSettings(api_base_url=api)
    assert (web_base(settings), web_host(settings)) == (base, host)


@pytest.mark.parametrize(
    ("text", "hosts", "expected"),
    [
        (f"lee http://127.0.0.1:8080/channels/1/2/{MESSAGE}", ["127.0.0.1:8080"], ("lee", MESSAGE)),
        (
            f"lee https://chat.example.org/channels/1/2/{MESSAGE}",
            ["chat.example.org"],
            ("lee", MESSAGE),
        ),
        (f"lee https://discord.com/channels/1/2/{MESSAGE}", ["chat.example.org"], ("lee", MESSAGE)),
        (
            f"lee https://elsewhere.example/channels/1/2/{MESSAGE}",
            ["chat.example.org"],
            (f"lee https://elsewhere.example/channels/1/2/{MESSAGE}", None),
        ),
    ],
)
def test_links_on_the_configured_host_or_discords_name_a_message(
    text: str, hosts: list[str], expected: tuple[str, int | None]
) -> None:
    assert split_target(text, hosts) == expected
