"""Pointing discord.py at the configured API and gateway (Discord or a compatible server).

discord.py keeps both addresses in class attributes (`discord.http.Route.BASE` and
`DiscordWebSocket.DEFAULT_GATEWAY`), so they are process-wide; the entry point sets them once,
before the bot logs in.
"""

from __future__ import annotations

import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from config.settings import DiscordSettings

DISCORD_API_BASE = "https://discord.com/api/v10"
DISCORD_GATEWAY = "wss://gateway.discord.gg/"


def api_base(settings: DiscordSettings) -> str:
    """The API base URL without a trailing slash (discord.py appends `/users/@me` etc.)."""
    return str(settings.api_base_url).rstrip("/")


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
