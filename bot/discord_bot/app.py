"""The entry point's building blocks: `build_bot` puts the bot together (intents, prefix,
sharding, cogs, persistent buttons); `run_bot` connects it and turns Discord's refusals into
`DiscordStartupError`s an operator can act on; `sync_commands` uploads the commands.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import discord
from discord.ext import commands

from bot.discord_bot import cursors
from bot.discord_bot.actions import CardActions
from bot.discord_bot.cogs.evidence import EvidenceCommands
from bot.discord_bot.cogs.refresh import RefreshCog
from bot.discord_bot.cogs.watch import WatchCog
from bot.discord_bot.deps import DiscordDeps
from bot.discord_bot.endpoints import apply_endpoints, use_gateway, uses_discord_api
from bot.discord_bot.endpoints import bot_token as bot_token  # noqa: PLC0414 - re-exported
from bot.discord_bot.failures import describe_failure
from bot.discord_bot.gateway_guard import guard_parsers
from bot.discord_bot.http_log import discord_http_trace
from bot.discord_bot.views import RemoveButton, WrongMatchButton
from bot.errors import DiscordStartupError as DiscordStartupError  # noqa: PLC0414 - tests import it here
from bot.runtime import reconnect
from config.settings import DiscordSettings
from records.wording import counted

log = logging.getLogger(__name__)

# Pauses (seconds) before connecting again after the connection broke on something
# discord.py does not handle itself; the last one repeats. A connection that lasted
# `STABLE_SECONDS` starts the sequence over.
RECONNECT_DELAYS = (1.0, 5.0, 15.0, 60.0, 300.0)
STABLE_SECONDS = 600.0

# How long closing waits for event handlers still running (they release the claims of replies
# that can no longer be sent) before the core thread stops.
HANDLER_GRACE_SECONDS = 5.0

PORTAL_HINT = (
    "Discord refused the Message Content intent. Enable it in the Developer Portal "
    "(https://discord.com/developers/applications → your app → Bot → Privileged Gateway "
    "Intents → Message Content Intent), then start the bot again."
)


def bot_intents() -> discord.Intents:
    """Guilds (channels, threads, roles), guild messages, and message content (privileged)."""
    return discord.Intents(guilds=True, guild_messages=True, message_content=True)


class _EvidenceBotMixin:
    """Shared by the plain and the sharded bot: dependencies, cogs, persistent buttons."""

    deps: DiscordDeps
    card_actions: CardActions

    def __init__(self, deps: DiscordDeps, **options: Any) -> None:
        """`options` go to the discord.py bot class the subclass pairs this with."""
        super().__init__(**options)
        bot: Any = self
        self.deps = deps
        self.card_actions = CardActions(bot, deps)
        guard_parsers(bot)

    async def setup_hook(self) -> None:
        """After login, before connecting: mark the first start, find the gateway, add cogs
        and buttons."""
        bot: Any = self
        # Before any message can arrive live: the first catch-up may run after some did.
        await self.deps.runner.call(cursors.mark_watching, self.deps.service.db)
        settings = self.deps.settings.discord
        if settings.gateway_url is None and not uses_discord_api(settings):
            # A Discord-compatible server names its own gateway, as Discord does.
            _, url, _ = await bot.http.get_bot_gateway()
            use_gateway(url)
        bot.add_dynamic_items(RemoveButton, WrongMatchButton)
        await bot.add_cog(WatchCog(bot, self.deps))
        await bot.add_cog(EvidenceCommands(bot, self.deps))
        await bot.add_cog(RefreshCog(bot, self.deps))

    async def close(self) -> None:
        """Disconnect, let running event handlers finish (a reply that can no longer be sent
        releases its claim, so the next start answers it), then stop the core thread."""
        await super().close()  # type: ignore[misc]
        await _wait_for_event_handlers(HANDLER_GRACE_SECONDS)
        self.deps.runner.close()


async def _wait_for_event_handlers(seconds: float) -> None:
    """Wait up to `seconds` for discord.py's event-handler tasks (named `discord.py: on_…`)."""
    current = asyncio.current_task()
    running = [
        task
        for task in asyncio.all_tasks()
        if task is not current and not task.done() and task.get_name().startswith("discord.py:")
    ]
    if running:
        _, pending = await asyncio.wait(running, timeout=seconds)
        if pending:
            log.warning("%s still running at shutdown", counted(len(pending), "event handler"))


class EvidenceBot(_EvidenceBotMixin, commands.Bot):
    """One gateway connection: enough for most communities."""


class ShardedEvidenceBot(_EvidenceBotMixin, commands.AutoShardedBot):
    """Several gateway connections (shards), for very large deployments."""


