"""One delivery protocol for every platform: claim → send → confirm, or release.

An adapter implements `Outlet` (four small operations on its platform) and calls
`deliver(service, plan, outlet)`; the sequence that guarantees a message is answered at most
once, across processes and restarts, lives here and nowhere else:

1. claim the message in the reply log (`service.claim`): nothing to do when another
   delivery won it;
2. when the claim was taken over from a process killed before confirming, ask the outlet
   for that process's reply (`find_reply`) and confirm it instead of sending a copy;
3. send; confirm with the new reply's id;
4. when sending failed and the reply surely does not exist, release the claim so a later
   delivery may answer; when it may exist (a timeout after the request left), keep the
   claim: once its lease runs out the next delivery looks for the reply first.

The sequence is written once, as steps (`delivery_steps`); `deliver` runs them for a
synchronous outlet, `deliver_async` for an async platform client (Discord), so both follow
the same decisions.

Two helpers serve adapters' `send`: `found_despite`, after a failure that may have made the
reply (a 5xx after the request was read), looks for it once, now; `reply_key` is the same
key for every attempt at one reply, for platforms whose sends take an idempotency key.

`claim_state` is the takeover rule as a verdict for adapters that track handled items: a
message whose claim is still inside its lease is being answered elsewhere (wait and look
again), one past the lease is abandoned (the next delivery takes it over).

Two outcomes serve platforms with more to say about a refusal:
- `SendFailed(defer=True)`: the platform refuses replies in the whole place for now (Reddit:
  the bot is banned from the subreddit). The claim is released and the delivery ends
  DEFERRED: the adapter keeps the item and delivers it again once the place takes replies.
- `deliver(..., resume=True)`: the process that kept an UNCERTAIN claim delivers the same
  plan again without waiting for the lease: it holds the claim, so no other delivery can
  answer meanwhile; it looks for the earlier reply first, exactly as a takeover does.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Generator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from bot.core.service import EvidenceService, ReplyPlan
from bot.errors import LookupFailed as LookupFailed  # noqa: PLC0414 - tests import it here
from bot.errors import SendFailed as SendFailed  # noqa: PLC0414 - tests import it here
from records import replies
from records.models import Post

log = logging.getLogger(__name__)


class Outlet(Protocol):
    """What the core needs from a platform to answer, remove and follow up on posts."""

    def send(self, to: Post, plan: ReplyPlan) -> str:
        """Post `plan` (rendered for the platform) in answer to `to`; the new reply's id.

        Raises `SendFailed` when the reply was not (or may not have been) made.
        """
        ...

    def find_reply(self, to: Post) -> str | None:
        """The id of a reply of ours to `to` made earlier, or None when there is none.

        Raises `LookupFailed` when the platform cannot be read to tell.
        """
        ...

    def delete(self, reply_id: str) -> None:
        """Delete one of the bot's replies; raises `SendFailed` when that failed."""
        ...

    def fetch_post(self, message_id: str) -> Post | None:
        """The post `message_id` as a Post, or None when it is gone or unknown."""
        ...


class Delivered(StrEnum):
    """How one delivery ended."""

    SENT = "sent"
    FOUND = "found the reply an earlier process sent"
    ALREADY = "answered before, or by another process"
    RELEASED = "not sent; released for a later delivery"
    GIVEN_UP = "not sent, and cannot be (final refusal)"
    UNCERTAIN = "may have been sent; kept claimed until the lease runs out"
    DEFERRED = "not sent: the place refuses replies for now; released, kept for later"


@dataclass(frozen=True)
class Delivery:
    """The outcome of `deliver`: what happened, the reply's id, the plan as claimed."""

    status: Delivered
    reply_id: str | None = None
    plan: ReplyPlan | None = None
    reason: str = ""

    @property
    def answered(self) -> bool:
        """True when a reply of ours now exists for the plan (sent now or found)."""
        return self.status in {Delivered.SENT, Delivered.FOUND}

    @property
    def retry(self) -> bool:
        """True when the message should be tried again later (not answered, not final)."""
        return self.status in {Delivered.RELEASED, Delivered.UNCERTAIN}


