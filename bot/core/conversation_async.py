"""The conversation's async driver: the same steps as `Conversation.answer`, for async SDKs.

A platform whose client is async (discord.py; Matrix's, Slack's and most websocket SDKs)
cannot call the synchronous core from its event loop, nor its own client from the core's
thread. `answer_async` runs `Dialogue.steps` on the loop: the core's work through `call`
(an async adapter's `CoreRunner.call`, which runs it on the core thread), the platform's
through an `AsyncTalk`, and deliveries through `deliver_async`. So the command switch, the
summons, the remove checks and the in-flight rule are the ones every platform follows.

`hold` (e.g. `KeyedLocks.hold`) serialises work on one message: the answered post is held
for the whole answer, and a delivery for another message (a summons' target) holds that
one too, so a duplicate event waits and then finds the reply logged.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, AsyncExitStack
from dataclasses import dataclass
from typing import Any, Protocol

from bot.core.commands import Invocation
from bot.core.conversation import (
    Announce,
    Audience,
    Core,
    Delete,
    Deliver,
    Dialogue,
    Fetch,
    Handled,
    Say,
    SendUnclaimed,
    Step,
    advance,
)
from bot.core.delivery import (
    AsyncOutlet,
    CoreCall,
    Delivered,
    Delivery,
    SendFailed,
    deliver_async,
)
from records.models import Post

Hold = Callable[[str], AbstractAsyncContextManager[None]]


class AsyncTalk(Protocol):
    """What `answer_async` needs from an async platform for one post."""

    def outlet_for(self, to: Post, *, again: bool) -> AsyncOutlet:
        """The outlet that replies to `to` (`again`: a moderator's card that may repeat one)."""
        ...

    async def fetch_post(self, message_id: str) -> Post | None:
        """The post `message_id`, or None when it is gone or cannot be read here."""
        ...

    async def delete(self, reply_id: str) -> None:
        """Delete one of the bot's replies; raises `SendFailed` when that failed."""
        ...

    async def say(self, to: Post, text: str, audience: Audience) -> str | None:
        """Answer `to` with a short text, as privately as `audience` allows; the reply's id
        (None: nothing was posted, or nothing that can be referred to)."""
        ...

    async def announce(self, invocation: Invocation, text: str) -> None:
        """Tell the moderators' channel what a moderator did (if the platform has one)."""
        ...


async def answer_async(
    dialogue: Dialogue,
    post: Post,
    *,
    talk: AsyncTalk,
    call: CoreCall,
    is_moderator: Callable[[], bool],
    replying_to: str | None = None,
    commands: bool = True,
    hold: Hold | None = None,
) -> Handled:
    """`Conversation.answer` for an async platform: the same steps, awaited."""
    steps = dialogue.steps(
        post, is_moderator=is_moderator, replying_to=replying_to, commands=commands
    )
    driver = _Driver(dialogue, talk, call, hold, held={post.message_id})
    async with AsyncExitStack() as locks:
        if hold is not None:
            await locks.enter_async_context(hold(post.message_id))
        step = advance(steps, None)
        while not isinstance(step, Handled):
            try:
                answer = await driver.do(step)
            except SendFailed as exc:
                step = advance(steps, None, exc)
            else:
                step = advance(steps, answer)
    return step


@dataclass
class _Driver:
    """Does each step of one answer; `held` are the message ids whose locks it holds."""

    dialogue: Dialogue
    talk: AsyncTalk
    call: CoreCall
    hold: Hold | None
    held: set[str]

    async def do(self, step: Step) -> Any:  # noqa: PLR0911 - one return a step
        talk = self.talk
        if isinstance(step, Core):
            return await self.call(step.function, *step.args, **step.kwargs)
        if isinstance(step, Fetch):
            return await talk.fetch_post(step.message_id)
        if isinstance(step, Deliver):
            return await self._deliver(step)
        if isinstance(step, SendUnclaimed):
            return await talk.outlet_for(step.to, again=True).send(step.to, step.plan)
        if isinstance(step, Delete):
            return await talk.delete(step.reply_id)
        if isinstance(step, Say):
            reply_id = await talk.say(step.post, step.text, step.audience)
            return None if reply_id is None else Delivery(Delivered.SENT, reply_id=reply_id)
        assert isinstance(step, Announce)
        return await talk.announce(step.invocation, step.text)

    async def _deliver(self, step: Deliver) -> Delivery:
        """The delivery sequence, holding the claimed message's lock unless held already."""
        outlet = self.talk.outlet_for(step.to, again=step.again)
        key = step.plan.post.message_id
        async with AsyncExitStack() as locks:
            if self.hold is not None and key not in self.held:
                await locks.enter_async_context(self.hold(key))
            service = self.dialogue.service
            return await deliver_async(service, step.plan, outlet, call=self.call, to=step.to)
