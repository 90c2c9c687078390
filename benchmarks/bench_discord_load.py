"""A burst of 10,000 messages through the real Discord bot against the fake Discord server,
which enforces a per-channel bucket (5 messages per 0.25 s, answering 429 beyond it).

The mix and the reply policy are those of tests/reliability/discord/load.py (30% cite an
atlas study; four channels). Figures: messages handled per second, the handling latency of
citing messages (dispatched on the gateway → the reply's POST received by the server, so it
includes waiting for the channel's bucket), the 429s the server had to give, and memory
(peak RSS of the process, fake server included; tracemalloc growth of a traced 2,000 burst).
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import tempfile
from pathlib import Path

from benchmarks.common import Figure, peak_rss_mb
from tests.discord.fake_discord import FakeDiscord
from tests.fakes.discord_harness import import_sample_atlas
from tests.reliability.discord.load import (
    CHANNEL_LIMIT,
    CHANNEL_WINDOW_SECONDS,
    Burst,
    load_harness,
    send_burst,
)

BURST = 10_000
TRACED_BURST = 2_000
NAME = "discord load"


def run() -> list[Figure]:
    """Send the bursts and report throughput, latency and memory."""
    burst, rss_before, rss_after, counts_ok, too_many = asyncio.run(_burst(BURST, trace=False))
    traced, *_ = asyncio.run(_burst(TRACED_BURST, trace=True))
    latencies = sorted(burst.latencies_ms)
    p99 = statistics.quantiles(latencies, n=100)[-1]
    ceiling = 4 * CHANNEL_LIMIT / CHANNEL_WINDOW_SECONDS
    return [
        Figure(NAME, f"burst of {BURST:,} messages handled", f"{burst.seconds:.1f} s"),
        Figure(NAME, "messages handled per second", f"{BURST / burst.seconds:,.0f}", "> 100/s"),
        Figure(
            NAME,
            f"replies per second (4 channels' buckets allow {ceiling:.0f}/s)",
            f"{len(burst.citing) / burst.seconds:,.1f}",
        ),
        Figure(NAME, "citing message → reply, p50", f"{statistics.median(latencies):,.0f} ms"),
        Figure(NAME, "citing message → reply, p99", f"{p99:,.0f} ms"),
        Figure(NAME, "citing messages answered exactly once", "yes" if counts_ok else "NO", "yes"),
        Figure(NAME, "429s from the channel buckets", f"{too_many}"),
        Figure(NAME, "peak RSS (bot + fake server)", f"{rss_after:.0f} MB"),
        Figure(NAME, "RSS growth over the burst", f"{rss_after - rss_before:.0f} MB"),
        Figure(
            NAME,
            f"traced memory kept after {TRACED_BURST:,} messages",
            f"{traced.memory_growth_bytes / 1e6:.1f} MB",
            "< 24 MB",
        ),
        Figure(
            NAME,
            f"traced memory peak during {TRACED_BURST:,} messages",
            f"{traced.memory_peak_bytes / 1e6:.1f} MB",
        ),
    ]


async def _burst(count: int, *, trace: bool) -> tuple[Burst, float, float, bool, int]:
    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "bench.db"
        import_sample_atlas(db_path)
        harness = load_harness(fake, db_path)
        await harness.start()
        rss_before = _current_rss_mb()
        try:
            burst = await send_burst(harness, count, timeout=600, trace_memory=trace)
        finally:
            await harness.stop()
            await fake.stop()
    counts_ok = all(fake.reply_counts[m] == 1 for m in burst.citing)
    return burst, rss_before, peak_rss_mb(), counts_ok, fake.bucket_429s


def _current_rss_mb() -> float:
    """Resident memory now (Linux /proc), in MB; falls back to the peak elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
