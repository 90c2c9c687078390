"""DiscordChatExporter's JSON export (Tyrrrz/DiscordChatExporter, `ExportFormat.Json`).

One channel a file: `{"guild": {"id", "name"}, "channel": {"id", "name", "category", ...},
"dateRange", "exportedAt", "messages": [{"id", "type", "timestamp" (ISO 8601 with offset),
"timestampEdited", "content", "author": {"id", "name", "nickname", "isBot", ...},
"attachments", "embeds", "reference", ...}], "messageCount"}` (the exporter's
JsonMessageWriter). Messages by bots are left out: the census counts what members cite,
not the cards bots (this one included) post.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

DISCORD_WEB = "https://discord.com/channels"


def is_export(document: Any) -> bool:
    """Whether a JSON document is a DiscordChatExporter channel export."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("messages"), list)
        and isinstance(document.get("channel"), dict)
    )


def export_posts(document: dict[str, Any]) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each member's message as a post (numbered by its place in the export)."""
    guild = document.get("guild") if isinstance(document.get("guild"), dict) else {}
    channel: dict[str, Any] = document["channel"]
    place = _place(guild or {}, channel)
    for number, message in enumerate(document["messages"], start=1):
        if not isinstance(message, dict):
            yield number, {}  # read as a post without text: reported and skipped
            continue
        author = message.get("author") if isinstance(message.get("author"), dict) else {}
        if (author or {}).get("isBot") is True:
            continue
        yield number, _post(message, author or {}, guild or {}, channel, place)


def _place(guild: dict[str, Any], channel: dict[str, Any]) -> str:
    name = str(channel.get("name") or channel.get("id") or "channel")
    return f"{guild['name']} #{name}" if guild.get("name") else f"#{name}"


def _post(
    message: dict[str, Any],
    author: dict[str, Any],
    guild: dict[str, Any],
    channel: dict[str, Any],
    place: str,
) -> dict[str, Any]:
    post: dict[str, Any] = {
        "id": message.get("id"),
        "channel": place,
        "thread": str(channel.get("id") or place),
        "author": str(author.get("id") or ""),
    }
    content = message.get("content")
    if isinstance(content, str):
        post["text"] = content
    if message.get("timestamp"):
        post["timestamp"] = message["timestamp"]
    if guild.get("id") and channel.get("id") and message.get("id"):
        # Discord's message link (a DM export's guild is "0": Discord writes @me there).
        where = "@me" if str(guild["id"]) == "0" else guild["id"]
        post["permalink"] = f"{DISCORD_WEB}/{where}/{channel['id']}/{message['id']}"
    return post
