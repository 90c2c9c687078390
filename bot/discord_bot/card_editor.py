"""Editing posted cards on Discord: the refresh pass's `CardEditor` over discord.py.

The refresh pass is synchronous; discord.py is async. `DiscordCardEditor` runs each call
on the loop that owns the client (`bot.runtime.loop_bridge`) and waits for it, so the pass
runs in a worker thread of a running bot, or from the command line with a client that only
logs in over HTTP (`discord_editor`). Rate limits are discord.py's: it waits out
a 429 and the per-route buckets itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import aiohttp
import discord

from bot.core.refresh import carries
from bot.core.service import ReplyPlan
from bot.discord_bot.convert import embeds_from_dicts
from bot.discord_bot.endpoints import apply_endpoints, bot_token
from bot.discord_bot.failures import describe_failure
from bot.discord_bot.render import render_discord
from bot.errors import CardGone, EditClosed, LookupFailed, SendFailed
from bot.runtime.loop_bridge import CALL_TIMEOUT_SECONDS, LoopBridge, loop_in_thread
from config.settings import DiscordSettings
from records.posted_cards import PostedCard

NO_PINGS = discord.AllowedMentions.none()
NETWORK_FAILURES = (aiohttp.ClientError, asyncio.TimeoutError)
# How many messages after a card are searched for a retraction reply a stopped pass posted.
LOOK_BACK_MESSAGES = 100


class DiscordCardEditor:
    """Edits, reads and answers the bot's card messages through a logged-in client."""

    platform = "discord"

    def __init__(self, client: discord.Client, loop: asyncio.AbstractEventLoop) -> None:
        self._client = client
        self._run = LoopBridge(loop).run

    def _message(self, card: PostedCard) -> discord.PartialMessage:
        channel = self._client.get_partial_messageable(int(card.thread))
        return channel.get_partial_message(int(card.reply_id))

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        """PATCH /channels/{channel}/messages/{message} with the refreshed content and embeds
        (https://discord.com/developers/docs/resources/message#edit-message)."""
        rendered = render_discord(plan.reply)
        work = self._message(card).edit(
            content=rendered.content or None,
            embeds=embeds_from_dicts(rendered.embeds),
            allowed_mentions=NO_PINGS,
        )
        try:
            self._run(work)
        except discord.NotFound as exc:
            raise CardGone(describe_failure(exc)) from exc
        except discord.Forbidden as exc:
            # Missing access, or an archived or locked thread: the bot cannot edit it now.
            raise EditClosed(describe_failure(exc)) from exc
        except discord.HTTPException as exc:
            # A 4xx is refused as sent; after a 5xx the edit may have been made.
            raise SendFailed(describe_failure(exc), maybe_sent=exc.status >= 500) from exc
        except NETWORK_FAILURES as exc:
            raise SendFailed(f"no answer from Discord ({exc!r})", maybe_sent=True) from exc

    def shows(self, card: PostedCard, line: str) -> bool:
        """GET the message; whether its content or embeds carry `line`."""
        try:
            message = self._run(self._message(card).fetch())
        except discord.NotFound as exc:
            raise CardGone(describe_failure(exc)) from exc
        except (discord.HTTPException, *NETWORK_FAILURES) as exc:
            raise LookupFailed(str(exc)) from exc
        return carries(message_text(message), line)

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        """Reply to the card's message with `plan` (a retraction it can no longer show)."""
        rendered = render_discord(plan.reply)
        work = self._message(card).reply(
            content=rendered.content or None,
            embeds=embeds_from_dicts(rendered.embeds),
            allowed_mentions=NO_PINGS,
            mention_author=False,
        )
        try:
            sent = self._run(work)
        except discord.HTTPException as exc:
            raise SendFailed(describe_failure(exc), maybe_sent=exc.status >= 500) from exc
        except NETWORK_FAILURES as exc:
            raise SendFailed(f"no answer from Discord ({exc!r})", maybe_sent=True) from exc
        return str(sent.id)

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        """The bot's message replying to the card and carrying `line`, among the channel's
        messages after the card (GET /channels/{channel}/messages?after=), or None."""

        async def look() -> str | None:
            channel = self._client.get_partial_messageable(int(card.thread))
            after = discord.Object(int(card.reply_id))
            me = self._client.user.id if self._client.user is not None else None
            async for message in channel.history(limit=LOOK_BACK_MESSAGES, after=after):
                reference = message.reference
                to_card = reference is not None and reference.message_id == int(card.reply_id)
                if message.author.id == me and to_card and carries(message_text(message), line):
                    return str(message.id)
            return None

        try:
            found: str | None = self._run(look())
        except discord.NotFound as exc:
            raise CardGone(describe_failure(exc)) from exc
        except (discord.HTTPException, *NETWORK_FAILURES) as exc:
            raise LookupFailed(str(exc)) from exc
        return found


def message_text(message: discord.Message) -> str:
    """Everything a message shows as text: its content and its embeds' text."""
    parts = [message.content or ""]
    for embed in message.embeds:
        data: dict[str, Any] = dict(embed.to_dict())
        parts += [str(data.get("title", "")), str(data.get("description", ""))]
        parts += [f"{f.get('name', '')} {f.get('value', '')}" for f in data.get("fields", [])]
        parts.append(str(data.get("footer", {}).get("text", "")))
    return "\n".join(parts)


@contextmanager
def discord_editor(settings: DiscordSettings) -> Iterator[DiscordCardEditor]:
    """A `DiscordCardEditor` over a client logged in over HTTP only (no gateway), for the
    command line; its loop runs in a thread of its own until the block ends."""
    token = bot_token(settings)
    apply_endpoints(settings)
    with loop_in_thread("discord-editor") as loop:
        client = discord.Client(intents=discord.Intents.none())
        bridge = LoopBridge(loop, CALL_TIMEOUT_SECONDS)
        try:
            bridge.run(client.login(token))
            yield DiscordCardEditor(client, loop)
        finally:
            bridge.run(client.close())
