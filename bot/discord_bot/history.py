"""Reading what the catch-up needs (a window of a channel's history, a guild's active
threads) item by item, so that one item discord.py cannot build is skipped, not the rest.

discord.py's `history()` builds each message inside its iterator, so one message it cannot
build (a payload shape it does not expect, such as role objects where it wants role ids)
ends the whole read: every other message of the channel would be lost with it. Here the
pages come from the same endpoint (GET /channels/{id}/messages, newest first with `before`,
https://discord.com/developers/docs/resources/message#get-channel-messages) and each message
is built on its own; one that fails is logged and skipped, and the read goes on. The same
holds for `Guild.active_threads()`, which builds every thread of the listing in one go
(GET /guilds/{id}/threads/active, https://discord.com/developers/docs/resources/guild#list-
active-guild-threads).
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.discord_bot.failures import exception_summary
from bot.runtime.catch_up import Window, read_back

log = logging.getLogger(__name__)

PAGE = 100  # Discord's largest page of messages


async def read_window(
    channel: discord.TextChannel | discord.Thread, after: int, before: int, cap: int
) -> Window[discord.Message]:
    """The newest `cap` messages with `after` < id < `before`; raises what the request raises."""
    http: Any = channel._state.http

    async def page(before: int, limit: int) -> list[Any]:
        found: list[Any] = await http.logs_from(channel.id, limit, before=before)
        return found

    def build(raw: Any) -> discord.Message:
        # discord.py has no public way to build one message from its payload; this is what
        # `history()` itself does (ConnectionState.create_message).
        return discord.Message(state=channel._state, channel=channel, data=raw)

    def skipped(message_id: int, exc: Exception) -> None:
        log.error(
            "channel %s: skipped message %s, which discord.py could not read (%s)",
            channel.id,
            message_id,
            exception_summary(exc),
        )

    return await read_back(page, build, (after, before, cap), page=PAGE, skipped=skipped)


async def read_active_threads(guild: discord.Guild) -> list[discord.Thread]:
    """The guild's active threads; one discord.py cannot build is logged and left out."""
    http: Any = guild._state.http
    data: dict[str, Any] = await http.get_active_threads(guild.id)
    threads: list[discord.Thread] = []
    for raw in data.get("threads") or []:
        try:
            threads.append(discord.Thread(guild=guild, state=guild._state, data=raw))
        except Exception as exc:
            log.error(
                "guild %s: left out thread %s, which discord.py could not read (%s)",
                guild.id,
                raw.get("id") if isinstance(raw, dict) else "?",
                exception_summary(exc),
            )
    return threads
