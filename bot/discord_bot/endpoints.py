"""Pointing discord.py at the configured API and gateway (Discord or a compatible server).

discord.py keeps both addresses in class attributes (`discord.http.Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY`), so they are process-wide; the entry point sets them once,
before the bot logs in.
"""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.errors import DiscordStartupError
from config.settings import DiscordSettings

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def api_base(settings: DiscordSettings) -> str:
    """The API base URL without a trailing slash (discord.py appends `/users/@me` etc.)."""
    return str(settings.api_base_url).rstrip("/")


def web_base(settings: DiscordSettings) -> str:
    """The web address message links use: the API base's scheme and host (with its port).

    Discord's API at https://discord.com/api/v10 gives https://discord.com; a compatible
    server at http://127.0.0.1:8080/api/v10 gives http://127.0.0.1:8080.
    """
    url = yarl.URL(api_base(settings))
    return str(url.origin())


def web_host(settings: DiscordSettings) -> str:
    """The host (and port, when not the scheme's default) of `web_base`."""
    url = yarl.URL(api_base(settings))
    host = url.host or ""
    return f"{host}:{url.port}" if url.port and not url.is_default_port() else host


def message_link(base: str, guild_id: int | None, channel_id: int, message_id: int) -> str:
    """A message's link on the server at `base` (`@me` stands for a direct message)."""
    guild = guild_id if guild_id is not None else "@me"
    return f"{base}/channels/{guild}/{channel_id}/{message_id}"


def uses_discord_api(settings: DiscordSettings) -> bool:
    """Whether the bot talks to Discord itself rather than a compatible server."""
    return api_base(settings) == DISCORD_API_BASE


def apply_endpoints(settings: DiscordSettings) -> None:
    """Set the API base and, when configured, the gateway URL for every request that follows.

    Without a configured gateway, Discord's own is kept; for another API base the bot asks
    that server's `GET /gateway/bot` after logging in (`use_gateway`).
    """
    Route.BASE = api_base(settings)
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url or DISCORD_GATEWAY)


def use_gateway(url: str) -> None:
    """Connect to `url` (as returned by `GET /gateway/bot`) from now on."""
    DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)


def bot_token(settings: DiscordSettings) -> str:
    """The token, or an error naming the setting (`DiscordSettings.missing`; never the token)."""
    missing = settings.missing()
    if missing is not None or settings.token is None:
        raise DiscordStartupError(f"No Discord bot token: {missing}.")
    return settings.token.get_secret_value().strip()
