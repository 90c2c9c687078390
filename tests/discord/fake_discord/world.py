"""The fake server's guild: users, roles, channels, threads and a forum, as API payloads.

Shapes follow the Discord API v10 reference (https://discord.com/developers/docs/resources);
only the fields discord.py reads are filled in.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits: https://discord.com/developers/docs/topics/permissions
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
MANAGE_MESSAGES = 1 << 13
EMBED_LINKS = 1 << 14
READ_MESSAGE_HISTORY = 1 << 16
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
MEMBER_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | READ_MESSAGE_HISTORY
    | USE_APPLICATION_COMMANDS
    | SEND_MESSAGES_IN_THREADS
)

# Channel types: https://discord.com/developers/docs/resources/channel#channel-object-channel-types
TEXT_CHANNEL = 0
PUBLIC_THREAD = 11
FORUM_CHANNEL = 15


class Snowflakes:
    """Increasing Discord snowflakes whose timestamp part is the current time."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def next(self) -> int:
        """A fresh id, later than every one given before."""
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (next(self._counter) & 0x3FFFFF)

    def on_shard(self, shard_id: int, shard_count: int) -> int:
        """A fresh guild id that Discord's formula, (guild_id >> 22) % shard_count, puts on
        `shard_id` (https://discord.com/developers/docs/events/gateway#sharding): its
        timestamp part is moved back by under `shard_count` milliseconds."""
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        millis -= (millis - shard_id) % shard_count
        return (millis << 22) | (next(self._counter) & 0x3FFFFF)

    def at(self, moment: datetime) -> int:
        """An id whose timestamp part is `moment` (a message posted then)."""
        millis = int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS
        return (millis << 22) | (next(self._counter) & 0x3FFFFF)


def snowflake_time(snowflake: int) -> str:
    """The moment a snowflake was made, as Discord writes timestamps."""
    millis = (snowflake >> 22) + DISCORD_EPOCH_MS
    return datetime.fromtimestamp(millis / 1000, UTC).isoformat()


def iso_now() -> str:
    """The current time as Discord writes timestamps."""
    return datetime.now(UTC).isoformat()


@dataclass
class FakeUser:
    """A guild member (or the bot itself) with role ids."""

    id: int
    name: str
    bot: bool = False
    role_ids: list[int] = field(default_factory=list)

    def user_payload(self) -> dict[str, Any]:
        """The user object."""
        return {
            "id": str(self.id),
            "username": self.name,
            "global_name": self.name,
            "discriminator": "0",
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
        }

    def member_payload(self, *, with_user: bool = True) -> dict[str, Any]:
        """The guild member object (message payloads carry it without the user)."""
        payload: dict[str, Any] = {
            "roles": [str(role) for role in self.role_ids],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
            "nick": None,
        }
        if with_user:
            payload["user"] = self.user_payload()
        return payload


