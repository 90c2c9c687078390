"""Living cards: bring posted cards up to date when their entry or the literature changes.

`refresh_pass(service, editor)` finds every live card of the editor's platform whose studies'
current versions (bot.core.card_versions) differ from what it shows, re-renders it with the
current text, a dated line saying what changed and, for a retraction, a banner at the top,
and edits it in place through the platform's `CardEditor`. Cards are never deleted or
re-posted by this.

Each edit follows the reply protocol: claim (records.posted_cards.claim_edit), edit,
confirm; a failed edit that surely did not happen is released. A pass killed between edit
and confirm leaves its claim; once the claim is older than `reply.claim_lease_seconds` the
next pass takes it over and asks the platform whether the message already carries the
killed pass's dated line: then it only confirms, so no card is edited twice or skipped.
The retraction reply under a card that can no longer be edited is claimed the same way:
the card is marked frozen first and the claim taken again, so a claim on a frozen card is
always a reply's, and a pass taking it over looks once for the bot's reply carrying the
line (`replied_under`) before it posts one.

A card whose message is gone is marked and skipped from then on; one the platform no longer
lets the bot edit (an edit window) gets a short reply under it for a retraction only.
Moderators turn refreshing off per place; every edit goes to the mod log.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar

from bot.core.card_versions import card_shown, changes, differs
from bot.core.cards import DO_NOT_RELY, Card, Reply
from bot.core.service import EvidenceService, ReplyPlan, command_word
from bot.errors import CardGone as CardGone  # noqa: PLC0414 - tests import it here
from bot.errors import EditClosed as EditClosed  # noqa: PLC0414 - tests import it here
from bot.errors import LookupFailed, SendFailed
from records import modlog, posted_cards
from records.atlas_store import get_entry
from records.models import Post
from records.posted_cards import PostedCard, Shown

log = logging.getLogger(__name__)
T = TypeVar("T")

ACTOR = "evidence-bot"


class CardEditor(Protocol):
    """What the refresh pass needs from a platform: edit a card, read it, reply under it."""

    platform: str

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        """Replace the card's message with `plan` rendered for the platform.

        Raises `CardGone`, `EditClosed`, or `SendFailed` (`maybe_sent` when the edit may
        have been made although no answer came back).
        """
        ...

    def shows(self, card: PostedCard, line: str) -> bool:
        """Whether the card's message on the platform contains `line` now.

        Raises `CardGone` when it no longer exists, `LookupFailed` when it cannot be read.
        """
        ...

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        """Post `plan` as a new reply under the card; the new reply's id (`SendFailed`)."""
        ...

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        """The id of the bot's reply under the card that carries `line`, or None.

        Asked once, when a stopped pass may have posted a retraction reply without
        recording it. Raises `CardGone` or `LookupFailed` as `shows` does.
        """
        ...


class Refresh(StrEnum):
    """What the pass did with one card."""

    EDITED = "edited"
    FOUND = "edited by an earlier, stopped pass; confirmed"
    WOULD_EDIT = "would be edited (dry run)"
    REPLIED = "no longer editable; a retraction reply was posted under it"
    FROZEN = "no longer editable; left as it is"
    GONE = "message deleted; skipped from now on"
    OFF = "refreshing is off in this place"
    BUSY = "another pass is editing it"
    MISSING = "a study on it is no longer in the atlas"
    FAILED = "edit failed; tried again next pass"


@dataclass(frozen=True)
class Refreshed:
    """One card the pass looked at, what it did, and what changed on it."""

    card: PostedCard
    status: Refresh
    changes: tuple[str, ...] = ()
    reason: str = ""

    @property
    def failed(self) -> bool:
        """The card is still out of date and will be tried again."""
        return self.status in {Refresh.FAILED, Refresh.BUSY}


@dataclass(frozen=True)
class Pending:
    """A posted card out of date: its current cards, versions, the dated line and plan."""

    card: PostedCard
    cards: tuple[Card, ...]
    shown: dict[str, Shown]
    changes: tuple[str, ...]
    retracted: tuple[Card, ...] = field(default=())


@dataclass(frozen=True)
class Outcome:
    """A card's refreshed rendering: what to send and the dated line it carries."""

    plan: ReplyPlan
    line: str


