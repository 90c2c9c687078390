"""Who counts as a moderator: Manage Messages where the action happens, or a configured role."""

from __future__ import annotations

from collections.abc import Sequence

import discord


def is_moderator(
    user: discord.Member | discord.User,
    permissions: discord.Permissions,
    mod_roles: Sequence[str],
) -> bool:
    """True for Manage Messages in this channel, or a role named in `discord.mod_roles`.

    `permissions` are the user's resolved permissions in the channel (an interaction carries
    them; for a prefix command they come from `channel.permissions_for`). Role names compare
    without regard to case, since server admins rename roles freely.
    """
    if permissions.manage_messages or permissions.administrator:
        return True
    if not isinstance(user, discord.Member) or not mod_roles:
        return False
    wanted = {name.casefold() for name in mod_roles}
    return any(role.name.casefold() in wanted for role in user.roles)
