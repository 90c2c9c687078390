"""The renderings the command line offers (`--format`): the core's formats and every
platform's own, which importing the platform's renderer registers (`bot.core.rendering`)."""

from __future__ import annotations

import bot.discord_bot.render  # noqa: F401 - registers the rendering "discord"
from bot.core.rendering import names

# The order the help shows them in: the core's formats first.
FORMATS = names()
