"""A message another delivery is answering (its claim inside the lease) is not finished here.

The core's rule for adapters that track handled items (`bot.core.delivery.claim_state`):
an in-flight claim must not be marked handled, or nothing answers the message if that
delivery's process dies. On Discord "handled" is the channel's cursor: it must stay before
such a message, so the next catch-up reads it again.
"""

from __future__ import annotations

from pathlib import Path

from records.streams import Streams
from tests.discord.conftest import LEE_DOI, Harness
from tests.discord.fake_discord import FakeDiscord
from tests.discord.test_stale_claims import leave_claim, stopped  # noqa: F401 - fixture
from tests.discord.waiting import settle


def channel_cursor(harness: Harness, channel_id: int) -> int | None:
    """The stored catch-up cursor of a channel."""
    cursor = Streams(harness.records, "discord").cursor(f"channel:{channel_id}")
    return int(cursor) if cursor is not None else None


async def test_a_message_claimed_by_a_live_delivery_keeps_the_cursor_before_it(
    stopped: Harness,  # noqa: F811 - the fixture imported above
    fake_discord: FakeDiscord,
    atlas_db_path: Path,
) -> None:
    world = fake_discord.world
    message = await fake_discord.post(world.general_id, world.member, f"see doi:{LEE_DOI}")
    leave_claim(atlas_db_path, message, age=1.0)
    later = await fake_discord.post(world.general_id, world.other_member, "unrelated")

    await stopped.start()
    await stopped.wait_caught_up()
    await stopped.wait_handled(int(str(message["id"])))
    await stopped.wait_handled(int(str(later["id"])))
    await settle()

    cursor = channel_cursor(stopped, world.general_id)
    assert cursor is None or cursor < int(str(message["id"]))
    assert fake_discord.replies_to(int(str(message["id"]))) == []