class AsyncOutlet(Protocol):
    """What `deliver_async` needs from a platform whose client is async (Discord)."""

    async def send(self, to: Post, plan: ReplyPlan) -> str:
        """As `Outlet.send`, awaited on the platform's event loop."""
        ...

    async def find_reply(self, to: Post) -> str | None:
        """As `Outlet.find_reply`, awaited on the platform's event loop."""
        ...


def reply_key(message_id: str, entry_ids: Sequence[str]) -> str:
    """The same key (64 hex digits) for every attempt to card these studies under this
    message, for a platform that makes a send idempotent by a key of the sender's (Discord's
    `nonce` with `enforce_nonce`, a Matrix transaction id): a resend after a lost answer gets
    the reply already made back; an edit carding other studies gets another key."""
    return hashlib.sha256(f"{message_id}:{','.join(entry_ids)}".encode()).hexdigest()


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


@dataclass(frozen=True)
class Claim:
    """Step: `service.claim(plan)`; answers the claimed plan or None."""

    plan: ReplyPlan


@dataclass(frozen=True)
class FindReply:
    """Step: `outlet.find_reply(to)`; answers an id or None, may raise `LookupFailed`."""

    to: Post


@dataclass(frozen=True)
class Send:
    """Step: `outlet.send(to, plan)`; answers the reply's id, may raise `SendFailed`."""

    to: Post
    plan: ReplyPlan


@dataclass(frozen=True)
class Confirm:
    """Step: `service.confirm(plan, reply_id)`."""

    plan: ReplyPlan
    reply_id: str


@dataclass(frozen=True)
class Release:
    """Step: `service.release(plan)`."""

    plan: ReplyPlan


Step = Claim | FindReply | Send | Confirm | Release
# Yields each step, is sent each step's answer (or thrown its failure), returns the outcome.
Steps = Generator[Step, Any, Delivery]


def delivery_steps(plan: ReplyPlan, target: Post, *, resume: bool = False) -> Steps:
    """The delivery sequence, the one place that decides claim, takeover, confirm, release.

    Written as steps so that a synchronous adapter (`deliver`) and an async one
    (`deliver_async`) run the very same decisions, each doing the steps its own way.
    `resume`: `plan` is this process's own UNCERTAIN claim (see `deliver`).
    """
    claimed = plan if resume else (yield Claim(plan))
    if claimed is None:
        return Delivery(Delivered.ALREADY)
    if resume or claimed.takeover:
        try:
            earlier = yield FindReply(target)
        except LookupFailed as exc:
            # Keep the renewed claim: posting now could make a second copy.
            log.warning("message %s: cannot look for an earlier reply (%s)", target.message_id, exc)
            return Delivery(Delivered.UNCERTAIN, plan=claimed, reason=str(exc))
        if earlier is not None:
            log.info("message %s: confirming the reply a stopped process sent", target.message_id)
            yield Confirm(claimed, earlier)
            return Delivery(Delivered.FOUND, reply_id=earlier, plan=claimed)
    try:
        reply_id = yield Send(target, claimed)
    except SendFailed as exc:
        if exc.maybe_sent:
            log.warning("reply to %s may have been posted (%s)", target.message_id, exc.reason)
            return Delivery(Delivered.UNCERTAIN, plan=claimed, reason=exc.reason)
        yield Release(claimed)
        status = Delivered.GIVEN_UP if exc.final else Delivered.RELEASED
        if exc.defer:
            status = Delivered.DEFERRED
        log.info("reply to %s not sent (%s): %s", target.message_id, exc.reason, status.value)
        return Delivery(status, plan=claimed, reason=exc.reason)
    yield Confirm(claimed, reply_id)
    return Delivery(Delivered.SENT, reply_id=reply_id, plan=claimed)


