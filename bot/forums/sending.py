"""What a failed reply write to a forum's API means, decided once for every forum adapter.

A refusal (a 4xx) surely made nothing: `SendFailed`, final when the forum will refuse the
same reply again. A timeout or a 504 may still be running on the forum: the reply may
appear later, so the claim is kept (`maybe_sent`) and, after its lease, the next delivery
looks before sending. Any other 5xx, or a 2xx the client could not read, means the forum
finished with the request: the reply exists or not, so it is looked for once, now.

The look is the core's `found_despite` (`bot.core.delivery`), shared with every adapter
whose platform can fail ambiguously (Reddit's comments too).
"""

from __future__ import annotations

from collections.abc import Callable

from bot.core.delivery import found_despite
from bot.errors import ApiError, SendFailed
from bot.forums.api import ApiClient
from records.models import Post

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


def delete_reply(client: ApiClient, path: str, reply_id: str) -> None:
    """DELETE `path`, its `{}` standing for the reply's numeric id; a refusal, or an id that
    is no number, raises `SendFailed`."""
    try:
        client.delete(path.format(int(reply_id)))
    except (ApiError, ValueError) as exc:
        raise SendFailed(str(exc)) from exc
