"""The cursor bookkeeping: it never passes a message that is still running or failed for a
reason that may pass, nor a channel a catch-up is reading."""

from __future__ import annotations

from bot.runtime.progress import Progress

CHANNEL = 7


def test_a_later_message_finishing_first_waits_for_the_earlier_one() -> None:
    progress = Progress()
    progress.begin(CHANNEL, 1)
    progress.begin(CHANNEL, 2)
    assert progress.end(CHANNEL, 2, handled=True) is None
    assert progress.end(CHANNEL, 1, handled=True) == 2


def test_a_failed_message_holds_the_cursor_until_a_catch_up_reads_past_it() -> None:
    progress = Progress()
    progress.begin(CHANNEL, 1)
    progress.begin(CHANNEL, 2)
    assert progress.end(CHANNEL, 1, handled=False) is None
    assert progress.end(CHANNEL, 2, handled=True) is None
    progress.hold(CHANNEL)
    assert progress.release(CHANNEL, read_up_to=None) is None  # the reading failed
    progress.hold(CHANNEL)
    progress.begin(CHANNEL, 1)  # read again by the catch-up
    assert progress.release(CHANNEL, read_up_to=2) is None
    assert progress.end(CHANNEL, 1, handled=True) == 2


def test_a_catch_up_in_progress_holds_the_cursor() -> None:
    progress = Progress()
    progress.hold(CHANNEL)
    progress.begin(CHANNEL, 5)
    assert progress.end(CHANNEL, 5, handled=True) is None
    assert progress.release(CHANNEL, read_up_to=4) == 5


def test_the_cursor_only_moves_forward_and_channels_are_separate() -> None:
    progress = Progress()
    progress.begin(CHANNEL, 9)
    assert progress.end(CHANNEL, 9, handled=True) == 9
    progress.begin(CHANNEL, 3)  # an old message delivered again
    assert progress.end(CHANNEL, 3, handled=True) is None
    progress.begin(CHANNEL + 1, 4)
    assert progress.end(CHANNEL + 1, 4, handled=True) == 4
    assert progress.seen(9)
    assert not progress.seen(10)
