"""Errors name their cause: Discord's own error code and message reach the log and the
operator, as Discord sends them in its JSON error bodies ({"code", "message"})."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

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


async def test_an_invalid_form_logs_which_field_discord_refused(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    world = harness.world
    errors = {
        "embeds": {
            "0": {
                "description": {
                    "_errors": [
                        {
                            "code": "BASE_TYPE_MAX_LENGTH",
                            "message": "Must be 4096 or fewer in length.",
                        }
                    ]
                }
            }
        }
    }
    harness.fake.fail_next(
        "POST", rf"/channels/{world.general_id}/messages", status=400, code=50035, errors=errors
    )
    await harness.say(world.general_id, world.member, f"doi {LEE_DOI}")
    assert "HTTP 400, Discord error 50035: Invalid Form Body" in caplog.text
    assert "In embeds.0.description: Must be 4096 or fewer in length." in caplog.text


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
