"""Which servers a sharded process is responsible for, by Discord's formula.

Discord hands a server (guild) to shard `(guild_id >> 22) % shard_count`
(https://discord.com/developers/docs/events/gateway#sharding). The records are shared by
every shard process, so what a process reads from them (channels to catch up, claims left
by a killed process) is narrowed to its own servers here.
"""

from __future__ import annotations

from config.settings import DiscordSettings


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord gives the guild."""
    return (guild_id >> 22) % shard_count


def runs_guild(settings: DiscordSettings, guild_id: int) -> bool:
    """Whether this process runs the shard of `guild_id` (always, when not sharded)."""
    if settings.shard_count is None or not settings.shard_ids:
        return True
    return shard_of(guild_id, settings.shard_count) in settings.shard_ids


def shards_line(settings: DiscordSettings) -> str:
    """` (shards 0, 2 of 4)` for a sharded process, else nothing."""
    if settings.shard_count is None:
        return ""
    ids = settings.shard_ids or list(range(settings.shard_count))
    which = ", ".join(str(shard) for shard in ids)
    word = "shard" if len(ids) == 1 else "shards"
    return f" ({word} {which} of {settings.shard_count})"
