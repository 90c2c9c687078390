"""Shared steps of the forum bots' process tests (Discourse, Lemmy, XenForo): the settings a
`run` process is tested with, and the drill of SIGKILLs and restarts while it replies."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

from tests.reliability.conftest import ProgramProcess, clean_environment, count, wait_until

PostT = TypeVar("PostT")


def fast_polling(platform: str, settings: Mapping[str, str]) -> dict[str, str]:
    """`settings` for a `run PLATFORM` process that polls every 0.1 s, gives up on an answer
    after 2 s, is never rate-capped and takes over a killed process's claims at once."""
    prefix = f"EVBOT_{platform.upper()}__"
    return clean_environment(
        {
            **settings,
            f"{prefix}POLL_SECONDS": "0.1",
            f"{prefix}TIMEOUT_SECONDS": "2",
            "EVBOT_REPLY__RATE_CAP_PER_HOUR": "10000",
            # One process runs at a time here, so any claim still unconfirmed when a new
            # one starts was left by a killed process: take it over at once.
            "EVBOT_REPLY__CLAIM_LEASE_SECONDS": "0",
        }
    )


def kill_while_replying_then_restart(
    bot: ProgramProcess,
    cited: Sequence[PostT],
    replies: Callable[[], int],
    replies_to: Callable[[PostT], int],
    replying: Callable[[], bool],
) -> None:
    """SIGKILL `bot` once `replying` holds (a reply in flight: the caller slowed the forum's
    answer, so the forum saves it after the kill), then three more times whenever a few more
    of its `replies` went out; at last it runs until every post in `cited` is answered and
    is stopped once every claim is confirmed too. Each cited post got exactly one reply."""
    assert wait_until(replying)
    bot.kill()
    for _ in range(3):
        posted = replies()
        bot.start()
        enough = min(posted + 3, len(cited))
        assert wait_until(lambda: replies() >= enough), bot.logs()  # noqa: B023
        bot.kill()
    bot.start()
    # Every post answered is not yet every claim confirmed: the reply of a process killed
    # between sending and confirming is confirmed only once the last process reads that
    # post again, takes the claim over and finds the reply. Stopping as soon as the replies
    # existed left such a claim open on a loaded machine (issue 28); wait for both.
    assert wait_until(lambda: all(replies_to(p) for p in cited) and not unconfirmed(bot)), (
        bot.logs()
    )
    assert bot.stop() == 0
    assert {p: replies_to(p) for p in cited} == dict.fromkeys(cited, 1)
    assert unconfirmed(bot) == 0


def unconfirmed(bot: ProgramProcess) -> int:
    """How many claims in the reply log have no reply recorded."""
    return count(bot.db_path, "SELECT count(*) FROM replies WHERE reply_id IS NULL")
