"""Sending cards as replies, exactly once, through the core's delivery sequence.

The core's `deliver_async` (claim in the reply log, send, confirm; release on failure; take
over a dead process's claim) runs over a `MessageOutlet` (see `talk`). The reply's nonce is
derived from the message and its studies, so when Discord made a reply whose answer was lost
(5xx, dropped connection), the retry after a later delivery gets that reply back instead of
a second copy.
A claim left by a killed process is taken over after the lease; the outlet looks for that
process's reply in the channel, and the core confirms it if it is there.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import secrets
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import aiohttp
import discord

from bot.core.delivery import Delivery
from bot.core.service import ReplyPlan
from bot.discord_bot.convert import PLATFORM, embeds_from_dicts, link_to, place_of
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.failures import describe_failure, target_gone
from bot.discord_bot.render import DiscordMessage, render_discord
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


def reply_nonce(message_id: int, entry_ids: Sequence[str]) -> str:
    """The same nonce for every attempt to card these studies under this message.

    Discord returns the message already made for a recently used nonce (`enforce_nonce`,
    https://discord.com/developers/docs/resources/message#create-message), so a resend after
    a lost answer does not post twice; an edit carding other studies gets another nonce.
    """
    key = f"{message_id}:{','.join(entry_ids)}".encode()
    return hashlib.sha256(key).hexdigest()[:NONCE_LENGTH]


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

    @property
    def retry(self) -> bool:
        """True when the message is not finished: its reply should be tried again later."""
        return self.delivery is not None and self.delivery.retry


async def send_cards(
    target: discord.Message,
    rendered: DiscordMessage,
    entry_ids: Sequence[str],
    *,
    nonce: str | None = None,
) -> discord.Message:
    """Reply to `target` with the rendered cards and their buttons, pinging nobody.

    `nonce` (see `reply_nonce`) makes repeated sends of the same reply return the first one.
    """
    view = card_buttons(target.author.id, entry_ids) if entry_ids else None
    return await target.reply(
        content=rendered.content or None,
        embeds=embeds_from_dicts(rendered.embeds),
        view=view or discord.utils.MISSING,
        allowed_mentions=NO_PINGS,
        mention_author=False,
        # Without a nonce of ours, a fresh random one per send (what discord.py picks).
        nonce=nonce if nonce is not None else secrets.randbits(64),
    )


class MessageOutlet:
    """The core's async outlet for replies to one Discord message (`deliver_async` runs it).

    `send` uses the deterministic nonce (`reply_nonce`) unless `fixed_nonce` is False: a
    resend after a lost answer then returns the first reply, so every failed send can be
    released (never `maybe_sent`). `find_reply` looks in the channel's history for the reply
    of a process killed before confirming.
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
        nonce = reply_nonce(target.id, plan.entry_ids) if self.fixed_nonce else None
        try:
            self.sent = await send_cards(
                target, render_discord(plan.reply), plan.entry_ids, nonce=nonce
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
        """The id of the bot's reply among the messages after this one, or None."""
        try:
            earlier = await find_earlier_reply(self.message, self.self_ids)
        except SEND_FAILURES as exc:
            reason = describe_failure(exc)
            log.warning(
                "could not read the messages after %s (%s) to look for an earlier reply",
                self.message.id,
                reason,
            )
            raise LookupFailed(reason) from exc
        return str(earlier.id) if earlier is not None else None


def refused_for_good(exc: BaseException) -> bool:
    """A 4xx other than 429: Discord will refuse the same reply again."""
    return isinstance(exc, discord.HTTPException) and 400 <= exc.status < 500 and exc.status != 429


async def find_earlier_reply(
    target: discord.Message, self_ids: Collection[str]
) -> discord.Message | None:
    """The bot's reply to `target` among the next messages in its channel, or None.

    A process killed after claiming `target` may have sent its reply before dying; the
    claim's new owner confirms that reply instead of sending another. Replies come soon
    after the message they answer, so the first `EARLIER_REPLY_SCAN` messages suffice.
    """
    async for message in target.channel.history(after=target, limit=EARLIER_REPLY_SCAN):
        reference = message.reference
        if (
            str(message.author.id) in self_ids
            and reference is not None
            and reference.message_id == target.id
        ):
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
