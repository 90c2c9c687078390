"""What one poll reads of a listing: a probe, a catch-up read, or a sweep.

- A probe asks for the items listed above an anchor (`before=<fullname>&limit=25`). The
  anchors are the newest items the last read listed; the probe is anchored on the second
  newest, so when nothing new came its answer is the newest one alone (a few hundred
  bytes), which also shows that the anchor is still listed. An item removed by a moderator
  or AutoModerator leaves the listing, and Reddit answers a probe anchored on it with an
  empty listing, as if nothing were new: then the next anchor is tried, and only when every
  anchor is gone does the poll fall back to a sweep.
- When a probe finds anything new, a catch-up read takes the first full page from the top,
  back past the newest handled item's second (more pages only for a backlog). Items
  created in the same second are not listed in id order, so a neighbour indexed a moment
  after the last poll can sit below the anchors; the catch-up answers it in the same poll.
- A sweep reads back the last hour every `sweep_seconds` and when no anchor is left, and
  the whole look-back window (see `streams`) at a process's first poll and then hourly:
  items approved late from the mod queue, neighbours no probe saw, and edits (`edited`
  times) of recent items.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from enum import StrEnum

from bot.reddit_bot.streams import PROBE_LIMIT, ListedItem, ListingReader, Page, Stream, sweep

ANCHORS = 5  # recent items a probe may be anchored on
# A sweep reads back this far before the newest handled item; every `DEEP_SWEEP_SECONDS`
# (and at a process's first poll) it reads the whole look-back window, 24 hours or up to
# 1,000 items: pages of a busy listing are large, and most late items are minutes late.
RECENT_SECONDS = 3600.0
DEEP_SWEEP_SECONDS = 3600.0


class ReadKind(StrEnum):
    """How a poll read its listing."""

    PROBE = "probe"  # nothing new
    CATCH_UP = "catch-up"  # the first page(s), after a probe found something
    SWEEP = "sweep"  # the look-back window


@dataclass(frozen=True)
class Read:
    """The items a poll read, newest first (empty for an idle probe)."""

    kind: ReadKind
    items: list[ListedItem]


@dataclass
class ListingPoller:
    """Chooses and runs each poll's read of a listing; keeps its anchors and sweep times."""

    reader: ListingReader
    _: KW_ONLY
    clock: Callable[[], float]
    sweep_seconds: float
    lookback_seconds: float
    is_seen: Callable[[str], bool]
    on_bad: Callable[[str, str], None]
    # Stream name -> fullnames, newest first.
    _anchors: dict[str, list[str]] = field(default_factory=dict, init=False)
    _swept_at: dict[str, float] = field(default_factory=dict, init=False)
    _deep_at: dict[str, float] = field(default_factory=dict, init=False)  # whole-window sweeps

    def read(self, stream: Stream, newest_handled: float) -> Read:
        """This poll's read of `stream`; `newest_handled` is the newest handled item's time.

        Raises what the listing raises (a PrawcoreException, ValueError for an answer that
        is not a listing); nothing is remembered then, so the next poll reads again.
        """
        now = self.clock()
        swept_at = self._swept_at.get(stream.name)
        anchors = self._anchors.get(stream.name)
        recent = newest_handled - min(RECENT_SECONDS, self.lookback_seconds)
        if anchors is not None and swept_at is not None and now - swept_at < self.sweep_seconds:
            found = self._probe(stream, anchors)
            if found is None:
                return Read(ReadKind.PROBE, [])
            if found:
                items = self._sweep(stream, recent, stop_below=newest_handled)
                return Read(ReadKind.CATCH_UP, items)
        deep_at = self._deep_at.get(stream.name)
        deep = deep_at is None or now - deep_at >= max(DEEP_SWEEP_SECONDS, self.sweep_seconds)
        since = newest_handled - self.lookback_seconds if deep else recent
        items = self._sweep(stream, since)
        self._swept_at[stream.name] = now
        if deep:
            self._deep_at[stream.name] = now
        return Read(ReadKind.SWEEP, items)

    def forget(self, stream: Stream) -> None:
        """Drop the stream's anchors: its next read is a sweep (after a stopped poll)."""
        self._anchors.pop(stream.name, None)

    def _sweep(
        self, stream: Stream, since: float, stop_below: float | None = None
    ) -> list[ListedItem]:
        def anchor(top: list[ListedItem]) -> None:
            self._anchors[stream.name] = [x.facts.fullname for x in top[:ANCHORS]]

        return sweep(
            self.reader, stream, since, stop_below=stop_below, on_bad=self.on_bad, on_top=anchor
        )

    def _probe(self, stream: Stream, anchors: list[str]) -> bool | None:
        """True when something new is listed, None when nothing is, False when no anchor
        is listed any more (a sweep must find the top again)."""
        if len(anchors) < 2:
            # The listing held one item at most: read its top, which is as small as a probe
            # (a probe anchored on that item could neither list what sorts below it nor
            # tell "nothing new" from "it is gone").
            page = self._probe_page(stream, None)
            self._anchors[stream.name] = [x.facts.fullname for x in page.items[:ANCHORS]]
            listed = [x.facts.fullname for x in page.items]
            new = page.size >= PROBE_LIMIT or any(not self.is_seen(name) for name in listed)
            return True if new else None
        for i in range(1, len(anchors)):
            page = self._probe_page(stream, anchors[i])
            if page.size == 0:
                continue  # this anchor has left the listing too
            listed = [x.facts.fullname for x in page.items]
            if page.size >= PROBE_LIMIT or any(not self.is_seen(name) for name in listed):
                return True
            # Only handled items above it: nothing new. Anchors no longer listed are gone.
            above = set(listed)
            self._anchors[stream.name] = [a for a in anchors[:i] if a in above] + anchors[i:]
            return None
        return False

    def _probe_page(self, stream: Stream, anchor: str | None) -> Page:
        params: dict[str, str | int] = {"limit": PROBE_LIMIT}
        if anchor is not None:
            params["before"] = anchor
        page = self.reader.page(stream, **params)
        for key, reason in page.bad:
            self.on_bad(key, reason)
        return page
