"""A small Discord-compatible HTTP API v10 and gateway on 127.0.0.1 for the real discord.py.

Tests start `FakeDiscord`, point the bot's `api_base_url` and `gateway_url` at it, drive
gateway events (messages, edits, interactions) and assert on the recorded HTTP requests.
"""

from tests.discord.fake_discord.server import FakeDiscord, RecordedRequest
from tests.discord.fake_discord.world import FakeUser, World

__all__ = ["FakeDiscord", "FakeUser", "RecordedRequest", "World"]
