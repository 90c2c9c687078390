"""`!evidence …` and `/evidence …` (hybrid commands) and the "Check evidence" context menu.

One hybrid command per entry of the core's list (`bot.core.subcommands`), each turning into
the text `!evidence <name> <argument>`, answered by the core's conversation (`answer_async`):
the rules (who may do what, argument checks, the mod-log, what each command does) live in
one place for every platform. This cog only says how Discord does each step (`talk`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from inspect import Parameter
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.commands import OFF_HERE, Name
from bot.core.conversation import FAILED_TEXT as FAILED_TEXT  # noqa: PLC0414 - re-exported
from bot.core.conversation_async import answer_async
from bot.core.subcommands import LOOKUP, SUBCOMMANDS, Subcommand
from bot.discord_bot.convert import post_from_message
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.permissions import is_moderator
from bot.discord_bot.replies import card_fields
from bot.discord_bot.talk import CommandTalk, DiscordConversation, answer
from bot.discord_bot.targets import referenced_id, split_target

log = logging.getLogger(__name__)

Ctx = commands.Context[Any]


def _callback(sub: Subcommand, *, typed: str) -> Callable[..., Awaitable[None]]:
    """The command function discord.py reads the subcommand from: its docstring, and its
    argument (one word, or the rest of the line) shown under the argument's own name.
    `typed` is the word put before the argument (none for the group's own lookup)."""
    arg = sub.argument

    async def bare(cog: EvidenceCommands, ctx: Ctx) -> None:
        await cog.run(ctx, typed, "")

    given: Any = commands.parameter(
        default=Parameter.empty if arg is None or arg.required else "",
        displayed_name=arg.name if arg is not None else "",
    )

    async def word(cog: EvidenceCommands, ctx: Ctx, argument: str = given) -> None:
        await cog.run(ctx, typed, argument)

    async def rest(cog: EvidenceCommands, ctx: Ctx, *, argument: str = given) -> None:
        await cog.run(ctx, typed, argument)

    run = bare if arg is None else rest if arg.rest else word
    if arg is not None:
        app_commands.rename(argument=arg.name)(run)
        app_commands.describe(argument=arg.help)(run)
    attribute = sub.name.value.replace("-", "_")
    run.__name__, run.__qualname__ = attribute, f"EvidenceCommands.{attribute}"
    run.__doc__ = sub.help
    return run


class EvidenceCommands(commands.Cog):
    """The `evidence` command group and the message context menu."""

    # discord.py types its decorators for pyright (mypy infers Never), hence `Any`.
    evidence: Any = commands.hybrid_group(
        name="evidence", fallback="lookup", invoke_without_command=True, case_insensitive=True
    )(_callback(LOOKUP, typed=""))  # type: ignore[arg-type]
    # Declared in the class body, where discord.py's cog machinery looks for commands.
    for _sub in SUBCOMMANDS:
        _run = _callback(_sub, typed=_sub.name.value)
        vars()[_run.__name__] = evidence.command(name=_sub.name.value)(_run)
    del _sub, _run

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

    async def cog_command_error(self, ctx: Ctx, error: Exception) -> None:
        """Wrong arguments get the usage; anything else a short apology (and a log line)."""
        if isinstance(error, commands.UserInputError):
            await answer(ctx, f"{error} Try {self.deps.command_word} help.", private=True)
            return
        log.error("command %s failed", ctx.command, exc_info=error)
        await answer(ctx, FAILED_TEXT, private=True)

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
        await interaction.response.send_message(**card_fields(plan), ephemeral=True)

    async def run(self, ctx: Ctx, name: str, argument: str) -> None:
        """Answer `!evidence <name> <argument>` through the core's conversation; `post` names
        the message it answers by reply or, at the end of its argument, by link or id."""
        target = None
        if name == Name.POST:
            argument, target = split_target(argument, self.deps.link_hosts)
        words = (self.deps.command_word, name, argument)
        text = " ".join(word for word in words if word).strip()
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
