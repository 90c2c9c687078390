"""Gateway events discord.py cannot read are logged and skipped, never the end of the bot.

The gateway calls discord.py's parser for each event (`ConnectionState.parsers`, event type
→ callable) inline while reading the socket, so one that raises (a payload shape the library
does not expect: role objects where it wants role ids, a missing field) escapes the read loop
and ends the process. Wrapping each entry of that table contains one event and leaves the
socket, heartbeats and session to discord.py; catching around `connect` would come too late
(the connection is lost), and patching single parsers would miss the next unexpected shape.
What escapes elsewhere (a frame that is not JSON) ends the connection; `app.stay_connected`
then connects again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import discord

from bot.discord_bot.failures import exception_summary

log = logging.getLogger(__name__)

# Dispatched after a MESSAGE_CREATE or MESSAGE_UPDATE was skipped, with (channel id, message
# id), so the message can be read through the HTTP API instead (`WatchCog`).
UNREAD_MESSAGE_EVENT = "evidence_unread_message"
MESSAGE_EVENTS = frozenset({"MESSAGE_CREATE", "MESSAGE_UPDATE"})
# Events that bring a whole server (its channels, roles, threads) into the bot's cache.
LOST_SERVER_EVENTS = frozenset({"GUILD_CREATE"})


def guard_parsers(client: discord.Client) -> None:
    """Make each of the client's gateway parsers log and skip an event it cannot read."""
    # `_connection` is the client's ConnectionState; discord.py has no public hook for this.
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    traced: set[str] = set()
    for event, parse in list(parsers.items()):
        parsers[event] = _guarded(client, event, parse, traced)


def _guarded(
    client: discord.Client, event: str, parse: Callable[[Any], None], traced: set[str]
) -> Callable[[Any], None]:
    def parse_or_skip(data: Any) -> None:
        try:
            parse(data)
        except Exception as exc:
            # The payload itself is not logged: some events carry tokens (interactions).
            # A server that sends one shape for every event of a type would fill the log
            # with tracebacks: the first of each type has one, later ones one line.
            log.error(
                "skipped a %s event from the gateway that discord.py could not read "
                "(%s); the bot keeps running",
                event,
                exception_summary(exc),
                exc_info=event not in traced,
            )
            traced.add(event)
            if event in LOST_SERVER_EVENTS and isinstance(data, dict):
                log.error(
                    "server %s is unknown to the bot until it connects again (%s could "
                    "not be read): it answers nothing there meanwhile",
                    data.get("id"),
                    event,
                )
            ids = message_ids(event, data)
            if ids is not None:
                client.dispatch(UNREAD_MESSAGE_EVENT, *ids)

    return parse_or_skip


def message_ids(event: str, data: Any) -> tuple[int, int] | None:
    """(channel id, message id) of a guild message event, when the payload names them."""
    if event not in MESSAGE_EVENTS or not isinstance(data, dict) or not data.get("guild_id"):
        return None
    try:
        return int(data["channel_id"]), int(data["id"])
    except (KeyError, TypeError, ValueError):
        return None
