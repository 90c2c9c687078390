"""`deliver_async` runs the same delivery steps as `deliver`, for async platform clients."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from bot.core.delivery import Delivered, Delivery, SendFailed, deliver, deliver_async
from bot.core.service import EvidenceService, ReplyPlan
from records.models import Post
from records.replies import get_reply
from tests.core.conftest import FakeClock
from tests.core.recording_outlet import RecordingOutlet
from tests.core.test_delivery import plan_for


class AsyncOutletOf:
    """A RecordingOutlet behind awaitable methods, as an async platform client would be."""

    def __init__(self, outlet: RecordingOutlet) -> None:
        self.outlet = outlet

    async def send(self, to: Post, plan: ReplyPlan) -> str:
        await asyncio.sleep(0)
        return self.outlet.send(to, plan)

    async def find_reply(self, to: Post) -> str | None:
        await asyncio.sleep(0)
        return self.outlet.find_reply(to)


def run_async(service: EvidenceService, plan: ReplyPlan, outlet: RecordingOutlet) -> Delivery:
    """`deliver_async` with the service called through an awaited `call`, counting calls."""
    calls: list[str] = []

    async def call(function: Callable[..., Any], /, *args: Any) -> Any:
        calls.append(function.__name__)
        return function(*args)

    delivery = asyncio.run(deliver_async(service, plan, AsyncOutletOf(outlet), call=call))
    assert calls
    assert set(calls) <= {"claim", "confirm", "release"}
    return delivery


Runner = Callable[[EvidenceService, ReplyPlan, RecordingOutlet], Delivery]


def run_sync(service: EvidenceService, plan: ReplyPlan, outlet: RecordingOutlet) -> Delivery:
    return deliver(service, plan, outlet)


@pytest.mark.parametrize(
    ("failure", "status", "kept"),
    [
        (None, Delivered.SENT, True),
        (SendFailed("503"), Delivered.RELEASED, False),
        (SendFailed("forbidden", final=True), Delivered.GIVEN_UP, False),
        (SendFailed("timeout", maybe_sent=True), Delivered.UNCERTAIN, True),
    ],
)
def test_a_send_ends_as_it_does_synchronously(
    service: EvidenceService, failure: SendFailed | None, status: Delivered, kept: bool
) -> None:
    outlet = RecordingOutlet(fail_next=failure)
    plan = plan_for(service)
    delivery = run_async(service, plan, outlet)
    assert delivery.status is status
    assert (get_reply(service.db, "console", "1") is not None) is kept
    assert run_async(service, plan, outlet).status is (
        Delivered.ALREADY if kept else Delivered.SENT
    )


@pytest.mark.parametrize("runner", [run_async, run_sync])
def test_a_takeover_confirms_the_earlier_reply_or_keeps_the_claim(
    service: EvidenceService, clock: FakeClock, runner: Runner
) -> None:
    outlet = RecordingOutlet(fail_next=SendFailed("killed", maybe_sent=True))
    runner(service, plan_for(service), outlet)
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    outlet.lookup_fails = True
    assert runner(service, plan_for(service), outlet).status is Delivered.UNCERTAIN
    clock.advance(seconds=service.settings.reply.claim_lease_seconds + 1)
    outlet.lookup_fails = False
    outlet.earlier["1"] = "r-old"
    delivery = runner(service, plan_for(service), outlet)
    assert (delivery.status, delivery.reply_id) == (Delivered.FOUND, "r-old")
    assert outlet.sent == []
    record = get_reply(service.db, "console", "1")
    assert record is not None
    assert record.reply_id == "r-old"
