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
from bot.runtime.catch_up import Window

log = logging.getLogger(__name__)

PAGE = 100  # Discord's largest page of messages


async def read_window(
    channel: discord.TextChannel | discord.Thread, after: int, before: int, cap: int
) -> Window[discord.Message]:
    """The newest `cap` messages with `after` < id < `before`; raises what the request raises."""
    window: Window[discord.Message] = Window()
    http: Any = channel._state.http
    cursor = before
    while window.count < cap:
        wanted = min(PAGE, cap - window.count)
        page: list[dict[str, Any]] = await http.logs_from(channel.id, wanted, before=cursor)
        ids = [_id_of(raw) for raw in page]
        for raw, message_id in zip(page, ids, strict=True):
            if message_id is None or message_id <= after:
                continue
            _build(channel, raw, message_id, window)
        known = [i for i in ids if i is not None]
        if len(page) < wanted or not known or min(known) <= after:
            return window
        cursor = min(known)
    window.capped = True
    return window


def _build(
    channel: discord.TextChannel | discord.Thread,
    raw: Any,
    message_id: int,
    window: Window[discord.Message],
) -> None:
    try:
        # discord.py has no public way to build one message from its payload; this is what
        # `history()` itself does (ConnectionState.create_message).
        window.messages.append(discord.Message(state=channel._state, channel=channel, data=raw))
    except Exception as exc:
        log.error(
            "channel %s: skipped message %s, which discord.py could not read (%s)",
            channel.id,
            message_id,
            exception_summary(exc),
        )
        window.skipped.append(message_id)


def _id_of(raw: Any) -> int | None:
    try:
        return int(raw["id"])
    except (KeyError, TypeError, ValueError):
        return None


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
