"""Which messages of each channel (any stream an async adapter reads) are fully handled, so
the stored cursor never passes one that is not.

Messages are handled concurrently (each gateway event is its own task), so a later message
can finish before an earlier one. The cursor may only move to a message when every earlier
message of the channel this process took on has finished: one still running, or one whose
reply failed for a reason that may pass (a 5xx, a dropped connection, a shutdown), holds it
back, so the next catch-up reads that message again. A catch-up in progress holds a
channel's cursor too, until it has taken on everything it read.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

SEEN_REMEMBERED = 20_000  # message ids remembered as already taken on (catch-up skips them)


@dataclass
class _Channel:
    running: set[int] = field(default_factory=set)
    failed: set[int] = field(default_factory=set)
    done: set[int] = field(default_factory=set)
    held: bool = False
    written: int = 0


class Progress:
    """Per-channel bookkeeping of messages taken on, finished and failed (one event loop)."""

    def __init__(self) -> None:
        self._channels: dict[int, _Channel] = {}
        self._seen: set[int] = set()
        self._seen_order: deque[int] = deque()

    def _channel(self, channel_id: int) -> _Channel:
        return self._channels.setdefault(channel_id, _Channel())

    def seen(self, message_id: int) -> bool:
        """Whether this process already took the message on (live or in a catch-up)."""
        return message_id in self._seen

    def begin(self, channel_id: int, message_id: int) -> None:
        """The message is being handled now."""
        state = self._channel(channel_id)
        state.running.add(message_id)
        state.failed.discard(message_id)
        if message_id not in self._seen:
            self._seen.add(message_id)
            self._seen_order.append(message_id)
            if len(self._seen_order) > SEEN_REMEMBERED:
                self._seen.discard(self._seen_order.popleft())

    def end(self, channel_id: int, message_id: int, *, handled: bool) -> int | None:
        """The message is finished (`handled`) or failed; the new cursor to store, if any."""
        state = self._channel(channel_id)
        state.running.discard(message_id)
        if handled:
            state.done.add(message_id)
        else:
            state.failed.add(message_id)
        return self._advance(state)

    def hold(self, channel_id: int) -> None:
        """A catch-up of the channel starts: keep the cursor where it is (catch-ups run one at
        a time; one that failed half-way leaves the hold until the next one releases it)."""
        self._channel(channel_id).held = True

    def release(self, channel_id: int, *, read_up_to: int | None) -> int | None:
        """The catch-up took on what it read; the new cursor to store, if any.

        Failed messages up to `read_up_to` (None: the reading failed) no longer hold the
        cursor: the catch-up took each one on again, or skipped it as too old.
        """
        state = self._channel(channel_id)
        state.held = False
        if read_up_to is not None:
            state.failed = {m for m in state.failed if m > read_up_to or m in state.running}
        return self._advance(state)

    @staticmethod
    def _advance(state: _Channel) -> int | None:
        if state.held:
            return None
        blockers = state.running | state.failed
        lowest = min(blockers) if blockers else None
        finished = [m for m in state.done if lowest is None or m < lowest]
        if not finished:
            return None
        newest = max(finished)
        state.done -= set(finished)
        if newest <= state.written:
            return None
        state.written = newest
        return newest