def out_of_date(
    service: EvidenceService, platform: str | None = None, *, include_frozen: bool = False
) -> list[Pending | PostedCard]:
    """Live cards whose studies changed (`Pending`), or that hold a claim (`PostedCard`).

    A card one of whose studies left the atlas is returned as the bare `PostedCard` too:
    the pass reports it and leaves it as it is.
    """
    found: list[Pending | PostedCard] = []
    states: tuple[posted_cards.CardState, ...] = ("live", "frozen") if include_frozen else ("live",)
    for state in states:
        for card in posted_cards.posted_cards(service.db, platform, state=state):
            pending = _pending(service, card)
            if pending is not None:
                if state == "frozen" and not pending.retracted:
                    continue
                found.append(pending)
            elif card.edit_claimed_at is not None:
                found.append(card)
    return found


def _pending(service: EvidenceService, card: PostedCard) -> Pending | None:
    """The card's update when any study on it changed, else None (also when one is gone)."""
    current: list[Card] = []
    for entry_id in card.layout.entry_ids:
        # From the records, not the index: a running bot's index predates `atlas import`.
        entry = get_entry(service.db, entry_id)
        if entry is None:
            return None
        current.append(service.card(entry))
    shown = {c.entry_id: card_shown(c) for c in current}
    if all(e in card.shown and not differs(card.shown[e], s) for e, s in shown.items()):
        return None
    said: list[str] = []
    retracted: list[Card] = []
    many = sum(1 for c in current if _changed(card, c, shown)) > 1
    for c in current:
        before = card.shown.get(c.entry_id)
        if before is None or not differs(before, shown[c.entry_id]):
            continue
        words = changes(before.fields, shown[c.entry_id].fields)
        if c.retracted and not before.fields.get("retracted"):
            retracted.append(c)
        if words:
            said.append(f"{_short(c.title)}: {', '.join(words)}" if many else ", ".join(words))
    return Pending(card, tuple(current), shown, tuple(said), tuple(retracted))


def _changed(card: PostedCard, current: Card, shown: Mapping[str, Shown]) -> bool:
    before = card.shown.get(current.entry_id)
    return before is not None and differs(before, shown[current.entry_id])


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def carries(text: str, line: str) -> bool:
    """Whether a message's text carries `line`, however the platform escaped or wrapped it."""
    return _squash(line) in _squash(text)


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text).lower()


def dated_line(when: datetime, said: Sequence[str]) -> str:
    """`Updated 2026-12-07: the atlas revised its summary.`"""
    what = "; ".join(said) if said else "the atlas revised this card"
    return f"Updated {when.date().isoformat()}: {what}."


def retraction_banner(cards: Sequence[Card]) -> str:
    """The banner a card gets when a study on it was retracted after it was posted."""
    names = ", ".join(f"“{_short(c.title)}”" for c in cards)
    return f"⚠ RETRACTED since this card was posted: {names}. {DO_NOT_RELY}"


def render(service: EvidenceService, pending: Pending, when: datetime) -> Outcome:
    """The card re-rendered with the current text, banner and dated line."""
    card = pending.card
    line = dated_line(when, pending.changes)
    head = [retraction_banner(pending.retracted)] if pending.retracted else []
    notice = " ".join([*head, line, *([card.layout.notice] if card.layout.notice else [])])
    built = Reply.from_cards(
        pending.cards,
        max_cards=max(1, len(card.layout.cards)),
        command=command_word(card.platform, service.settings),
    )
    reply = Reply(
        cards=built.cards,
        more=built.more,
        command=built.command,
        footer=card.layout.footer,
        notice=notice,
    )
    return Outcome(_plan(card, reply), line)


def _plan(card: PostedCard, reply: Reply) -> ReplyPlan:
    post = Post(
        platform=card.platform,
        place=card.place,
        thread=card.thread,
        message_id=card.message_id,
        author_id="",
        text="",
    )
    ids = tuple(c.entry_id for c in (*reply.cards, *reply.more))
    return ReplyPlan(post=post, reply=reply, entry_ids=ids)


def refresh_pass(
    service: EvidenceService,
    editor: CardEditor,
    *,
    dry_run: bool = False,
    on_card: Callable[[Refreshed], None] | None = None,
) -> list[Refreshed]:
    """Bring every out-of-date card of the editor's platform up to date (one pass)."""
    off = posted_cards.refresh_off_places(service.db, editor.platform)
    todo = out_of_date(service, editor.platform, include_frozen=True)
    done: list[Refreshed] = []
    for item in todo:
        result = _one(service, editor, item, off, dry_run=dry_run)
        done.append(result)
        if on_card is not None:
            on_card(result)
    return done


