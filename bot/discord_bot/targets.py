"""Which message a command is about: the one it replies to, or a link or id it names."""

from __future__ import annotations

import re

import discord

# A message link (https://discord.com/channels/<guild>/<channel>/<message>) or a bare
# snowflake; snowflakes have 17-20 digits, far longer than any PMID.
_TARGET = re.compile(
    r"""(?:^|\s)
        (?:https?://(?:\w+\.)?discord(?:app)?\.com/channels/\d+/\d+/(?P<linked>\d+)
          |(?P<bare>\d{17,20}))
        \s*$""",
    re.VERBOSE,
)


def split_target(text: str) -> tuple[str, int | None]:
    """`(rest, message_id)` when `text` ends with a message link or id, else `(text, None)`."""
    found = _TARGET.search(text)
    if found is None:
        return text, None
    message_id = int(found["linked"] or found["bare"])
    return text[: found.start()].strip(), message_id


def referenced_id(message: discord.Message) -> int | None:
    """The id of the message this one replies to, if any."""
    reference = message.reference
    return reference.message_id if reference is not None else None
