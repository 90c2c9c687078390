"""`!evidence …` and `/evidence …` (hybrid commands) and the "Check evidence" context menu.

Every subcommand turns into the text `!evidence <name> <argument>` and goes through the
core's `parse_command` and `execute`, so the rules (who may do what, argument checks, the
mod-log) live in one place for every platform. What only Discord can do (reply to a message,
delete the bot's reply, answer privately) happens here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.commands import (
    OFF_HERE,
    CommandResult,
    Invocation,
    Name,
    PostCards,
    RemoveReply,
    SummonCards,
    execute,
    log_removal,
    parse_command,
)
from bot.core.delivery import Delivered
from bot.discord_bot.convert import link_to, post_from_message
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.permissions import is_moderator
from bot.discord_bot.replies import NO_PINGS, Sent, deliver, post_mod_log, send_cards
from bot.discord_bot.targets import referenced_id, split_target
from bot.discord_bot.views import card_buttons

log = logging.getLogger(__name__)

Ctx = commands.Context[Any]
# Answers everyone in the channel should see; every other answer is private on slash.
PUBLIC_ANSWERS = frozenset({Name.LOOKUP, Name.HELP})
# Moderator commands that change something (and so go to the mod-log channel).
LOGGED_ACTIONS = frozenset(
    {Name.ON, Name.OFF, Name.SUMMON_ONLY, Name.COOLDOWN, Name.DESCRIPTIONS, Name.REFRESH}
)
NOT_FOUND_HERE = "I cannot find that message in this channel."
FAILED_TEXT = "Sorry, that did not work. The bot's log has the details."
SUMMON_HELP = (
    "Reply to a message with {word} to card the studies it cites, or give a DOI, PMID, "
    "PMCID, link, slug or title words."
)


class EvidenceCommands(commands.Cog):
    """The `evidence` command group and the message context menu."""

    def __init__(self, bot: commands.Bot, deps: DiscordDeps) -> None:
        self.bot = bot
        self.deps = deps
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
        await self._run(ctx, f"post {query}")

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
            await _answer(ctx, f"{error} Try {self.deps.command_word} help.", private=True)
            return
        log.error("command %s failed", ctx.command, exc_info=error)
        await _answer(ctx, FAILED_TEXT, private=True)

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
        rendered = plan.discord()
        await interaction.response.send_message(
            content=rendered.content or None,
            embeds=[discord.Embed.from_dict(embed) for embed in rendered.embeds],
            ephemeral=True,
            allowed_mentions=NO_PINGS,
        )

    # -- running a command -----------------------------------------------------------------

    async def _run(self, ctx: Ctx, arguments: str) -> None:
        word = self.deps.command_word
        argument_text, named_target = split_target(arguments, self.deps.link_hosts)
        command = parse_command(f"{word} {arguments}".strip(), word)
        if command is None:  # cannot happen: the text starts with the command word
            return
        if command.name is Name.POST:
            # `post <query> <message link>`: the link names the target, not the study.
            command = parse_command(f"{word} {argument_text}", word) or command
        moderator = is_moderator(ctx.author, ctx.permissions, self.deps.settings.discord.mod_roles)
        target = named_target if command.name is Name.POST else None
        target = target or referenced_id(ctx.message)
        invocation = Invocation(
            post=post_from_message(ctx.message, self.deps.web_base),
            is_moderator=lambda: moderator,
            target_id=str(target) if target else None,
        )
        result = await self.deps.runner.call(execute, self.deps.service, command, invocation)
        await self._finish(ctx, result, invocation)

    async def _finish(self, ctx: Ctx, result: CommandResult, invocation: Invocation) -> None:
        name = result.command.name
        task = result.task
        if result.silent:
            # The bot is off here: nothing in the channel; a slash command needs an answer.
            if ctx.interaction is not None:
                await _answer(ctx, result.text, private=True)
        elif not result.ok:
            await _answer(ctx, result.text, private=True)
        elif isinstance(task, SummonCards):
            await self._summon(ctx)
        elif isinstance(task, PostCards):
            await self._post_card(ctx, task, result, invocation)
        elif isinstance(task, RemoveReply):
            await self._remove(ctx, result, invocation)
        elif result.lookup is not None and result.plan is not None:
            await self._show_lookup(ctx, result)
        else:
            await _answer(ctx, result.text, private=name not in PUBLIC_ANSWERS)
        if result.ok and name in LOGGED_ACTIONS:
            await self._mod_log(invocation, f"{name.value}: {result.text}")

    async def _show_lookup(self, ctx: Ctx, result: CommandResult) -> None:
        """The card (or the list of candidates, or "not in the atlas") for everyone."""
        assert result.plan is not None
        rendered = result.plan.discord()
        entry_ids = result.plan.entry_ids
        await ctx.send(
            content=rendered.content or None,
            embeds=[discord.Embed.from_dict(embed) for embed in rendered.embeds],
            view=card_buttons(ctx.author.id, entry_ids) if entry_ids else discord.utils.MISSING,
            allowed_mentions=NO_PINGS,
            reference=ctx.message if ctx.interaction is None else None,  # type: ignore[arg-type]
            mention_author=False,
        )

    async def _summon(self, ctx: Ctx) -> None:
        target = await self._target_message(ctx, referenced_id(ctx.message))
        if target is None:
            await _answer(ctx, SUMMON_HELP.format(word=self.deps.command_word), private=True)
            return
        post = post_from_message(target, self.deps.web_base)
        outcome = await self.deps.runner.call(self.deps.service.evaluate, post, summoned=True)
        if outcome.plan is None:
            reason = outcome.decision.verdict.value
            await _answer(ctx, f"No card for that message: {reason}.", private=True)
            return
        async with self.deps.locks.hold(post.message_id):
            sent = await deliver(self.deps, target, outcome.plan)
        if _failed(sent):
            await _answer(ctx, FAILED_TEXT, private=True)
        elif sent.reply is None:
            await _answer(ctx, "That message has its cards already.", private=True)

    async def _post_card(
        self, ctx: Ctx, task: PostCards, result: CommandResult, invocation: Invocation
    ) -> None:
        target = await self._target_message(ctx, int(task.target_id))
        if target is None:
            await _answer(ctx, NOT_FOUND_HERE, private=True)
            return
        plan = replace(task.plan, post=post_from_message(target, self.deps.web_base))
        # A random nonce: a moderator may post a card again after removing the first one.
        sent = await deliver(self.deps, target, plan, fixed_nonce=False)
        if _failed(sent):
            await _answer(ctx, FAILED_TEXT, private=True)
            return
        if sent.delivery is not None and sent.delivery.status is Delivered.ALREADY:
            # A moderator's explicit request is sent even if the message was answered
            # before; only a fresh claim is recorded in the reply log.
            await send_cards(target, plan.discord(), plan.entry_ids)
        await _answer(ctx, result.text, private=True)
        studies = ", ".join(plan.entry_ids)
        await self._mod_log(
            invocation, f"post: {studies} in reply to {link_to(target, self.deps.web_base)}"
        )

    async def _remove(self, ctx: Ctx, result: CommandResult, invocation: Invocation) -> None:
        _, named = split_target(result.command.argument, self.deps.link_hosts)
        target_id = named or (int(invocation.target_id) if invocation.target_id else None)
        if result.command.argument and named is None:
            await _answer(ctx, "Give the link or id of my message.", private=True)
            return
        target = await self._target_message(ctx, target_id)
        if target is None:
            await _answer(ctx, NOT_FOUND_HERE, private=True)
            return
        if self.bot.user is None or target.author.id != self.bot.user.id:
            await _answer(ctx, "That is not one of my messages.", private=True)
            return
        await target.delete()
        await self.deps.runner.call(log_removal, self.deps.service, invocation, str(target.id))
        await _answer(ctx, result.text, private=True)
        await self._mod_log(invocation, f"remove: deleted my reply {target.id}")

    async def _target_message(self, ctx: Ctx, message_id: int | None) -> discord.Message | None:
        if message_id is None:
            return None
        resolved = ctx.message.reference.resolved if ctx.message.reference else None
        if isinstance(resolved, discord.Message) and resolved.id == message_id:
            return resolved
        try:
            return await ctx.channel.fetch_message(message_id)
        except (discord.NotFound, discord.Forbidden):
            return None

    async def _mod_log(self, invocation: Invocation, text: str) -> None:
        where = f"<#{invocation.post.place}>"
        await post_mod_log(self.bot, self.deps, f"{invocation.actor} in {where}: {text}")


def _failed(sent: Sent) -> bool:
    """True when the core's delivery neither answered nor found an answer already made."""
    delivery = sent.delivery
    return delivery is not None and not (delivery.answered or delivery.status is Delivered.ALREADY)


async def _answer(ctx: Ctx, text: str, *, private: bool) -> None:
    """A short answer: ephemeral on slash when `private`, a reply without pings otherwise."""
    if ctx.interaction is not None:
        await ctx.send(text, ephemeral=private, allowed_mentions=NO_PINGS)
    else:
        await ctx.reply(text, allowed_mentions=NO_PINGS, mention_author=False)
