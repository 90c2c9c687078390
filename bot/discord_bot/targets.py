"""Which message a command is about: the one it replies to, or a link or id it names."""

from __future__ import annotations

import re
from collections.abc import Collection

import discord

# Discord's own web hosts; message links from any of them name a message.
DISCORD_WEB_HOSTS = ("discord.com", "ptb.discord.com", "canary.discord.com", "discordapp.com")


def _target_pattern(hosts: Collection[str]) -> re.Pattern[str]:
    """A message link on one of `hosts` (…/channels/<guild>/<channel>/<message>) or a bare
    snowflake at the end of the text; snowflakes have 17-20 digits, far longer than a PMID."""
    alternatives = "|".join(re.escape(host) for host in sorted(set(hosts), key=len, reverse=True))
    return re.compile(
        rf"""(?:^|\s)
            (?:https?://(?:www\.)?(?:{alternatives})/channels/(?:\d+|@me)/\d+/(?P<linked>\d+)
              |(?P<bare>\d{{17,20}}))
            \s*$""",
        re.VERBOSE | re.IGNORECASE,
    )


_DISCORD_ONLY = _target_pattern(DISCORD_WEB_HOSTS)


def split_target(text: str, hosts: Collection[str] = ()) -> tuple[str, int | None]:
    """`(rest, message_id)` when `text` ends with a message link or id, else `(text, None)`.

    Links on Discord's hosts are always accepted; `hosts` adds the configured server's web
    host (a Discord-compatible server's links carry its own host).
    """
    extra = [host for host in hosts if host.lower() not in DISCORD_WEB_HOSTS]
    pattern = _target_pattern([*DISCORD_WEB_HOSTS, *extra]) if extra else _DISCORD_ONLY
    found = pattern.search(text)
    if found is None:
        return text, None
    message_id = int(found["linked"] or found["bare"])
    return text[: found.start()].strip(), message_id


def referenced_id(message: discord.Message) -> int | None:
    """The id of the message this one replies to, if any."""
    reference = message.reference
    return reference.message_id if reference is not None else None
