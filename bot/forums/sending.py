"""What a failed reply write to a forum's API means, decided once for every forum adapter.

A refusal (a 4xx) surely made nothing: `SendFailed`, final when the forum will refuse the
same reply again. A timeout or a 504 may still be running on the forum: the reply may
appear later, so the claim is kept (`maybe_sent`) and, after its lease, the next delivery
looks before sending. Any other 5xx, or a 2xx the client could not read, means the forum
finished with the request: the reply exists or not, so it is looked for once, now.

`found_despite` is that look, shared with every adapter whose platform can fail ambiguously
(Reddit's comments too).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from bot.errors import ApiError, LookupFailed, SendFailed
from bot.forums.api import ApiClient
from records.models import Post

log = logging.getLogger(__name__)

STILL_RUNNING = frozenset({0, 504})  # no answer, or the gateway stopped waiting


def reply_despite(
    exc: ApiError, to: Post, find_reply: Callable[[Post], str | None], *, final: bool
) -> str:
    """The id of our reply to `to` made despite `exc`; else raises `SendFailed`.

    `final` says whether a refusal (`exc` not ambiguous) is for good.
    """
    if not exc.ambiguous:
        raise SendFailed(str(exc), final=final) from exc
    if exc.status in STILL_RUNNING:
        raise SendFailed(str(exc), maybe_sent=True) from exc
    found = found_despite(str(exc), to, find_reply)
    if found is None:
        raise SendFailed(str(exc)) from exc
    return found


def found_despite(reason: str, to: Post, find_reply: Callable[[Post], str | None]) -> str | None:
    """After a failure (`reason`) that may have made our reply to `to`: look for it once.

    Returns its id, or None when it surely was not made; raises `SendFailed(maybe_sent=True)`
    when the platform cannot be read to tell (the core keeps the claim and looks later).
    """
    try:
        found = find_reply(to)
    except LookupFailed as failed:
        raise SendFailed(f"{reason}; {failed}", maybe_sent=True) from failed
    if found is not None:
        log.info("message %s: the reply was made despite %s", to.message_id, reason)
    return found


def delete_reply(client: ApiClient, path: str, reply_id: str) -> None:
    """DELETE `path`, its `{}` standing for the reply's numeric id; a refusal, or an id that
    is no number, raises `SendFailed`."""
    try:
        client.delete(path.format(int(reply_id)))
    except (ApiError, ValueError) as exc:
        raise SendFailed(str(exc)) from exc
