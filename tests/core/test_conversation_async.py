"""`answer_async` runs the very steps `Conversation.answer` runs: the same posts, outlets
and records give the same replies, deletions and mod-log whichever driver runs them.

The async talk below forwards to the `RecordingOutlet` the sync driver uses, and posts
public and private texts as replies, as a forum would; the core's calls go through an
awaited `call`, as an async adapter's core thread would run them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.core.commands import Invocation
from bot.core.conversation import Audience, Conversation, Dialogue, Handled, text_plan
from bot.core.conversation_async import answer_async
from bot.core.delivery import SendFailed
from bot.core.factory import build_service
from bot.core.service import EvidenceService, ReplyPlan
from config.settings import Settings
from records.atlas_store import upsert_entries
from records.db import open_db
from records.models import Post
from records.modlog import recent_actions
from tests.core.conftest import LEE_DOI, FakeClock, make_post, sample_entries
from tests.core.recording_outlet import RecordingOutlet


@dataclass
class ForumLikeTalk:
    """An `AsyncTalk` over a `RecordingOutlet`: what a forum-like async adapter would do."""

    outlet: RecordingOutlet
    word: str = "!evidence"
    acknowledged: list[tuple[str, Audience]] = field(default_factory=list)
    announced: list[str] = field(default_factory=list)

    def outlet_for(self, to: Post, *, again: bool) -> ForumLikeTalk:
        return self

    async def send(self, to: Post, plan: ReplyPlan) -> str:
        return self.outlet.send(to, plan)

    async def find_reply(self, to: Post) -> str | None:
        return self.outlet.find_reply(to)

    async def fetch_post(self, message_id: str) -> Post | None:
        return self.outlet.fetch_post(message_id)

    async def delete(self, reply_id: str) -> None:
        self.outlet.delete(reply_id)

    async def say(self, to: Post, text: str, audience: Audience) -> str | None:
        if audience in {Audience.PUBLIC, Audience.PRIVATE}:
            return self.outlet.send(to, text_plan(to, text, self.word))
        self.acknowledged.append((text, audience))
        return None

    async def announce(self, invocation: Invocation, text: str) -> None:
        self.announced.append(text)


async def on_core(function: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
    """The core's work, awaited (a real adapter runs it on its core thread)."""
    await asyncio.sleep(0)
    return function(*args, **kwargs)


def never() -> bool:
    return False


def always() -> bool:
    return True


# (posts in order: text, message id, moderator?, replying to), the outlet's known posts.
Scenario = tuple[list[tuple[str, str, bool, str | None]], dict[str, Post]]
SCENARIOS: dict[str, Scenario] = {
    "a citing post gets its card": ([(f"see {LEE_DOI}", "1", False, None)], {}),
    "a member cannot switch the bot off": ([("!evidence off", "1", False, None)], {}),
    "off, then a citation gets nothing": (
        [("!evidence off", "1", True, None), (f"see {LEE_DOI}", "2", False, None)],
        {},
    ),
    "a summons cards the answered post": (
        [("!evidence", "2", False, "1")],
        {"1": make_post(f"see {LEE_DOI}", message_id="1", author_id="m2")},
    ),
    "a summons of a post citing nothing says so": (
        [("!evidence", "2", False, "1")],
        {"1": make_post("hello", message_id="1")},
    ),
    "a moderator posts a card under a message": (
        [(f"!evidence post {LEE_DOI}", "2", True, "1")],
        {"1": make_post("which one?", message_id="1")},
    ),
    "remove deletes the bot's reply": (
        [(f"see {LEE_DOI}", "1", False, None), ("!evidence remove", "2", True, "r1")],
        {},
    ),
    "remove of a member's post is refused": (
        [("!evidence remove", "2", True, "1")],
        {"1": make_post("mine", message_id="1")},
    ),
    "a lookup shows the card": ([(f"!evidence {LEE_DOI}", "1", False, None)], {}),
    "help is answered": ([("!evidence help", "1", False, None)], {}),
}


@dataclass(frozen=True)
class Seen:
    """What a run left behind, comparable between the drivers."""

    handled: list[tuple[str | None, bool, bool]]
    sent: list[tuple[str, tuple[str, ...], str | None]]
    deleted: list[str]
    actions: list[str]


def seen(results: list[Handled], outlet: RecordingOutlet, service: EvidenceService) -> Seen:
    return Seen(
        handled=[(h.command, h.replied, h.retry) for h in results],
        sent=[(to, plan.entry_ids, plan.reply.notice) for to, plan, _id in outlet.sent],
        deleted=list(outlet.deleted),
        actions=[a.action for a in recent_actions(service.db)],
    )


@pytest.fixture
def twin(tmp_path: Path, settings: Settings, clock: FakeClock) -> Iterator[EvidenceService]:
    """A second service like `service`, over a records file of its own."""
    db = open_db(tmp_path / "twin.db")
    upsert_entries(db, sample_entries())
    yield build_service(db, settings, clock=clock)
    db.close()


@pytest.mark.parametrize("name", SCENARIOS)
async def test_the_async_driver_answers_exactly_as_the_sync_one(
    service: EvidenceService, twin: EvidenceService, name: str
) -> None:
    posts, known = SCENARIOS[name]
    sync_outlet = RecordingOutlet(posts=dict(known))
    conversation = Conversation(service, sync_outlet, "console")
    sync_results = [
        conversation.answer(
            make_post(text, message_id=f"s{mid}"),
            is_moderator=always if mod else never,
            replying_to=target,
        )
        for text, mid, mod, target in posts
    ]
    expected = seen(sync_results, sync_outlet, service)

    async_outlet = RecordingOutlet(posts=dict(known))
    talk = ForumLikeTalk(async_outlet)
    async_results = [
        await answer_async(
            Dialogue(twin, "console"),
            make_post(text, message_id=f"s{mid}"),
            talk=talk,
            call=on_core,
            is_moderator=always if mod else never,
            replying_to=target,
        )
        for text, mid, mod, target in posts
    ]
    assert seen(async_results, async_outlet, twin) == expected


async def test_a_failed_delete_is_acknowledged_only_where_answers_can_be_private(
    service: EvidenceService,
) -> None:
    outlet = RecordingOutlet()
    talk = ForumLikeTalk(outlet)
    dialogue = Dialogue(service, "console")
    await answer_async(
        dialogue, make_post(f"see {LEE_DOI}"), talk=talk, call=on_core, is_moderator=never
    )
    outlet.fail_next = SendFailed("502")
    handled = await answer_async(
        dialogue,
        make_post("!evidence remove", message_id="2"),
        talk=talk,
        call=on_core,
        is_moderator=always,
        replying_to="r1",
    )
    assert handled.retry
    assert [audience for _text, audience in talk.acknowledged] == [Audience.ACK]
    assert talk.announced == []


async def test_a_summons_delivery_holds_its_targets_lock_and_the_summons_own(
    service: EvidenceService,
) -> None:
    cited = make_post(f"see {LEE_DOI}", message_id="1", author_id="m2")
    talk = ForumLikeTalk(RecordingOutlet(posts={"1": cited}))
    held: list[str] = []

    @asynccontextmanager
    async def hold(key: str) -> AsyncIterator[None]:
        held.append(key)
        yield

    handled = await answer_async(
        Dialogue(service, "console"),
        make_post("!evidence", message_id="2"),
        talk=talk,
        call=on_core,
        is_moderator=never,
        replying_to="1",
        hold=hold,
    )
    assert handled.replied
    assert held == ["2", "1"]
