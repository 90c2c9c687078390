"""Replies on Discord: the cards as a message, the outlet the core's `deliver_async` runs,
and telling moderators (mod-log channel and table) what they should know.

The reply's nonce is the core's `reply_key`, so when Discord made a reply whose answer was
lost (5xx, dropped connection), the retry gets that reply back instead of a second copy:
every failed send can be released, never "maybe sent".
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from secrets import randbits
from typing import Any

import aiohttp
import discord

from bot.core.commands import Invocation
from bot.core.delivery import Delivery, reply_key
from bot.core.service import ReplyPlan
from bot.discord_bot.convert import PLATFORM, embeds_from_dicts, link_to, place_of
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.failures import describe_failure, refused_for_good, target_gone
from bot.discord_bot.render import render_discord
from bot.discord_bot.views import card_buttons
from bot.errors import LookupFailed, SendFailed
from records.models import Post
from records.modlog import log_action

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
NONCE_LENGTH = 25  # Discord's limit for a string nonce
EARLIER_REPLY_SCAN = 50  # one page of GET /channels/{id}/messages?after=
REFUSAL_QUIET_SECONDS = 3600.0  # one mod-log channel line per refusal reason and channel

# A send that may or may not have reached Discord: an error answer, or no answer at all.
SEND_FAILURES: tuple[type[BaseException], ...] = (
    discord.HTTPException,
    aiohttp.ClientError,
    asyncio.TimeoutError,
)


def card_fields(plan: ReplyPlan, buttons_for: int | None = None) -> dict[str, Any]:
    """The message fields showing `plan`'s cards, pinging nobody; with their buttons when
    `buttons_for` names the author of the message they answer (who may remove them)."""
    rendered = render_discord(plan.reply)
    fields: dict[str, Any] = {
        "content": rendered.content or None,
        "embeds": embeds_from_dicts(rendered.embeds),
        "allowed_mentions": NO_PINGS,
    }
    if buttons_for is not None:
        # MISSING, not None: a message without buttons is sent without `components`.
        entry_ids = plan.entry_ids
        fields["view"] = (
            card_buttons(buttons_for, entry_ids) if entry_ids else discord.utils.MISSING
        )
    return fields


@dataclass(frozen=True)
class Sent:
    """The reply the bot sent (None: it stayed quiet), the studies it carded, and how the
    core's delivery ended (None: nothing was to be sent)."""

    reply: discord.Message | None
    entry_ids: tuple[str, ...] = ()
    delivery: Delivery | None = None
    # Why Discord refused the reply for good where moderators can act (no permission, a
    # rejected field), to tell them; None otherwise (sent, retried, or the message is gone).
    refusal: str | None = None


class MessageOutlet:
    """The core's async outlet for replies to one Discord message.

    `fixed_nonce` False (a moderator's card that may repeat one) sends with a fresh nonce.
    """

    def __init__(
        self, message: discord.Message, self_ids: Collection[str], *, fixed_nonce: bool = True
    ) -> None:
        self.message = message
        self.self_ids = self_ids
        self.fixed_nonce = fixed_nonce
        self.sent: discord.Message | None = None
        self.shutting_down = False
        self.refusal: str | None = None

    async def send(self, to: Post, plan: ReplyPlan) -> str:
        """Reply to the message with `plan`'s cards; failures become `SendFailed`."""
        target = self.message
        # Discord returns the message already made for a recently used nonce (`enforce_nonce`,
        # https://discord.com/developers/docs/resources/message#create-message). Without a
        # nonce of ours, a fresh random one per send (what discord.py picks).
        key = reply_key(str(target.id), plan.entry_ids)[:NONCE_LENGTH]
        nonce = key if self.fixed_nonce else randbits(64)
        try:
            self.sent = await target.reply(
                **card_fields(plan, target.author.id), mention_author=False, nonce=nonce
            )
        except SEND_FAILURES as exc:
            reason = describe_failure(exc)
            log.warning("could not reply to message %s (%s); releasing it", target.id, reason)
            final = refused_for_good(exc)
            if final and not target_gone(exc):
                self.refusal = reason
            raise SendFailed(reason, final=final) from exc
        except RuntimeError as exc:
            # aiohttp's "Session is closed": the bot is shutting down (SIGTERM on a deploy)
            # while this reply waited its turn. Released, so the next process can answer.
            log.warning(
                "could not reply to message %s: the bot is shutting down (%s); releasing it",
                target.id,
                exc,
            )
            self.shutting_down = True
            raise SendFailed(f"the bot is shutting down ({exc})") from exc
        return str(self.sent.id)

    async def find_reply(self, to: Post) -> str | None:
        """The bot's reply among the messages after this one (a killed process's), or None."""
        try:
            earlier = await bot_reply(
                self.message.channel, self.message.id, self.self_ids, EARLIER_REPLY_SCAN
            )
        except SEND_FAILURES as exc:
            raise LookupFailed(describe_failure(exc)) from exc  # the core logs it
        return str(earlier.id) if earlier is not None else None


async def bot_reply(
    channel: discord.abc.Messageable,
    message_id: int,
    self_ids: Collection[str],
    limit: int,
    accept: Callable[[discord.Message], bool] = lambda message: True,
) -> discord.Message | None:
    """The bot's first reply to message `message_id` that `accept`s, among the next `limit`
    messages of `channel` (replies come soon after what they answer), or None."""
    async for message in channel.history(after=discord.Object(message_id), limit=limit):
        reference = message.reference
        to_it = reference is not None and reference.message_id == message_id
        if to_it and str(message.author.id) in self_ids and accept(message):
            return message
    return None


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
        log.warning(
            "could not post to the mod-log channel %s (%s)", channel_id, describe_failure(exc)
        )


async def announce(
    bot: discord.Client, deps: DiscordDeps, invocation: Invocation, text: str
) -> None:
    """A line in the mod-log channel naming who did what where."""
    where = f"<#{invocation.post.place}>"
    await post_mod_log(bot, deps, f"{invocation.actor} in {where}: {text}")


async def report_refusal(
    bot: discord.Client, deps: DiscordDeps, message: discord.Message, reason: str
) -> None:
    """Tell moderators that Discord refused the reply to `message` for good, and why: a line
    in the mod-log table, and in the mod-log channel when one is set.

    A channel where the bot may read but not write refuses every reply the same way, and a
    catch-up can meet dozens at once: the mod-log channel hears of one reason in one channel
    once per `REFUSAL_QUIET_SECONDS`; the table records every message.
    """
    link = link_to(message, deps.web_base)
    log.warning("message %s was not answered: %s", message.id, reason)
    await deps.runner.call(
        log_action,
        deps.service.db,
        platform=PLATFORM,
        place=place_of(message.channel),
        actor=bot.user.name if bot.user is not None else "evidence-bot",
        action="reply refused",
        target=str(message.id),
        detail=f"{reason} ({link})",
    )
    key = (message.channel.id, reason)
    now = time.monotonic()
    told = deps.told_refusals.get(key)
    if told is not None and now - told < REFUSAL_QUIET_SECONDS:
        return
    deps.told_refusals[key] = now
    await post_mod_log(
        bot,
        deps,
        f"Could not answer {link} in <#{message.channel.id}>: Discord refused ({reason}). "
        "Further refusals like this here within the hour are in the mod-log table only.",
    )