def build_bot(
    deps: DiscordDeps, *, guild_ready_timeout: float = 2.0
) -> EvidenceBot | ShardedEvidenceBot:
    """The configured bot (sharded when `discord.shard_count` is set), not yet connected.

    Also points discord.py at the configured API and gateway. `guild_ready_timeout` is how
    long discord.py waits for more guilds before `on_ready`.
    """
    settings = deps.settings.discord
    apply_endpoints(settings)
    options: dict[str, Any] = {
        "command_prefix": settings.prefix,
        "intents": bot_intents(),
        "allowed_mentions": discord.AllowedMentions.none(),
        "help_command": None,
        "case_insensitive": True,  # `!Evidence` works like `!evidence`, as in the core's parser
        "guild_ready_timeout": guild_ready_timeout,
        "http_trace": discord_http_trace(),  # a log line for each 5xx, retried or not
    }
    shards = shard_options(settings)
    if "shard_ids" not in shards:
        return EvidenceBot(deps, **options, **shards)
    return ShardedEvidenceBot(deps, **options, **shards)


def shard_options(settings: DiscordSettings) -> dict[str, Any]:
    """discord.py's sharding arguments for the settings (checked when they were read).

    One shard in this process (one process per shard, across machines) is a plain client
    with `shard_id` and `shard_count`; several, or all of them, an AutoShardedClient with
    `shard_ids` (https://discordpy.readthedocs.io/en/stable/api.html#discord.Client,
    https://discordpy.readthedocs.io/en/stable/api.html#discord.AutoShardedClient).
    """
    if settings.shard_count is None:
        return {}
    if len(settings.shard_ids) == 1:
        return {"shard_id": settings.shard_ids[0], "shard_count": settings.shard_count}
    return {"shard_count": settings.shard_count, "shard_ids": settings.shard_ids or None}


async def run_bot(bot: EvidenceBot | ShardedEvidenceBot, token: str) -> None:
    """Log in and stay connected until closed; refusals become `DiscordStartupError`."""
    try:
        async with bot:
            await bot.login(token)
            await stay_connected(bot)
    except discord.PrivilegedIntentsRequired:
        raise DiscordStartupError(PORTAL_HINT) from None
    except discord.LoginFailure:
        raise DiscordStartupError(
            "Discord rejected the bot token (EVBOT_DISCORD__TOKEN); reset it in the "
            "Developer Portal and update the setting."
        ) from None


async def stay_connected(bot: EvidenceBot | ShardedEvidenceBot) -> None:
    """`bot.connect()`, connected again (a new session, whose catch-up reads what was
    missed) when the connection ends on an exception discord.py does not handle, such as a
    frame that is not JSON; it reconnects by itself after network errors and Discord's
    closes. It ends once the bot is closed (a refused token, a fatal close code, shutdown)
    or the intents are refused; the sharded bot closes itself on such an exception.
    """

    async def close_old_socket() -> None:
        if bot.ws is not None:
            # The old socket is still open: close it, or Discord keeps two sessions.
            await bot.ws.close(code=4000)

    await reconnect.stay_connected(
        bot.connect,
        closed=bot.is_closed,
        fatal=(discord.PrivilegedIntentsRequired,),
        delays=RECONNECT_DELAYS,
        stable_seconds=STABLE_SECONDS,
        before_retry=close_old_socket,
        what="the gateway connection failed on something discord.py does not handle",
    )


async def sync_commands(
    bot: EvidenceBot | ShardedEvidenceBot, token: str, guild_id: int | None = None
) -> list[str]:
    """Upload the slash and context-menu commands (to one guild, or globally); return names.
    An explicit step, not part of every start: Discord rate-limits syncing
    (https://discordpy.readthedocs.io/en/stable/interactions/api.html#discord.app_commands.CommandTree.sync).
    """
    try:
        async with bot:
            await bot.login(token)
            guild = discord.Object(id=guild_id) if guild_id is not None else None
            if guild is not None:
                bot.tree.copy_global_to(guild=guild)
            synced: Sequence[discord.app_commands.AppCommand] = await bot.tree.sync(guild=guild)
    except discord.LoginFailure:
        raise DiscordStartupError(
            "Discord rejected the bot token (EVBOT_DISCORD__TOKEN)."
        ) from None
    except discord.HTTPException as exc:
        raise DiscordStartupError(sync_refusal(exc, guild_id)) from None
    return [command.name for command in synced]


def sync_refusal(exc: discord.HTTPException, guild_id: int | None) -> str:
    """What to tell an operator when Discord refuses the command upload.

    403 (50001 Missing Access) is what Discord answers when the bot was invited without the
    `applications.commands` scope, or (with --guild) is not in that server.
    """
    where = f"server {guild_id}" if guild_id is not None else "all servers"
    text = f"Discord refused the command upload to {where} ({describe_failure(exc)})."
    if exc.status == 403:
        text += (
            " Invite the bot again with the scopes bot and applications.commands "
            "(Developer Portal → OAuth2 → URL Generator)"
        )
        text += ", and check that it is in that server." if guild_id is not None else "."
    return text
