"""Watching guild messages and edits: convert → core → render → reply; and catching up.

After each message it handled, the cog dispatches `evidence_handled(message_id, reply)` so
that operators' extensions (and the tests) can follow what the bot did without polling;
after each catch-up (see `catch_up`), `evidence_caught_up(report)`.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.core.conversation_async import answer_async
from bot.discord_bot.catch_up import DiscordSource
from bot.discord_bot.convert import post_from_message
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.failures import describe_failure, exception_summary
from bot.discord_bot.gateway_guard import UNREAD_MESSAGE_EVENT
from bot.discord_bot.replies import SEND_FAILURES, Sent, report_refusal
from bot.discord_bot.shards import shards_line
from bot.discord_bot.talk import DiscordConversation, MessageTalk
from bot.runtime.catch_up import CatchUp
from bot.runtime.progress import Progress
from records.wording import counted

log = logging.getLogger(__name__)


class WatchCog(commands.Cog):
    """Answers messages (in text channels, threads and forum posts) that cite atlas studies."""

    def __init__(self, bot: commands.Bot, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps
        self.conversation = DiscordConversation(deps)
        self.source = DiscordSource(bot, deps)
        self.catch_up = CatchUp(self.source, lambda: deps.settings.reply, Progress(), self._missed)

    async def cog_unload(self) -> None:
        """Stop waiting to look at other processes' claims again."""
        self.catch_up.cancel()

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Tell the core the bot's own id (it never answers itself), then catch up."""
        if self.bot.user is not None:
            self.deps.service.add_self_id(str(self.bot.user.id))
            log.info(
                "connected as %s to %s%s",
                self.bot.user,
                counted(len(self.bot.guilds), "server"),
                shards_line(self.deps.settings.discord),
            )
        await self.catch_up.run("ready")

    @commands.Cog.listener()
    async def on_resumed(self) -> None:
        """A resumed session: read what its replay may not have covered."""
        await self.catch_up.run("resumed")

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A new message: answer it if the core says so; commands are left to the commands."""
        if message.guild is None:  # direct messages are not watched
            self._report(message.id, Sent(None))
            return
        await self._take(message, is_edit=False)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit (cached or not, so edits after a restart count): card new studies only."""
        message = payload.message
        if message.guild is None or not is_real_edit(payload):
            self._report(message.id, Sent(None))
            return
        await self._handle(message, is_edit=True, tracked=False)

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        """A thread opened while the bot runs is watched at once: joined (so Discord counts
        the bot as a member and keeps it informed), and remembered, so a catch-up reads it
        even if it is archived before anyone posts again."""
        # A thread's first message shares its id: "handled up to just before it".
        await self.source.advance(thread.id, thread.id - 1)
        if thread.me is None and not thread.archived and not thread.is_private():
            try:
                await thread.join()
            except SEND_FAILURES as exc:
                log.warning("could not join thread %s (%s)", thread.id, describe_failure(exc))

    @commands.Cog.listener(f"on_{UNREAD_MESSAGE_EVENT}")
    async def on_unread_message(self, channel_id: int, message_id: int) -> None:
        """A message event discord.py could not read (see `gateway_guard`): read the message
        through the HTTP API, whose shape may differ, and handle it as a missed one."""
        try:
            message = await self.source.fetch_message(channel_id, message_id)
        except Exception as exc:
            log.error(
                "message %s cannot be read through the API either (%s); skipped",
                message_id,
                exception_summary(exc),
            )
            return
        if message is not None:
            await self._missed(message)

    async def _missed(self, message: discord.Message) -> bool:
        """A message read by a catch-up, handled like a live one (an edited one as an edit,
        so studies added while the bot was away are carded); whether a reply was sent."""
        if self.bot.user is not None and message.author.id == self.bot.user.id:
            return False
        sent = await self._take(message, is_edit=message.edited_at is not None)
        return sent.reply is not None

    async def _take(self, message: discord.Message, *, is_edit: bool) -> Sent:
        """Take the message on in the ledger; a command is left to the commands (and not
        run late by a catch-up), anything else is handled."""
        self.catch_up.progress.begin(message.channel.id, message.id)
        context = await self.bot.get_context(message)
        if context.valid:
            await self.catch_up.finished(message.channel.id, message.id, handled=True)
            return Sent(None)
        return await self._handle(message, is_edit=is_edit)

    async def _handle(
        self, message: discord.Message, *, is_edit: bool, tracked: bool = True
    ) -> Sent:
        post = post_from_message(message, self.deps.web_base, is_edit=is_edit)
        talk = MessageTalk(self.deps, message)
        sent = Sent(None)
        handled = False
        try:
            # The core's conversation, commands left to the commands; it holds the message's
            # lock, so a duplicate delivery waits, then finds the reply logged.
            outcome = await answer_async(
                self.conversation,
                post,
                talk=talk,
                call=self.deps.runner.call,
                is_moderator=lambda: False,
                commands=False,
                hold=self.deps.locks.hold,
            )
            talk.check_shutdown()
            sent = talk.sent(outcome.delivery)
            if sent.refusal is not None:
                await report_refusal(self.bot, self.deps, message, sent.refusal)
            # Released (or possibly sent) replies are read again by the next catch-up; one
            # Discord refused for good (no permission, unknown channel) is finished; one
            # another delivery is answering (its claim inside the lease) is looked at again.
            handled = not outcome.retry
        finally:
            if tracked:
                await self.catch_up.finished(message.channel.id, message.id, handled=handled)
            self._report(message.id, sent)
        return sent

    def _report(self, message_id: int, sent: Sent) -> None:
        """Dispatch `evidence_handled`, unless the bot closed meanwhile (no loop to run it)."""
        if not self.bot.is_closed():
            self.bot.dispatch("evidence_handled", message_id, sent)


def is_real_edit(payload: discord.RawMessageUpdateEvent) -> bool:
    """Whether a MESSAGE_UPDATE is an edit by its author.

    Discord also sends MESSAGE_UPDATE when it adds link previews (embeds) to a message; such
    an update keeps `edited_timestamp` as it was: null for a message never edited, else the
    time of the last real edit (which the cached copy shows).
    """
    edited = payload.message.edited_at
    if edited is None:
        return False
    cached = payload.cached_message
    return cached is None or cached.edited_at != edited