def _one(
    service: EvidenceService,
    editor: CardEditor,
    item: Pending | PostedCard,
    off: set[str],
    *,
    dry_run: bool,
) -> Refreshed:
    card = item.card if isinstance(item, Pending) else item
    said = item.changes if isinstance(item, Pending) else ()
    if card.place in off or card.thread in off:
        return Refreshed(card, Refresh.OFF, said)
    if dry_run:
        status = Refresh.WOULD_EDIT if isinstance(item, Pending) else Refresh.BUSY
        return Refreshed(card, status, said)
    try:
        if card.edit_claimed_at is not None:
            found = _take_over(service, editor, card)
            if found is not None:
                return found
        if not isinstance(item, Pending):
            return Refreshed(card, Refresh.BUSY, said, "its claim was released")
        return _edit(service, editor, item)
    except CardGone as exc:
        posted_cards.mark(service.db, card.platform, card.reply_id, "gone", str(exc))
        _mod_log(service, card, "card gone", str(exc) or "the message was deleted")
        return Refreshed(card, Refresh.GONE, said, str(exc))


def _now(service: EvidenceService) -> datetime:
    return service.clock()


def _stale_before(service: EvidenceService, now: datetime) -> datetime:
    return now - timedelta(seconds=service.settings.reply.claim_lease_seconds)


def _take_over(service: EvidenceService, editor: CardEditor, card: PostedCard) -> Refreshed | None:
    """A claim left on the card: still inside its lease (BUSY), or a killed pass's, whose
    edit is confirmed when the message carries its line (FOUND), else released (None)."""
    now = _now(service)
    stale = _stale_before(service, now)
    kept = card.edit_versions or {}
    line = card.edit_line or ""
    if not posted_cards.claim_edit(
        service.db, card.platform, card.reply_id, kept, line, at=now, stale_before=stale
    ):
        return Refreshed(card, Refresh.BUSY)
    if card.state == "frozen":
        return _reply_taken_over(service, editor, card, kept, line)
    try:
        made = bool(line) and editor.shows(card, line)
    except LookupFailed as exc:
        return Refreshed(card, Refresh.FAILED, (), f"cannot read the card: {exc}")
    if made:
        posted_cards.confirm_edit(service.db, card.platform, card.reply_id, now)
        _mod_log(service, card, "card edited", line)
        log.info("card %s/%s: confirmed a stopped pass's edit", card.platform, card.reply_id)
        return Refreshed(card, Refresh.FOUND, (line,))
    posted_cards.release_edit(service.db, card.platform, card.reply_id)
    return None


def _reply_taken_over(
    service: EvidenceService,
    editor: CardEditor,
    card: PostedCard,
    kept: Mapping[str, Shown],
    line: str,
) -> Refreshed | None:
    """A stopped pass's retraction-reply claim: recorded when the reply is there (FOUND),
    else released so this pass posts it (None); left claimed when it cannot be looked for."""
    try:
        reply_id = editor.replied_under(card, line) if line else None
    except LookupFailed as exc:
        return Refreshed(card, Refresh.FAILED, (), f"cannot look for the reply: {exc}")
    if reply_id is None:
        posted_cards.release_edit(service.db, card.platform, card.reply_id)
        return None
    _replied(service, card, kept, reply_id, line)
    log.info("card %s/%s: confirmed a stopped pass's retraction reply %s",
             card.platform, card.reply_id, reply_id)  # fmt: skip
    return Refreshed(card, Refresh.FOUND, (line,))


def _edit(service: EvidenceService, editor: CardEditor, pending: Pending) -> Refreshed:
    card = pending.card
    now = _now(service)
    outcome = render(service, pending, now)
    if not _claim_edit(service, pending, outcome, now):
        return Refreshed(card, Refresh.BUSY, pending.changes)
    if card.state == "frozen":
        return _reply_under(service, editor, pending, outcome)
    try:
        editor.edit(card, outcome.plan)
    except EditClosed as exc:
        return _closed(service, editor, pending, outcome, str(exc))
    except SendFailed as exc:
        if not exc.maybe_sent:
            posted_cards.release_edit(service.db, card.platform, card.reply_id)
        return Refreshed(card, Refresh.FAILED, pending.changes, exc.reason)
    posted_cards.confirm_edit(service.db, card.platform, card.reply_id, _now(service))
    _mod_log(service, card, "card edited", outcome.line)
    return Refreshed(card, Refresh.EDITED, pending.changes)