@dataclass
class World:
    """One guild with the channels and people the bot tests need; every id is a snowflake."""

    ids: Snowflakes
    application_id: int
    guild_id: int
    bot_user: FakeUser
    member: FakeUser
    other_member: FakeUser
    moderator: FakeUser
    helper: FakeUser
    other_bot: FakeUser
    moderator_role_id: int
    helper_role_id: int
    general_id: int
    quiet_id: int
    mod_log_id: int
    thread_id: int
    forum_id: int
    forum_post_id: int
    helper_role_name: str = "Atlas helper"
    # Threads created while the tests run (`FakeDiscord.create_thread`), and the threads the
    # bot has joined.
    extra_threads: list[dict[str, Any]] = field(default_factory=list)
    bot_thread_ids: set[int] = field(default_factory=set)

    @classmethod
    def build(cls, ids: Snowflakes) -> World:
        """A guild: #general with a thread, #quiet, #mod-log, and a forum with one post."""
        guild_id = ids.next()
        moderator_role_id = ids.next()
        helper_role_id = ids.next()
        return cls(
            ids=ids,
            application_id=ids.next(),
            guild_id=guild_id,
            bot_user=FakeUser(ids.next(), "evidence-bot", bot=True),
            member=FakeUser(ids.next(), "ada"),
            other_member=FakeUser(ids.next(), "ben"),
            moderator=FakeUser(ids.next(), "mod-maria", role_ids=[moderator_role_id]),
            helper=FakeUser(ids.next(), "helper-hal", role_ids=[helper_role_id]),
            other_bot=FakeUser(ids.next(), "some-other-bot", bot=True),
            moderator_role_id=moderator_role_id,
            helper_role_id=helper_role_id,
            **_places(ids),
        )

    def another_guild(self, guild_id: int) -> World:
        """A second guild with the same bot, application and people (a bot in many servers),
        its own channels, threads and forum. The role ids stay the same so that the people
        keep their roles; Discord's are per guild, which no test here tells apart."""
        changes: dict[str, Any] = {"guild_id": guild_id, **_places(self.ids)}
        return dataclasses.replace(self, **changes, extra_threads=[], bot_thread_ids=set())

    def holds(self, channel_id: int) -> bool:
        """Whether the channel or thread is in this guild."""
        return any(ch["id"] == str(channel_id)
                   for ch in self.channels_payload() + self.threads_payload())  # fmt: skip

    @property
    def users(self) -> list[FakeUser]:
        """Everyone in the guild, the bot included."""
        return [
            self.bot_user,
            self.member,
            self.other_member,
            self.moderator,
            self.helper,
            self.other_bot,
        ]

    def user(self, user_id: int) -> FakeUser:
        """The member with this id."""
        return next(user for user in self.users if user.id == user_id)

    def roles_payload(self) -> list[dict[str, Any]]:
        """@everyone (whose id is the guild's), a moderator role and a helper role."""
        return [
            _role(self.guild_id, "@everyone", MEMBER_PERMISSIONS, position=0),
            _role(self.moderator_role_id, "Moderator", MEMBER_PERMISSIONS | MANAGE_MESSAGES, 2),
            _role(self.helper_role_id, self.helper_role_name, MEMBER_PERMISSIONS, position=1),
        ]

    def channel_payload(self, channel_id: int) -> dict[str, Any]:
        """A channel or thread object by id."""
        return next(ch for ch in self.channels_payload() + self.threads_payload()
                    if ch["id"] == str(channel_id))  # fmt: skip

    def channels_payload(self) -> list[dict[str, Any]]:
        """The guild's channels (threads are listed separately, as in GUILD_CREATE)."""
        return [
            self._text_channel(self.general_id, "general", 0),
            self._text_channel(self.quiet_id, "quiet", 1),
            self._text_channel(self.mod_log_id, "mod-log", 2),
            {
                **self._text_channel(self.forum_id, "research-forum", 3),
                "type": FORUM_CHANNEL,
                "available_tags": [],
                "default_reaction_emoji": None,
                "default_sort_order": None,
                "default_forum_layout": 0,
                "flags": 0,
            },
        ]

    def threads_payload(self) -> list[dict[str, Any]]:
        """A thread under #general and one forum post (a thread whose parent is the forum)."""
        return [
            self._thread(self.thread_id, "study chat", self.general_id),
            self._thread(self.forum_post_id, "New paper on PEM", self.forum_id),
            *self.extra_threads,
        ]

    def add_thread(
        self, thread_id: int, name: str, parent_id: int, owner: FakeUser
    ) -> dict[str, Any]:
        """A new public thread under `parent_id` (a text channel or a forum)."""
        thread = self._thread(thread_id, name, parent_id)
        thread["owner_id"] = str(owner.id)
        thread["message_count"] = 0
        thread["member_count"] = 1
        thread["thread_metadata"]["create_timestamp"] = iso_now()
        thread["thread_metadata"]["archive_timestamp"] = iso_now()
        self.extra_threads.append(thread)
        return thread

    def guild_payload(self) -> dict[str, Any]:
        """The GUILD_CREATE payload."""
        return {
            "id": str(self.guild_id),
            "name": "ME/CFS Community",
            "icon": None,
            "owner_id": str(self.moderator.id),
            "unavailable": False,
            "member_count": len(self.users),
            "large": False,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "features": [],
            "roles": self.roles_payload(),
            "emojis": [],
            "stickers": [],
            "channels": self.channels_payload(),
            # Only active threads, as Discord syncs them.
            "threads": [t for t in self.threads_payload() if not t["thread_metadata"]["archived"]],
            "members": [user.member_payload() for user in self.users],
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "preferred_locale": "en-US",
            "premium_tier": 0,
            "system_channel_flags": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
        }

    def member_permissions(self, user: FakeUser) -> int:
        """The member's guild-level permissions (no channel overwrites in this guild)."""
        permissions = 0
        for role in self.roles_payload():
            if int(role["id"]) == self.guild_id or int(role["id"]) in user.role_ids:
                permissions |= int(role["permissions"])
        return permissions

    def _text_channel(self, channel_id: int, name: str, position: int) -> dict[str, Any]:
        return {
            "id": str(channel_id),
            "type": TEXT_CHANNEL,
            "guild_id": str(self.guild_id),
            "name": name,
            "position": position,
            "permission_overwrites": [],
            "nsfw": False,
            "topic": None,
            "parent_id": None,
            "rate_limit_per_user": 0,
            "last_message_id": None,
        }

    def _thread(self, thread_id: int, name: str, parent_id: int) -> dict[str, Any]:
        return {
            "id": str(thread_id),
            "type": PUBLIC_THREAD,
            "guild_id": str(self.guild_id),
            "parent_id": str(parent_id),
            "owner_id": str(self.member.id),
            "name": name,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "message_count": 1,
            "member_count": 2,
            "flags": 0,
            "applied_tags": [],
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": "2024-01-01T00:00:00+00:00",
                "locked": False,
                "invitable": True,
                "create_timestamp": "2024-01-01T00:00:00+00:00",
            },
        }


def _places(ids: Snowflakes) -> dict[str, Any]:
    """Fresh ids for a guild's channels, its thread, its forum and the forum's post."""
    names = ("general_id", "quiet_id", "mod_log_id", "thread_id", "forum_id", "forum_post_id")
    return {name: ids.next() for name in names}


def _role(role_id: int, name: str, permissions: int, position: int) -> dict[str, Any]:
    return {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }
