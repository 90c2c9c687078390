"""Sending cards as replies, exactly once: claim in the reply log, send, then confirm.

A failed send releases the claim so a later delivery can try again; a claim that another
delivery (or process) already won sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.core.render_discord import DiscordMessage
from bot.core.service import ReplyPlan
from bot.discord_bot.convert import embeds_from_dicts
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.views import card_buttons

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()


@dataclass(frozen=True)
class Sent:
    """The reply the bot sent (None: it stayed quiet) and the studies it carded."""

    reply: discord.Message | None
    entry_ids: tuple[str, ...] = ()


async def send_cards(
    target: discord.Message, rendered: DiscordMessage, entry_ids: Sequence[str]
) -> discord.Message:
    """Reply to `target` with the rendered cards and their buttons, pinging nobody."""
    view = card_buttons(target.author.id, entry_ids) if entry_ids else None
    return await target.reply(
        content=rendered.content or None,
        embeds=embeds_from_dicts(rendered.embeds),
        view=view or discord.utils.MISSING,
        allowed_mentions=NO_PINGS,
        mention_author=False,
    )


async def deliver(deps: DiscordDeps, target: discord.Message, plan: ReplyPlan) -> Sent:
    """Claim `plan` for its post, reply to `target`, and confirm (or release on failure)."""
    claimed = await deps.runner.call(deps.service.claim, plan)
    # The core returns a plan without studies when another delivery won them all.
    if claimed is None or not claimed.entry_ids:
        return Sent(None)
    try:
        sent = await send_cards(target, claimed.discord(), claimed.entry_ids)
    except discord.HTTPException:
        log.warning("could not reply to message %s; releasing it for a retry", target.id)
        await deps.runner.call(deps.service.release, claimed)
        raise
    await deps.runner.call(deps.service.confirm, claimed, str(sent.id))
    return Sent(sent, claimed.entry_ids)


async def post_mod_log(bot: discord.Client, deps: DiscordDeps, text: str) -> None:
    """Post a line to the configured mod-log channel; failures are logged, never raised."""
    channel_id = deps.settings.discord.mod_log_channel_id
    if channel_id is None:
        return
    try:
        channel = bot.get_channel(channel_id) or await bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("mod-log channel %s cannot hold messages", channel_id)
            return
        await channel.send(text[:2000], allowed_mentions=NO_PINGS)
    except discord.HTTPException as exc:
        log.warning("could not post to the mod-log channel %s: %s", channel_id, exc.status)
