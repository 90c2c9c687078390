"""Errors name their cause: Discord's own error code and message reach the log and the
operator, as Discord sends them in its JSON error bodies ({"code", "message"})."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import discord
import pytest

from bot.discord_bot.failures import describe_failure
from tests.discord.conftest import LEE_DOI, Harness, run_discord_cli
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until


async def test_a_refused_reply_logs_discords_error_code_and_message(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    world = harness.world
    harness.fake.fail_next(
        "POST", rf"/channels/{world.general_id}/messages", status=403, code=50013
    )
    message = await harness.say(world.general_id, world.member, f"doi {LEE_DOI}")
    assert harness.fake.replies_to(int(message["id"])) == []
    expected = (
        f"could not reply to message {message['id']} "
        "(HTTP 403, Discord error 50013: Missing Permissions)"
    )
    assert expected in caplog.text


TOO_LONG = {
    "embeds": {
        "0": {
            "description": {
                "_errors": [
                    {"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 4096 or fewer in length."}
                ]
            }
        }
    }
}
# Discord's own Content-Type, and an Express-based compatible server's (see `fail_next`).
CONTENT_TYPES = ["application/json", "application/json; charset=utf-8"]


@pytest.mark.parametrize("content_type", CONTENT_TYPES, ids=["discord", "with-charset"])
async def test_an_invalid_form_logs_which_field_discord_refused(
    harness: Harness, caplog: pytest.LogCaptureFixture, content_type: str
) -> None:
    caplog.set_level(logging.WARNING)
    world = harness.world
    harness.fake.fail_next(
        "POST",
        rf"/channels/{world.general_id}/messages",
        status=400,
        code=50035,
        errors=TOO_LONG,
        content_type=content_type,
    )
    await harness.say(world.general_id, world.member, f"doi {LEE_DOI}")
    expected = (
        "HTTP 400, Discord error 50035: Invalid Form Body; "
        "embeds.0.description: Must be 4096 or fewer in length."
    )
    assert expected in caplog.text


def http_error(status: int, body: dict[str, Any] | str) -> discord.HTTPException:
    """The exception discord.py raises for an answer with this status and (parsed) body."""
    response: Any = SimpleNamespace(status=status, reason="Bad Request")
    return discord.HTTPException(response, body)


DESCRIPTIONS = [
    pytest.param(
        http_error(503, "503: Service Unavailable"),
        "HTTP 503",
        id="plain-text-body-that-only-restates-the-status",
    ),
    pytest.param(
        http_error(502, "upstream connect error or disconnect/reset before headers"),
        "HTTP 502: upstream connect error or disconnect/reset before headers",
        id="plain-text-body-with-news",
    ),
    pytest.param(
        http_error(400, {"code": 50035, "message": "Invalid Form Body", "errors": TOO_LONG}),
        "HTTP 400, Discord error 50035: Invalid Form Body; "
        "embeds.0.description: Must be 4096 or fewer in length.",
        id="parsed-by-discord.py",
    ),
    pytest.param(
        http_error(
            400,
            json.dumps(
                {
                    "code": 50035,
                    "message": "Invalid Form Body",
                    "errors": {
                        "content": {
                            "_errors": [
                                {
                                    "code": "BASE_TYPE_MAX_LENGTH",
                                    "message": "Must be 2000 or fewer in length.",
                                }
                            ]
                        },
                        "embeds": {
                            "0": {
                                "url": {
                                    "_errors": [
                                        {
                                            "code": "URL_TYPE_INVALID_URL",
                                            "message": "Not a well formed URL.",
                                        }
                                    ]
                                }
                            }
                        },
                    },
                }
            ),
        ),
        "HTTP 400, Discord error 50035: Invalid Form Body; content: Must be 2000 or fewer in "
        "length.; embeds.0.url: Not a well formed URL.",
        id="raw-json-text",
    ),
    pytest.param(
        http_error(400, json.dumps({"content": ["Must be 2000 or fewer in length."]})),
        "HTTP 400; content: Must be 2000 or fewer in length.",
        id="fields-only-body",
    ),
    pytest.param(
        http_error(502, "<html>Bad Gateway</html>"),
        "HTTP 502: <html>Bad Gateway</html>",
        id="not-json",
    ),
    pytest.param(
        http_error(
            400,
            {
                "code": 50035,
                "message": "Invalid Form Body",
                "errors": {
                    "token": {
                        "_errors": [
                            {"code": "X", "message": "aW50ZXJhY3Rpb246MTIzNDU2Nzg5MDEyMzQ1Njc4OTA"}
                        ]
                    }
                },
            },
        ),
        "HTTP 400, Discord error 50035: Invalid Form Body; token: …",
        id="token-masked",
    ),
]


@pytest.mark.parametrize(("exc", "expected"), DESCRIPTIONS)
def test_a_failure_is_described_with_each_rejected_field(
    exc: discord.HTTPException, expected: str
) -> None:
    assert describe_failure(exc) == expected


async def test_a_refused_mod_log_post_names_the_cause(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    world = harness.world
    harness.fake.fail_next(
        "POST", rf"/channels/{world.mod_log_id}/messages", status=403, code=50001
    )
    interaction = await harness.fake.slash(world.moderator, world.general_id, "off")
    await harness.fake.wait_answered(interaction)
    await _wait_for_log(caplog, "mod-log channel")
    assert "HTTP 403, Discord error 50001: Missing Access" in caplog.text


async def _wait_for_log(caplog: pytest.LogCaptureFixture, text: str) -> None:
    await wait_until(lambda: text in caplog.text, what=f"a log line with {text!r}")


@pytest.mark.parametrize("guild", [False, True], ids=["global", "guild"])
async def test_refused_command_sync_ends_with_one_error_line(
    fake_discord: FakeDiscord, atlas_db_path: Path, guild: bool
) -> None:
    # Without the applications.commands scope Discord answers 403, code 50001.
    fake_discord.fail_next("PUT", r"/applications/\d+(/guilds/\d+)?/commands", code=50001)
    guild_args = ["--guild", str(fake_discord.world.guild_id)] if guild else []
    code, output = await run_discord_cli(
        fake_discord, "--db", str(atlas_db_path), "run", "discord", "--sync-commands", *guild_args
    )
    assert code == 1, output
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert output.rstrip().splitlines()[-1] == errors[0]
    assert "Discord error 50001: Missing Access" in errors[0]
    assert "applications.commands" in errors[0]
    assert fake_discord.bot_token not in output
    assert fake_discord.commands == {}
