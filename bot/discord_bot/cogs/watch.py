"""Watching guild messages and edits: convert → core → render → reply.

After each message it handled, the cog dispatches `evidence_handled(message_id, reply)` so
that operators' extensions (and the tests) can follow what the bot did without polling.
"""

from __future__ import annotations

import logging

import discord
from discord.ext import commands

from bot.discord_bot.convert import post_from_message
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.replies import SEND_FAILURES, Sent, deliver, describe_failure

log = logging.getLogger(__name__)


class WatchCog(commands.Cog):
    """Answers messages (in text channels, threads and forum posts) that cite atlas studies."""

    def __init__(self, bot: commands.Bot, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps

    @commands.Cog.listener()
    async def on_ready(self) -> None:
        """Tell the core the bot's own id, so it never answers itself."""
        if self.bot.user is not None:
            self.deps.service.add_self_id(str(self.bot.user.id))
            log.info("connected as %s to %d server(s)", self.bot.user, len(self.bot.guilds))

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A new message: answer it if the core says so; commands are left to the commands."""
        if message.guild is None:  # direct messages are not watched
            self._report(message.id, Sent(None))
            return
        context = await self.bot.get_context(message)
        if context.valid:
            return
        await self._handle(message, is_edit=False)

    @commands.Cog.listener()
    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        """An edit (cached or not, so edits after a restart count): card new studies only."""
        message = payload.message
        # Link previews arrive as updates without an edit time; only real edits count.
        if message.guild is None or message.edited_at is None:
            self._report(message.id, Sent(None))
            return
        await self._handle(message, is_edit=True)

    async def _handle(self, message: discord.Message, *, is_edit: bool) -> None:
        post = post_from_message(message, self.deps.web_base, is_edit=is_edit)
        sent = Sent(None)
        try:
            # One message at a time: a duplicate delivery waits, then finds the reply logged.
            async with self.deps.locks.hold(post.message_id):
                plan = await self.deps.runner.call(self.deps.service.handle_post, post)
                if plan is not None:
                    sent = await deliver(self.deps, message, plan)
        except SEND_FAILURES as exc:  # an error answer or none at all (dropped, timed out)
            log.warning("reply to message %s failed (%s)", message.id, describe_failure(exc))
        finally:
            self._report(message.id, sent)

    def _report(self, message_id: int, sent: Sent) -> None:
        """Dispatch `evidence_handled`, unless the bot closed meanwhile (no loop to run it)."""
        if not self.bot.is_closed():
            self.bot.dispatch("evidence_handled", message_id, sent)
