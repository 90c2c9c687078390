"""Running `evidence` commands both ways, prefix and slash, and reading the answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.discord.conftest import Harness
from tests.discord.fake_discord import FakeUser
from tests.discord.fake_discord.server import EPHEMERAL


@dataclass(frozen=True)
class Answer:
    """What the bot showed for a command: texts, embeds, and whether only the caller saw it."""

    texts: list[str]
    embeds: list[dict[str, Any]]
    private: bool
    messages: list[dict[str, Any]]

    @property
    def text(self) -> str:
        """Every text, one per line."""
        return "\n".join(self.texts)


async def run_prefix(
    harness: Harness, user: FakeUser, channel_id: int, text: str, **kw: Any
) -> Answer:
    """Post `!evidence <text>` and wait for the bot's reply to it."""
    message = await harness.fake.post(channel_id, user, f"!evidence {text}".strip(), **kw)
    replies = await harness.fake.wait_for_reply(int(message["id"]))
    return Answer(
        texts=[r["content"] for r in replies],
        embeds=[e for r in replies for e in r["embeds"]],
        private=False,
        messages=replies,
    )


async def run_slash(
    harness: Harness, user: FakeUser, channel_id: int, subcommand: str, **options: Any
) -> Answer:
    """Use `/evidence <subcommand> option:value` and wait for the interaction's answer."""
    interaction = await harness.fake.slash(user, channel_id, subcommand, **options)
    await harness.fake.wait_answered(interaction)
    messages = interaction.messages()
    return Answer(
        texts=interaction.texts(),
        embeds=[e for m in messages for e in m["embeds"]],
        private=all(int(m.get("flags", 0)) & EPHEMERAL for m in messages),
        messages=messages,
    )
