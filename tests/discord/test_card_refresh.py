"""Living cards on Discord: `cards refresh` edits the posted card in place (issue 26)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from records.posted_cards import posted_cards
from tests.discord.conftest import (
    LEE_DOI,
    LEE_ID,
    Harness,
    run_discord_cli,
    settings_for,
    start_discord_cli,
)
from tests.discord.fake_discord import FakeDiscord
from tests.discord.waiting import wait_until
from tests.forums.card_refresh import NEW_SUMMARY, retract_with_new_summary


def shown(message: dict[str, Any]) -> str:
    """Everything the message shows, as one string."""
    return " ".join((message.get("content") or "").split() + json.dumps(message["embeds"]).split())


async def test_cards_refresh_edits_the_posted_card_in_place_with_retraction_and_new_summary(
    harness: Harness,
) -> None:
    channel = harness.world.general_id
    message = await harness.say(channel, harness.world.member, f"Look: doi:{LEE_DOI}")
    [reply] = await harness.fake.wait_for_reply(int(message["id"]))
    [card] = posted_cards(harness.records, "discord")
    assert card.reply_id == reply["id"]
    db_path = Path(harness.settings.database.path)
    retract_with_new_summary(db_path, LEE_ID)

    code, dry = await run_discord_cli(harness.fake, "--db", str(db_path), "cards", "refresh",
                                      "--dry-run")  # fmt: skip
    assert code == 0, dry
    assert "1 would edit" in dry
    assert harness.fake.requests_to("PATCH", r"/channels/\d+/messages/\d+") == []

    code, output = await run_discord_cli(harness.fake, "--db", str(db_path), "cards", "refresh")
    assert code == 0, output
    assert "1 edited" in output
    [_edit] = harness.fake.requests_to("PATCH", rf"/channels/{channel}/messages/{reply['id']}")
    [after] = harness.fake.replies_to(int(message["id"]))
    assert after["id"] == reply["id"]
    text = shown(after)
    assert "RETRACTED since this card was posted" in text
    assert NEW_SUMMARY in text
    assert "the paper was retracted" in text
    assert len(harness.fake.bot_messages(channel)) == 1

    code, again = await run_discord_cli(harness.fake, "--db", str(db_path), "cards", "refresh")
    assert code == 0, again
    assert "up to date" in again
    assert len(harness.fake.requests_to("PATCH", r"/channels/\d+/messages/\d+")) == 1


async def test_a_deleted_card_is_marked_gone_and_skipped_from_then_on(harness: Harness) -> None:
    channel = harness.world.general_id
    message = await harness.say(channel, harness.world.member, f"Look: doi:{LEE_DOI}")
    [reply] = await harness.fake.wait_for_reply(int(message["id"]))
    harness.fake.deleted.add(int(reply["id"]))
    db_path = Path(harness.settings.database.path)
    retract_with_new_summary(db_path, LEE_ID)
    code, output = await run_discord_cli(harness.fake, "--db", str(db_path), "cards", "refresh")
    assert code == 0, output
    assert "1 gone" in output
    assert posted_cards(harness.records, "discord") == []
    code, output = await run_discord_cli(harness.fake, "--db", str(db_path), "cards", "refresh")
    assert "up to date" in output


async def test_a_running_bot_edits_the_card_within_refresh_seconds(
    fake_discord: FakeDiscord, atlas_db_path: Path
) -> None:
    harness = Harness(fake_discord, settings_for(fake_discord, atlas_db_path))
    harness.set_reply(refresh_seconds=0.2)
    await harness.start()
    try:
        channel = harness.world.general_id
        message = await harness.say(channel, harness.world.member, f"Look: doi:{LEE_DOI}")
        [reply] = await harness.fake.wait_for_reply(int(message["id"]))
        retract_with_new_summary(atlas_db_path, LEE_ID)
        path = rf"/channels/{channel}/messages/{reply['id']}"
        await wait_until(lambda: harness.fake.requests_to("PATCH", path), what="the card's edit")
        [after] = harness.fake.replies_to(int(message["id"]))
        assert NEW_SUMMARY in shown(after)
        assert "RETRACTED since this card was posted" in shown(after)
    finally:
        await harness.stop()


async def test_sigkill_after_the_retraction_reply_is_posted_then_restart_posts_it_once(
    harness: Harness,
) -> None:
    channel = harness.world.general_id
    message = await harness.say(channel, harness.world.member, f"Look: doi:{LEE_DOI}")
    [reply] = await harness.fake.wait_for_reply(int(message["id"]))
    db_path = Path(harness.settings.database.path)
    retract_with_new_summary(db_path, LEE_ID)
    # The card can no longer be edited (403 Missing Permissions, as in a locked thread) ...
    harness.fake.fail_next("PATCH", rf"/channels/{channel}/messages/{reply['id']}")
    # ... and the retraction reply is posted, its answer coming only after the kill.
    harness.fake.slow_next(
        "POST", rf"/channels/{channel}/messages$", seconds=10.0, answer_late=True
    )
    lease = {"EVBOT_REPLY__CLAIM_LEASE_SECONDS": "0"}
    args = ("--db", str(db_path), "cards", "refresh")
    process = await start_discord_cli(harness.fake, *args, more=lease)
    try:
        await wait_until(lambda: len(harness.fake.bot_messages(channel)) == 2, timeout=30)
    finally:
        process.kill()
        await process.wait()
    code, output = await run_discord_cli(harness.fake, *args, more=lease)
    assert code == 0, output
    assert "1 found" in output
    code, output = await run_discord_cli(harness.fake, *args, more=lease)
    assert "up to date" in output
    card, under = harness.fake.bot_messages(channel)  # exactly one retraction reply
    assert card["id"] == reply["id"]
    assert "RETRACTED since this card was posted" in shown(under)
    assert (under.get("message_reference") or {}).get("message_id") == reply["id"]