def deliver(
    service: EvidenceService,
    plan: ReplyPlan,
    outlet: Outlet,
    *,
    to: Post | None = None,
    resume: bool = False,
    hold: Callable[[ReplyPlan], None] | None = None,
) -> Delivery:
    """Claim `plan.post`, send the reply to `to` (default: that post), confirm or release.

    `to` differs from `plan.post` when the reply answers someone else's request: a summons
    is answered under the summoning post with the cards of the post it points at.
    `resume` delivers a plan this process claimed before and left UNCERTAIN (`plan` is the
    claimed plan of that delivery): no new claim, and the earlier reply is looked for first.
    `hold` is told the claimed plan whenever the delivery ends with the claim unsettled
    (UNCERTAIN, or an error such as a locked database after the reply went out), so the
    caller can resume it.
    """
    steps = delivery_steps(plan, to or plan.post, resume=resume)
    claimed = plan if resume else None
    step = _advance(steps, None)
    try:
        while not isinstance(step, Delivery):
            try:
                answer = _do(step, service, outlet)
            except (SendFailed, LookupFailed) as exc:
                step = _advance(steps, None, exc)
                continue
            if isinstance(step, Claim):
                claimed = answer
            step = _advance(steps, answer)
    except BaseException:
        if hold is not None and claimed is not None:
            hold(claimed)
        raise
    if hold is not None and claimed is not None and step.status is Delivered.UNCERTAIN:
        hold(claimed)
    return step


def _advance(steps: Steps, answer: Any, failure: Exception | None = None) -> Step | Delivery:
    """Give the sequence the last step's answer (or failure); the next step, or the end."""
    try:
        return steps.send(answer) if failure is None else steps.throw(failure)
    except StopIteration as done:
        outcome: Delivery = done.value
        return outcome


def _do(step: Step, service: EvidenceService, outlet: Outlet) -> Any:
    if isinstance(step, Claim):
        return service.claim(step.plan)
    if isinstance(step, FindReply):
        return outlet.find_reply(step.to)
    if isinstance(step, Send):
        return outlet.send(step.to, step.plan)
    if isinstance(step, Confirm):
        return service.confirm(step.plan, step.reply_id)
    return service.release(step.plan)


class CoreCall(Protocol):
    """Runs a core function where the core runs (an async adapter's core thread)."""

    def __call__(
        self, function: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> Awaitable[Any]: ...


async def deliver_async(
    service: EvidenceService,
    plan: ReplyPlan,
    outlet: AsyncOutlet,
    *,
    call: CoreCall,
    to: Post | None = None,
) -> Delivery:
    """`deliver` for an async platform: the same steps, the outlet's awaited on the loop,
    the service's run through `call` (e.g. on the core thread)."""
    steps = delivery_steps(plan, to or plan.post)
    step = _advance(steps, None)
    while not isinstance(step, Delivery):
        try:
            answer = await _do_async(step, service, outlet, call)
        except (SendFailed, LookupFailed) as exc:
            step = _advance(steps, None, exc)
        else:
            step = _advance(steps, answer)
    return step


async def _do_async(
    step: Step, service: EvidenceService, outlet: AsyncOutlet, call: CoreCall
) -> Any:
    if isinstance(step, FindReply):
        return await outlet.find_reply(step.to)
    if isinstance(step, Send):
        return await outlet.send(step.to, step.plan)
    if isinstance(step, Claim):
        return await call(service.claim, step.plan)
    if isinstance(step, Confirm):
        return await call(service.confirm, step.plan, step.reply_id)
    return await call(service.release, step.plan)


class ClaimState(StrEnum):
    """Where a message stands in the reply log: the takeover rule as a verdict."""

    UNANSWERED = "unanswered"
    ANSWERED = "answered"
    IN_FLIGHT = "claimed by a delivery still inside its lease"
    ABANDONED = "claimed, unconfirmed past the lease (its process died)"


def claim_state(service: EvidenceService, post: Post, *, now: datetime | None = None) -> ClaimState:
    """Whether `post` is answered, unanswered, or claimed by a live or a dead delivery.

    An adapter that marks items handled must not mark an IN_FLIGHT one: if that delivery's
    process dies, nothing would ever answer it. It waits and looks again; past the lease
    (`reply.claim_lease_seconds`) the claim is ABANDONED and the next `deliver` takes over.
    """
    record = replies.get_reply(service.db, post.platform, post.message_id)
    if record is None:
        return ClaimState.UNANSWERED
    if record.reply_id is not None:
        return ClaimState.ANSWERED
    moment = now or service.clock()
    stale_before = moment - timedelta(seconds=service.settings.reply.claim_lease_seconds)
    if replies.is_stale_claim(record, stale_before):
        return ClaimState.ABANDONED
    return ClaimState.IN_FLIGHT
