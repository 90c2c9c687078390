"""Discord's side of the core conversation: its manners and wording, and the `AsyncTalk`s
`bot.core.conversation_async.answer_async` runs its steps through (replies with buttons,
private answers to slash commands, the mod-log channel, message links as targets).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import discord
from discord.ext import commands

from bot.core.commands import Invocation, SummonCards, Task
from bot.core.conversation import Audience, Dialogue
from bot.core.delivery import AsyncOutlet, Delivered, Delivery, SendFailed
from bot.core.service import Outcome, ReplyPlan
from bot.discord_bot.convert import PLATFORM, post_from_message
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.failures import describe_failure
from bot.discord_bot.replies import (
    NO_PINGS,
    SEND_FAILURES,
    MessageOutlet,
    Sent,
    announce,
    card_fields,
)
from bot.discord_bot.targets import split_target
from records.models import Post

log = logging.getLogger(__name__)

Ctx = commands.Context[Any]
NOT_FOUND_HERE = "I cannot find that message in this channel."
SUMMON_HELP = (
    "Reply to a message with {word} to card the studies it cites, or give a DOI, PMID, "
    "PMCID, link, slug or title words."
)


class DiscordConversation(Dialogue):
    """The core conversation with Discord's manners.

    Commands are never run late (a catch-up skips them), so a lookup is only shown, not
    claimed; a summons' cards answer the summoned message; a moderator's card is recorded
    for the message it answers. Messages are named by reply or by link.
    """

    NOT_MINE_TEXT = "That is not one of my messages."
    SUMMONS_OWN_POST = False
    CARDS_UNDER_TARGET = True
    CLAIMS_LOOKUPS = False
    POST_CLAIMS_TARGET = True

    def __init__(self, deps: DiscordDeps) -> None:
        super().__init__(deps.service, PLATFORM)
        self.deps = deps

    def missing_text(self, task: Task) -> str:
        """How to summon, or that the message is not in this channel."""
        if isinstance(task, SummonCards):
            return SUMMON_HELP.format(word=self.command_word)
        return NOT_FOUND_HERE

    def no_card_text(self, outcome: Outcome, target: Post) -> str | None:
        """The policy's reason, shown to the summoner alone."""
        return f"No card for that message: {outcome.decision.verdict.value}."

    def message_named(self, text: str) -> str | None:
        """A message link on Discord (or the configured server), or a message id."""
        _, found = split_target(text, self.deps.link_hosts)
        return str(found) if found is not None else None


class MessageTalk:
    """The steps for one message: replies to it (and to messages fetched from its channel)."""

    def __init__(self, deps: DiscordDeps, message: discord.Message, channel: Any = None) -> None:
        self.deps = deps
        self.channel: Any = channel if channel is not None else message.channel
        self.messages: dict[int, discord.Message] = {message.id: message}
        self.outlets: list[MessageOutlet] = []

    def outlet_for(self, to: Post, *, again: bool) -> AsyncOutlet:
        """A `MessageOutlet` replying to `to`; a moderator's card gets a fresh nonce."""
        target = self.messages[int(to.message_id)]
        outlet = MessageOutlet(target, self.deps.service.self_ids, fixed_nonce=not again)
        self.outlets.append(outlet)
        return outlet

    async def fetch_post(self, message_id: str) -> Post | None:
        """The message, from those at hand or the channel's (None: not found here)."""
        try:
            number = int(message_id)
            found = self.messages.get(number) or await self.channel.fetch_message(number)
        except (ValueError, discord.NotFound, discord.Forbidden):
            return None
        self.messages[found.id] = found
        return post_from_message(found, self.deps.web_base)

    async def delete(self, reply_id: str) -> None:
        """Delete the bot's message `reply_id` in this channel."""
        number = int(reply_id)
        message = self.messages.get(number) or self.channel.get_partial_message(number)
        try:
            await message.delete()
        except SEND_FAILURES as exc:
            reason = describe_failure(exc)
            log.warning("could not delete message %s (%s)", reply_id, reason)
            raise SendFailed(reason, final=True) from exc

    async def say(self, to: Post, text: str, audience: Audience) -> str | None:
        """Nothing: a message that is not a command gets no text answers."""
        return None

    async def announce(self, invocation: Invocation, text: str) -> None:
        """Nothing: only commands are announced."""

    def check_shutdown(self) -> None:
        """A reply cut off by the bot's shutdown cancels the caller (its claim is released)."""
        if any(outlet.shutting_down for outlet in self.outlets):
            raise asyncio.CancelledError("the bot is shutting down")

    def sent(self, delivery: Delivery | None) -> Sent:
        """What the watch reports for the message: the reply made, or why there is none."""
        if delivery is None:
            return Sent(None)
        outlet = self.outlets[-1]  # a delivery ran through it
        if delivery.status is Delivered.SENT and delivery.plan is not None:
            return Sent(outlet.sent, delivery.plan.entry_ids, delivery)
        refused = delivery.status is Delivered.GIVEN_UP
        return Sent(None, delivery=delivery, refusal=outlet.refusal if refused else None)


class ContextOutlet:
    """Cards shown in answer to the command itself (a lookup): for everyone, with buttons."""

    def __init__(self, ctx: Ctx) -> None:
        self.ctx = ctx

    async def send(self, to: Post, plan: ReplyPlan) -> str:
        """A reply to a prefix command, or the slash command's answer."""
        ctx = self.ctx
        sent = await ctx.send(
            **card_fields(plan, ctx.author.id),
            reference=ctx.message if ctx.interaction is None else None,  # type: ignore[arg-type]
            mention_author=False,
        )
        return str(sent.id)

    async def find_reply(self, to: Post) -> str | None:
        """Never asked: a lookup is not claimed."""
        return None


class CommandTalk(MessageTalk):
    """The steps for one command: answers to its context, the mod-log channel for changes."""

    def __init__(self, bot: discord.Client, deps: DiscordDeps, ctx: Ctx) -> None:
        super().__init__(deps, ctx.message, ctx.channel)
        self.bot = bot
        self.ctx = ctx
        reference = ctx.message.reference
        resolved = reference.resolved if reference is not None else None
        if isinstance(resolved, discord.Message):
            self.messages[resolved.id] = resolved

    def outlet_for(self, to: Post, *, again: bool) -> AsyncOutlet:
        """The command's own context for cards answering the command, else a reply."""
        if int(to.message_id) == self.ctx.message.id:
            return ContextOutlet(self.ctx)
        return super().outlet_for(to, again=again)

    async def say(self, to: Post, text: str, audience: Audience) -> str | None:
        """Private on slash unless for everyone; where the bot is off, only on slash."""
        self.check_shutdown()
        if audience is Audience.SILENT and self.ctx.interaction is None:
            return None
        sent = await answer(self.ctx, text, private=audience is not Audience.PUBLIC)
        return str(sent.id)

    async def announce(self, invocation: Invocation, text: str) -> None:
        """A line in the mod-log channel naming who did it where."""
        await announce(self.bot, self.deps, invocation, text)


async def answer(ctx: Ctx, text: str, *, private: bool) -> discord.Message:
    """A short answer: ephemeral on slash when `private`, a reply without pings otherwise."""
    if ctx.interaction is not None:
        return await ctx.send(text, ephemeral=private, allowed_mentions=NO_PINGS)
    return await ctx.reply(text, allowed_mentions=NO_PINGS, mention_author=False)
