"""What the card buttons do: Remove (author of the cited message or a moderator) and Wrong match."""

from __future__ import annotations

from typing import Any

import discord

from bot.core.commands import Invocation, log_removal
from bot.discord_bot.convert import PLATFORM, link_to, place_of
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.permissions import is_moderator
from bot.discord_bot.replies import announce
from records.models import Post
from records.modlog import report_wrong_match

REMOVE_REFUSED = "Only the person whose message I answered, or a moderator, can remove this."
WRONG_THANKS = "Thanks: the atlas curators will check this match."


def post_for_interaction(interaction: discord.Interaction[Any]) -> Post:
    """The interaction as our `Post` (who acted, where), for the core's records."""
    channel_id = interaction.channel_id or 0
    channel = interaction.channel
    return Post(
        platform=PLATFORM,
        place=place_of(channel) if channel is not None else str(channel_id),
        thread=str(channel_id),
        message_id=str(interaction.id),
        author_id=str(interaction.user.id),
        author_name=interaction.user.display_name,
        author_is_bot=interaction.user.bot,
        text="",
        created_at=interaction.created_at,
    )


class CardActions:
    """The button callbacks' logic, given the bot and its dependencies."""

    def __init__(self, bot: discord.Client, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps

    async def remove(self, interaction: discord.Interaction[Any], author_id: int) -> None:
        """Delete the card message if the presser wrote the cited message or moderates."""
        moderator = is_moderator(
            interaction.user, interaction.permissions, self.deps.settings.discord.mod_roles
        )
        message = interaction.message
        if message is None or not (moderator or interaction.user.id == author_id):
            await interaction.response.send_message(REMOVE_REFUSED, ephemeral=True)
            return
        await interaction.response.send_message("Removed.", ephemeral=True)
        try:
            await message.delete()
        except discord.NotFound:
            return  # someone else removed it first
        invocation = Invocation(post_for_interaction(interaction), is_moderator=lambda: moderator)
        await self.deps.runner.call(log_removal, self.deps.service, invocation, str(message.id))
        who = "moderator" if moderator and interaction.user.id != author_id else "author"
        text = f"remove ({who}, button): deleted my reply {message.id}"
        await announce(self.bot, self.deps, invocation, text)

    async def wrong_match(self, interaction: discord.Interaction[Any], entry_id: str) -> None:
        """Record a wrong-match report for `entry_id` on this card message."""
        post = post_for_interaction(interaction)
        message = interaction.message
        reference = message.reference if message is not None else None
        await self.deps.runner.call(
            report_wrong_match,
            self.deps.service.db,
            platform=PLATFORM,
            place=post.place,
            message_id=str(reference.message_id) if reference and reference.message_id else None,
            reply_id=str(message.id) if message is not None else None,
            entry_id=entry_id,
            reporter_hash=self.deps.service.author_hash(post.author_id),
            permalink=link_to(message, self.deps.web_base) if message is not None else None,
        )
        await interaction.response.send_message(WRONG_THANKS, ephemeral=True)
