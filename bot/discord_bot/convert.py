"""The boundary: discord.py objects in, our own `Post` out; core embed dicts in, Embeds out."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import discord

from bot.discord_bot.endpoints import message_link
from records.models import Post

PLATFORM = "discord"


def place_of(channel: Any) -> str:
    """Where settings apply: the channel, or the thread itself (a forum post is a thread)."""
    return str(channel.id)


def parent_of(channel: Any) -> str | None:
    """A thread's parent channel (text or forum), so a place can inherit its parent's mode."""
    if isinstance(channel, discord.Thread):
        return str(channel.parent_id) if channel.parent_id else None
    return None


def link_to(message: discord.Message, web_base: str) -> str:
    """The message's link on the configured server (discord.py's `jump_url` is always
    discord.com's)."""
    guild_id = message.guild.id if message.guild is not None else None
    return message_link(web_base, guild_id, message.channel.id, message.id)


def post_from_message(message: discord.Message, web_base: str, *, is_edit: bool = False) -> Post:
    """Our `Post` for a guild message: place and thread are the channel or thread id;
    the permalink points at `web_base` (see `endpoints.web_base`)."""
    channel = message.channel
    return Post(
        platform=PLATFORM,
        place=place_of(channel),
        thread=str(channel.id),
        message_id=str(message.id),
        author_id=str(message.author.id),
        author_name=message.author.display_name,
        author_is_bot=message.author.bot,
        text=message.content,
        permalink=link_to(message, web_base),
        created_at=message.created_at,
        is_edit=is_edit,
        parent_place=parent_of(channel),
    )


def embeds_from_dicts(embeds: Iterable[dict[str, Any]]) -> list[discord.Embed]:
    """discord.py embeds from the core's renderer output (`Embed.to_dict()` shape)."""
    return [discord.Embed.from_dict(embed) for embed in embeds]
