"""The buttons under each card. Their custom_ids carry all they need, so they survive restarts.

`discord.ui.DynamicItem` matches a custom_id template when a button is pressed, even on a
message sent by an earlier run of the bot (https://discordpy.readthedocs.io/en/stable/
interactions/api.html#dynamicitem); the bot registers the classes once with
`add_dynamic_items`. The callbacks hand over to the bot's `card_actions`
(`actions.CardActions`), which holds the logic.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Self

import discord

CUSTOM_ID_LIMIT = 100
LABEL_LIMIT = 80
REMOVE_PREFIX = "evidence:remove:"
WRONG_PREFIX = "evidence:wrong:"


class _CardButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    # Never matches: only the subclasses below are registered, each with its own template.
    template=re.compile(r"(?!)"),
):
    """A grey button whose custom_id is a prefix and one value; subclasses parse the value."""

    def __init__(self, label: str, custom_id: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:LABEL_LIMIT],
                style=discord.ButtonStyle.secondary,
                custom_id=custom_id,
            )
        )

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        """Rebuild the button from a pressed custom_id."""
        return cls._from_match(match)

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> Self:
        raise NotImplementedError


class RemoveButton(
    _CardButton,
    template=re.compile(re.escape(REMOVE_PREFIX) + r"(?P<author_id>\d+)"),
):
    """Remove: the cited message's author (id in the custom_id) or a moderator."""

    def __init__(self, author_id: int) -> None:
        super().__init__("Remove", f"{REMOVE_PREFIX}{author_id}")
        self.author_id = author_id

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> Self:
        return cls(int(match["author_id"]))

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand over to the bot's card actions."""
        await interaction.client.card_actions.remove(interaction, self.author_id)


class WrongMatchButton(
    _CardButton,
    template=re.compile(re.escape(WRONG_PREFIX) + r"(?P<entry_id>[a-z0-9][a-z0-9-]*)"),
):
    """Wrong match: anyone may report that a card shows the wrong study."""

    def __init__(self, entry_id: str, label: str = "Wrong match") -> None:
        super().__init__(label, f"{WRONG_PREFIX}{entry_id}")
        self.entry_id = entry_id

    @classmethod
    def _from_match(cls, match: re.Match[str]) -> Self:
        return cls(match["entry_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        """Hand over to the bot's card actions."""
        await interaction.client.card_actions.wrong_match(interaction, self.entry_id)


def card_buttons(author_id: int, entry_ids: Sequence[str]) -> discord.ui.View:
    """Remove, then one Wrong match button per card (numbered when there are several).

    An entry id too long for Discord's 100-character custom_id gets no Wrong match button
    rather than a truncated id that would report the wrong study.
    """
    view = discord.ui.View(timeout=None)
    view.add_item(RemoveButton(author_id))
    fitting = [e for e in entry_ids if len(WRONG_PREFIX) + len(e) <= CUSTOM_ID_LIMIT]
    # A message holds 5 rows of 5 buttons; Remove takes one place.
    for number, entry_id in enumerate(fitting[:24], start=1):
        label = "Wrong match" if len(fitting) == 1 else f"Wrong match ({number})"
        view.add_item(WrongMatchButton(entry_id, label))
    return view
