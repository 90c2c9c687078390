"""What the cogs and buttons share, built once by the entry point."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.service import EvidenceService
from bot.discord_bot.endpoints import web_base, web_host
from bot.runtime.core_runner import CoreRunner, KeyedLocks
from config.settings import Settings


@dataclass
class DiscordDeps:
    """The settings, the core service, the core's worker thread, and per-message locks."""

    settings: Settings
    service: EvidenceService
    runner: CoreRunner = field(default_factory=CoreRunner)
    locks: KeyedLocks = field(default_factory=KeyedLocks)
    # (channel id, reason) → when the mod-log channel was last told of such a refused reply.
    told_refusals: dict[tuple[int, str], float] = field(default_factory=dict)

    @property
    def command_word(self) -> str:
        """`!evidence` with the configured prefix."""
        return f"{self.settings.discord.prefix}evidence"

    @property
    def web_base(self) -> str:
        """Where message links point: the configured API base's web address."""
        return web_base(self.settings.discord)

    @property
    def link_hosts(self) -> tuple[str, ...]:
        """Hosts whose message links moderators may give: the configured server's."""
        return (web_host(self.settings.discord),)