def _claim_edit(
    service: EvidenceService, pending: Pending, outcome: Outcome, now: datetime
) -> bool:
    """Claim the card's edit (or reply under it) showing `outcome`; False if another pass has it."""
    card = pending.card
    return posted_cards.claim_edit(
        service.db,
        card.platform,
        card.reply_id,
        pending.shown,
        outcome.line,
        at=now,
        stale_before=_stale_before(service, now),
    )


def _closed(
    service: EvidenceService, editor: CardEditor, pending: Pending, outcome: Outcome, why: str
) -> Refreshed:
    """The platform refused the edit for good: frozen, and for a retraction a reply under it.

    The reply is claimed again on the frozen card, so a pass taking the claim over knows it
    is a reply's and looks for the reply rather than for an edit.
    """
    card = pending.card
    posted_cards.mark(service.db, card.platform, card.reply_id, "frozen", why)
    if not pending.retracted:
        return Refreshed(card, Refresh.FROZEN, pending.changes, why)
    if not _claim_edit(service, pending, outcome, _now(service)):
        return Refreshed(card, Refresh.BUSY, pending.changes)
    return _reply_under(service, editor, pending, outcome)


def _reply_under(
    service: EvidenceService, editor: CardEditor, pending: Pending, outcome: Outcome
) -> Refreshed:
    """The card can no longer be edited: for a retraction, a short reply under it."""
    card = pending.card
    if not pending.retracted:
        posted_cards.release_edit(service.db, card.platform, card.reply_id)
        return Refreshed(card, Refresh.FROZEN, pending.changes)
    reply = Reply(
        cards=(),
        command=command_word(card.platform, service.settings),
        footer=False,
        notice=f"{retraction_banner(pending.retracted)} {outcome.line}",
    )
    try:
        reply_id = editor.reply_under(card, _plan(card, reply))
    except SendFailed as exc:
        if not exc.maybe_sent:
            posted_cards.release_edit(service.db, card.platform, card.reply_id)
        return Refreshed(card, Refresh.FAILED, pending.changes, exc.reason)
    _replied(service, card, pending.shown, reply_id, outcome.line)
    return Refreshed(card, Refresh.REPLIED, pending.changes)


def _replied(
    service: EvidenceService,
    card: PostedCard,
    shown: Mapping[str, Shown],
    reply_id: str,
    line: str,
) -> None:
    """The retraction reply is under the card: the card shows `shown` from now on."""
    posted_cards.mark(
        service.db,
        card.platform,
        card.reply_id,
        "frozen",
        f"no longer editable; retraction reply {reply_id}",
        shown=shown,
    )
    _mod_log(service, card, "retraction reply", f"{reply_id}: {line}")


def _mod_log(service: EvidenceService, card: PostedCard, action: str, detail: str) -> None:
    modlog.log_action(
        service.db,
        platform=card.platform,
        place=card.place,
        actor=ACTOR,
        action=action,
        target=card.reply_id,
        detail=detail[:500],
    )


class Refresher:
    """Runs `refresh_pass` from a running bot's loop once every `every` seconds (0: never).

    A pass that fails (the database locked, the platform down) is logged and tried again at
    the next due time: keeping cards current must never stop a bot from answering.
    """

    def __init__(
        self,
        service: EvidenceService,
        editor: CardEditor,
        every: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._service = service
        self._editor = editor
        self._every = every
        self._clock = clock
        self._due = clock()

    def maybe(self) -> list[Refreshed]:
        """Do a pass when one is due; what it did (empty when none was due)."""
        if self._every <= 0 or self._clock() < self._due:
            return []
        self._due = self._clock() + self._every
        try:
            done = refresh_pass(self._service, self._editor)
        except Exception:
            log.exception(
                "refreshing posted %s cards failed; trying again later", self._editor.platform
            )
            return []
        edited = sum(1 for r in done if r.status in {Refresh.EDITED, Refresh.FOUND})
        if done:
            log.info("refreshed posted %s cards: %d edited of %d out of date",
                     self._editor.platform, edited, len(done))  # fmt: skip
        return done


def refreshing(poll: Callable[[], T], refresher: Refresher) -> Callable[[], T]:
    """`poll`, followed by a refresh pass whenever one is due."""

    def poll_and_refresh() -> T:
        report = poll()
        refresher.maybe()
        return report

    return poll_and_refresh
