"""At start-up, ask the forum who the bot's key acts as, and say plainly what it answered.

`GET /session/current.json` answers the key's user as `{"current_user": {"username", …}}`
(SessionController#current, CurrentUserSerializer) and 404 with no body when the request is
not signed in. Nothing here stops the process: a refused key or an odd answer is logged in
words an operator can act on, and the polls that follow retry with back-off.
"""

from __future__ import annotations

import logging

from bot.discourse_bot.members import fold
from bot.errors import ApiError
from bot.forums.api import ApiClient

log = logging.getLogger(__name__)


def check_identity(client: ApiClient, username: str) -> str:
    """What the forum says about the bot's key, as one sentence (also logged)."""
    try:
        answer = client.get("session/current.json")
    except ApiError as exc:
        if exc.status in {401, 403, 404}:
            message = (f"the forum does not accept the bot's key ({exc}): check "
                       "EVBOT_DISCOURSE__API_KEY and EVBOT_DISCOURSE__API_USERNAME")  # fmt: skip
        else:
            message = f"the forum could not say who the bot's key acts as ({exc})"
        log.error("%s", message)
        return message
    user = answer.get("current_user")
    name = user.get("username") if isinstance(user, dict) else None
    if fold(name) is None:
        keys = ", ".join(sorted(str(k) for k in answer)[:10]) or "none"
        message = (f"the forum's /session/current.json named no user (answer keys: {keys}); "
                   "the bot goes on, but cannot confirm its key")  # fmt: skip
        log.error("%s", message)
        return message
    if fold(name) != fold(username):
        message = (f"the bot's key acts as {name!r}, not as EVBOT_DISCOURSE__API_USERNAME "
                   f"{username!r}: its own posts will not be recognised")  # fmt: skip
        log.error("%s", message)
        return message
    message = f"the bot's key acts as {name}"
    log.info("%s", message)
    return message
