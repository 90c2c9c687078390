"""`!evidence …` and `/evidence …` (hybrid commands) and the "Check evidence" context menu.

Every subcommand turns into the text `!evidence <name> <argument>` and is answered by the
core's conversation (`answer_async`), so the rules (who may do what, argument checks, the
mod-log, what each command does) live in one place for every platform. This cog only
declares the commands to discord.py and says how Discord does each step (`talk`).
"""

from __future__ import annotations

import logging
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.commands import OFF_HERE
from bot.core.conversation import FAILED_TEXT as FAILED_TEXT  # noqa: PLC0414 - re-exported
from bot.core.conversation_async import answer_async
from bot.discord_bot.convert import post_from_message
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.permissions import is_moderator
from bot.discord_bot.render import render_discord
from bot.discord_bot.replies import NO_PINGS
from bot.discord_bot.talk import CommandTalk, DiscordConversation, answer
from bot.discord_bot.targets import referenced_id, split_target

log = logging.getLogger(__name__)

Ctx = commands.Context[Any]


class EvidenceCommands(commands.Cog):
    """The `evidence` command group and the message context menu."""

    def __init__(self, bot: commands.Bot, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps
        self.conversation = DiscordConversation(deps)
        self.menu = app_commands.ContextMenu(name="Check evidence", callback=self.check_evidence)

    async def cog_load(self) -> None:
        """Register the context menu with the command tree (synced only on request)."""
        self.bot.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        """Take the context menu away again."""
        self.bot.tree.remove_command(self.menu.name, type=self.menu.type)

    # -- the commands ----------------------------------------------------------------------

    # discord.py types its decorators for pyright; mypy infers Never, hence the ignores.
    @commands.hybrid_group(  # type: ignore[arg-type]
        name="evidence", fallback="lookup", invoke_without_command=True, case_insensitive=True
    )
    @app_commands.describe(query="A DOI, PMID, PMCID, atlas or PubMed link, slug or title words")
    async def evidence(self, ctx: Ctx, *, query: str = "") -> None:
        """Show a study's atlas card; bare (in reply to a message), card what it cites."""
        await self._run(ctx, query)

    @evidence.command(name="optout")  # type: ignore[arg-type]
    async def optout(self, ctx: Ctx) -> None:
        """Stop automatic replies to your posts."""
        await self._run(ctx, "optout")

    @evidence.command(name="optin")  # type: ignore[arg-type]
    async def optin(self, ctx: Ctx) -> None:
        """Resume automatic replies to your posts."""
        await self._run(ctx, "optin")

    @evidence.command(name="post")  # type: ignore[arg-type]
    @app_commands.describe(query="The study, then the link or id of the message to answer")
    async def post(self, ctx: Ctx, *, query: str) -> None:
        """Moderators: post a study's card in reply to a message."""
        # `post <query> <message link>`: the link names the target, not the study.
        study, target = split_target(query, self.deps.link_hosts)
        await self._run(ctx, f"post {study}", target=target)

    @evidence.command(name="on")  # type: ignore[arg-type]
    async def mode_on(self, ctx: Ctx) -> None:
        """Moderators: answer posts citing studies in this channel or thread."""
        await self._run(ctx, "on")

    @evidence.command(name="off")  # type: ignore[arg-type]
    async def mode_off(self, ctx: Ctx) -> None:
        """Moderators: stay quiet in this channel or thread."""
        await self._run(ctx, "off")

    @evidence.command(name="summon-only")  # type: ignore[arg-type]
    async def mode_summon_only(self, ctx: Ctx) -> None:
        """Moderators: answer here only when someone asks with the command."""
        await self._run(ctx, "summon-only")

    @evidence.command(name="cooldown")  # type: ignore[arg-type]
    @app_commands.describe(hours="Hours before the same study is carded again in a thread")
    async def cooldown(self, ctx: Ctx, hours: str) -> None:
        """Moderators: set how often a study may be carded per thread here."""
        await self._run(ctx, f"cooldown {hours}")

    @evidence.command(name="descriptions")  # type: ignore[arg-type]
    @app_commands.describe(how="card, suggest or off")
    async def descriptions(self, ctx: Ctx, how: str) -> None:
        """Moderators: how to answer a study a post only describes (card, suggest, off)."""
        await self._run(ctx, f"descriptions {how}")

    @evidence.command(name="refresh")  # type: ignore[arg-type]
    @app_commands.describe(state="on or off")
    async def refresh(self, ctx: Ctx, state: str) -> None:
        """Moderators: edit posted cards here when their study changes (on) or not (off)."""
        await self._run(ctx, f"refresh {state}")

    @evidence.command(name="remove")  # type: ignore[arg-type]
    @app_commands.describe(message="The link or id of my reply (or reply to it with the command)")
    async def remove(self, ctx: Ctx, message: str = "") -> None:
        """Moderators: delete one of the bot's replies."""
        await self._run(ctx, f"remove {message}")

    @evidence.command(name="unmatched")  # type: ignore[arg-type]
    @app_commands.describe(count="How many papers to list (1-25)")
    async def unmatched(self, ctx: Ctx, count: str = "") -> None:
        """Moderators: the most-mentioned papers seen here that the atlas lacks."""
        await self._run(ctx, f"unmatched {count}")

    @evidence.command(name="stats")  # type: ignore[arg-type]
    async def stats(self, ctx: Ctx) -> None:
        """Moderators: this place's mode, cooldown and reply counts."""
        await self._run(ctx, "stats")

    async def cog_command_error(self, ctx: Ctx, error: Exception) -> None:
        """Wrong arguments get the usage; anything else a short apology (and a log line)."""
        if isinstance(error, commands.UserInputError):
            await answer(ctx, f"{error} Try {self.deps.command_word} help.", private=True)
            return
        log.error("command %s failed", ctx.command, exc_info=error)
        await answer(ctx, FAILED_TEXT, private=True)

    # -- the context menu ------------------------------------------------------------------

    async def check_evidence(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        """Privately show the cards of every atlas study the message cites.

        The message arrives with the interaction, content included, so this works even
        where the bot cannot read messages (no Message Content intent).
        """
        post = post_from_message(message, self.deps.web_base)
        service = self.deps.service
        plan = await self.deps.runner.call(service.preview, post)
        if plan is None:
            off = await self.deps.runner.call(service.is_off, post)
            text = OFF_HERE if off else "I found no atlas study in that message."
            await interaction.response.send_message(text, ephemeral=True)
            return
        rendered = render_discord(plan.reply)
        await interaction.response.send_message(
            content=rendered.content or None,
            embeds=[discord.Embed.from_dict(embed) for embed in rendered.embeds],
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    # -- running a command ----------------------------------------------------------------

    async def _run(self, ctx: Ctx, arguments: str, target: int | None = None) -> None:
        """Answer the command through the core's conversation (`target`: a named message)."""
        text = f"{self.deps.command_word} {arguments}".strip()
        post = post_from_message(ctx.message, self.deps.web_base).model_copy(update={"text": text})
        moderator = is_moderator(ctx.author, ctx.permissions, self.deps.settings.discord.mod_roles)
        replying_to = target or referenced_id(ctx.message)
        await answer_async(
            self.conversation,
            post,
            talk=CommandTalk(self.bot, self.deps, ctx),
            call=self.deps.runner.call,
            is_moderator=lambda: moderator,
            replying_to=str(replying_to) if replying_to else None,
            hold=self.deps.locks.hold,
        )
