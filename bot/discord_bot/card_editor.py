"""Editing posted cards on Discord: the refresh pass's `CardEditor` over discord.py.

The synchronous pass runs each call on the client's loop (`bot.runtime.loop_bridge`), from a
worker thread of a running bot or from the command line with a client that only logs in over
HTTP (`discord_editor`). discord.py waits out 429s and the per-route buckets itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import aiohttp
import discord

from bot.core.refresh import carries
from bot.core.service import ReplyPlan
from bot.discord_bot.endpoints import apply_endpoints, bot_token
from bot.discord_bot.failures import describe_failure
from bot.discord_bot.replies import bot_reply, card_fields
from bot.errors import CardGone, EditClosed, LookupFailed, SendFailed
from bot.runtime.loop_bridge import CALL_TIMEOUT_SECONDS, LoopBridge, loop_in_thread
from config.settings import DiscordSettings
from records.posted_cards import PostedCard

T = TypeVar("T")
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

    def _write(self, work: Awaitable[T], *, editing: bool = False) -> T:
        try:
            return self._run(work)
        except discord.HTTPException as exc:
            if editing and isinstance(exc, discord.NotFound):
                raise CardGone(describe_failure(exc)) from exc
            if editing and isinstance(exc, discord.Forbidden):
                # Missing access, or an archived or locked thread: the bot cannot edit it now.
                raise EditClosed(describe_failure(exc)) from exc
            # A 4xx is refused as sent; after a 5xx the write may have been made.
            raise SendFailed(describe_failure(exc), maybe_sent=exc.status >= 500) from exc
        except NETWORK_FAILURES as exc:
            raise SendFailed(f"no answer from Discord ({exc!r})", maybe_sent=True) from exc

    def _read(self, work: Awaitable[T]) -> T:
        try:
            return self._run(work)
        except discord.NotFound as exc:
            raise CardGone(describe_failure(exc)) from exc
        except (discord.HTTPException, *NETWORK_FAILURES) as exc:
            raise LookupFailed(str(exc)) from exc

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        """PATCH /channels/{channel}/messages/{message} with the refreshed content and embeds
        (https://discord.com/developers/docs/resources/message#edit-message)."""
        self._write(self._message(card).edit(**card_fields(plan)), editing=True)

    def shows(self, card: PostedCard, line: str) -> bool:
        """GET the message; whether its content or embeds carry `line`."""
        message = self._read(self._message(card).fetch())
        return carries(message_text(message), line)

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        """Reply to the card's message with `plan` (a retraction it can no longer show)."""
        work = self._message(card).reply(**card_fields(plan), mention_author=False)
        return str(self._write(work).id)

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        """The bot's message replying to the card and carrying `line`, among the channel's
        messages after the card (GET /channels/{channel}/messages?after=), or None."""
        channel = self._client.get_partial_messageable(int(card.thread))
        me = self._client.user
        found = self._read(
            bot_reply(
                channel,
                int(card.reply_id),
                {str(me.id)} if me is not None else set(),
                LOOK_BACK_MESSAGES,
                lambda message: carries(message_text(message), line),
            )
        )
        return str(found.id) if found is not None else None


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
