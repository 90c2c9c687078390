"""`evidence-bot run discord`: the Discord bot process (Procfile `discord`)."""

from __future__ import annotations

import click

from bot.cli import bounds
from bot.cli.context import AppContext, pass_app
from bot.errors import DiscordStartupError
from records.wording import counted


@click.command("discord")
@click.option(
    "--sync-commands",
    is_flag=True,
    help="Upload the /evidence and 'Check evidence' commands to Discord, then exit.",
)
@click.option(
    "--guild",
    "guild_id",
    type=bounds.SNOWFLAKE,
    default=None,
    help="With --sync-commands: only this server (shows at once; global sync takes a while).",
)
@pass_app
def discord_cmd(app: AppContext, sync_commands: bool, guild_id: int | None) -> None:
    """Watch the server's channels, threads and forums and reply with evidence cards.

    Needs EVBOT_DISCORD__TOKEN and the Message Content intent (README: Discord setup). Slash
    commands are uploaded only with --sync-commands, once after install or upgrade.
    """
    # discord.py loads only for this command, and only bot/discord_bot imports it.
    from bot.discord_bot.main import run_discord, sync_discord_commands  # noqa: PLC0415

    if guild_id is not None and not sync_commands:
        raise click.UsageError("--guild only goes with --sync-commands.")
    settings = app.settings
    try:
        settings.discord.check(DiscordStartupError)
        if sync_commands:
            names = sync_discord_commands(settings, app.db, guild_id)
            where = f"server {guild_id}" if guild_id is not None else "all servers (global)"
            click.echo(
                f"Synced {counted(len(names), 'command')} to {where}: {', '.join(names)}.", err=True
            )
            return
        click.echo("Connecting to Discord; Ctrl-C stops.", err=True)
        run_discord(settings, app.db)
    except DiscordStartupError as exc:
        raise click.ClickException(str(exc)) from exc
