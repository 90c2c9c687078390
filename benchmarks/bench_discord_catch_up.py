"""What a restart costs after downtime: the real Discord bot against the fake Discord server,
after 10 minutes away during which 200 messages were posted across 5 channels (three text
channels and threads, a forum post, a thread opened before the stop).

A quarter of the messages cite an atlas study (a different one each time in its channel
while the sample atlas's nine DOIs last; after that its citations start over, and the
cooldown holds those back), a quarter a paper the atlas lacks, the rest is chatter. The
bot runs with the default reply settings. Figures: seconds from starting the bot to the end
of its catch-up (and from ready to the end), the replies it sent and the sightings it logged,
and the history requests it made.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.common import Figure, timed
from bot.discord_bot.cursors import CHANNEL_PREFIX, PLATFORM, WATCHING_SINCE
from records.db import open_db
from records.streams import Streams
from tests.discord.fake_discord import FakeDiscord
from tests.fakes.atlas import sample_dois
from tests.fakes.discord_harness import Harness, import_sample_atlas, settings_for

MESSAGES = 200
# Discord's usual bucket for sending messages: 5 per 5 seconds per channel.
CHANNEL_BUCKET = (5, 5.0)
DOWNTIME = timedelta(minutes=10)
STUDY_DOIS = sample_dois()  # every study of the sample atlas that has a DOI


def run() -> list[Figure]:
    """Stop the bot, post 200 messages over 10 minutes, start it and time the catch-up."""
    return asyncio.run(_measure())


async def _measure() -> list[Figure]:
    figures = []
    for bucket in (None, CHANNEL_BUCKET):
        fake = FakeDiscord()
        await fake.start()
        try:
            with tempfile.TemporaryDirectory() as folder:
                db_path = Path(folder) / "bench.db"
                import_sample_atlas(db_path)
                figures += await _restart_after_downtime(fake, db_path, bucket)
        finally:
            await fake.stop()
    return figures


async def _restart_after_downtime(
    fake: FakeDiscord, db_path: Path, bucket: tuple[int, float] | None
) -> list[Figure]:
    world = fake.world
    harness = Harness(fake, settings_for(fake, db_path))
    await harness.start()
    thread = await fake.create_thread(world.general_id, "new results", world.member)
    channels = [world.general_id, world.quiet_id, world.thread_id, world.forum_post_id]
    channels.append(int(thread["id"]))
    await harness.wait_caught_up()
    await harness.stop()

    went_down = datetime.now(UTC) - DOWNTIME
    _handled_until(db_path, fake, channels, went_down)
    expected_sightings = 0
    cited: set[tuple[int, str]] = set()  # a study cited again in its channel gets no reply
    for number in range(MESSAGES):
        channel = channels[number % len(channels)]
        posted_at = went_down + DOWNTIME * (number + 1) / (MESSAGES + 1)
        kind = number // len(channels) % 4
        if kind == 0:
            study = STUDY_DOIS[(number // (4 * len(channels))) % len(STUDY_DOIS)]
            text = f"Have you read doi:{study}?"
            cited.add((channel, study))
        elif kind == 1:
            text = f"Does anyone know doi:10.5555/bench.{number} ?"
            expected_sightings += 1
        else:
            text = f"good evening, message {number}"
        author = world.member if number % 2 else world.other_member
        await fake.post(channel, author, text, message_id=fake.ids.at(posted_at))

    if bucket is not None:
        fake.limit_channels(*bucket)
    requests_before = len(fake.requests)
    with timed() as start_to_caught_up:
        await harness.start()
        with timed() as ready_to_caught_up:
            report = await harness.wait_caught_up(timeout=300)
    sightings = len(list(harness.records.query("SELECT 1 FROM sightings")))
    await harness.stop()
    history_reads = [
        r for r in fake.requests[requests_before:] if r.method == "GET" and "/messages" in r.path
    ]
    assert report.replies == len(cited), (report.replies, len(cited))
    assert sightings == expected_sightings, (sightings, expected_sightings)
    name = "discord catch-up"
    if bucket is None:
        setting = "no rate limit"
        target = "< 10 s"
    else:
        setting = f"{bucket[0]} msgs/{bucket[1]:.0f} s per channel"
        target = "< 30 s"
    return [
        Figure(name, f"{MESSAGES} msgs, {len(channels)} channels, 10 min away ({setting})", ""),
        Figure(name, "start → caught up", f"{start_to_caught_up.seconds:.2f} s", target),
        Figure(name, "ready → caught up", f"{ready_to_caught_up.seconds:.2f} s"),
        Figure(name, "messages read / handled", f"{report.read} / {report.handled}"),
        Figure(name, "replies sent", f"{report.replies}"),
        Figure(name, "sightings logged", f"{sightings}"),
        Figure(name, "history requests", f"{len(history_reads)}"),
    ]


def _handled_until(db_path: Path, fake: FakeDiscord, channels: list[int], moment: datetime) -> None:
    """The records of a bot that handled every channel up to `moment` and then stopped."""
    db = open_db(db_path)
    try:
        Streams(db, PLATFORM).save_cursor(WATCHING_SINCE, (moment - timedelta(days=7)).isoformat())
        streams = Streams(db, PLATFORM)
        for channel in channels:
            streams.save_cursor(f"{CHANNEL_PREFIX}{channel}", str(fake.ids.at(moment)))
    finally:
        db.close()
