"""One post through the whole bot: a command or a citation, answered through an Outlet.

`Conversation.answer(post, ...)` is everything an adapter does with a member's post once it
has converted it: parse a `!evidence` command and run it (carrying out its typed task:
summon, post cards, remove a reply), or let the policy decide on cards; every reply goes
out through `deliver`, so each is claimed, sent and confirmed exactly once. The adapter
says who may moderate (`is_moderator`, asked only when a command needs it) and which
message the post answers (`replying_to`).

A platform words its answers by overriding `gone_text`, `already_text` and `NOT_MINE_TEXT`
(Reddit links the earlier answer). With `resume_uncertain`, a post whose reply may have
been sent (UNCERTAIN, or its confirmation failed) is resumed when it is answered again in
this process: the reply is looked for first and sent only when it does not exist, without
waiting for the claim's lease (for platforms whose "maybe sent" replies show up in the
bot's history at once).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.core.cards import Reply
from bot.core.commands import (
    Command,
    CommandResult,
    Invocation,
    PostCards,
    RemoveReply,
    SummonCards,
    execute,
    log_removal,
    parse_command,
)
from bot.core.delivery import (
    Delivered,
    Delivery,
    Outlet,
    SendFailed,
    deliver,
)
from bot.core.policy import Verdict
from bot.core.service import EvidenceService, Outcome, ReplyPlan, command_word
from records.models import Post
from records.replies import find_by_reply_id

GONE_TEXT = "The post you answered was deleted or cannot be read, so I cannot card it."
NOTHING_CITED_TEXT = "I found no study from the atlas cited there."
ALREADY_TEXT = "I have already answered that post with its evidence cards."
NOT_MINE_TEXT = "I can only remove my own replies: answer one of them with this command."


@dataclass(frozen=True)
class Handled:
    """What answering one post did.

    `outcome` is the policy's view of a citing post (None for commands); `delivery` the
    reply's fate when one was attempted. `retry` tells an adapter that tracks handled
    items to look at the post again later instead of marking it done.
    """

    command: str | None = None
    outcome: Outcome | None = None
    delivery: Delivery | None = None
    result: CommandResult | None = None
    waiting: bool = False
    failed: str | None = None

    @property
    def replied(self) -> bool:
        """True when a reply of ours exists for this post now."""
        return self.delivery is not None and self.delivery.answered

    @property
    def retry(self) -> bool:
        """True when the post is not finished: a reply to send again, or another's claim."""
        return (
            self.waiting or self.failed is not None or bool(self.delivery and self.delivery.retry)
        )


def text_plan(post: Post, text: str, command: str) -> ReplyPlan:
    """A plain answer (no cards) to `post`, rendered like any reply."""
    reply = Reply(cards=(), command=command, footer=False, notice=text)
    return ReplyPlan(post=post, reply=reply, entry_ids=(), summoned=True)


class Conversation:
    """Answers posts of one platform through its outlet, with the shared service."""

    NOT_MINE_TEXT = NOT_MINE_TEXT

    def __init__(
        self,
        service: EvidenceService,
        outlet: Outlet,
        platform: str,
        *,
        resume_uncertain: bool = False,
    ) -> None:
        self.service = service
        self.outlet = outlet
        self.platform = platform
        self.command_word = command_word(platform, service.settings)
        self._resume_uncertain = resume_uncertain
        # Posts whose reply may exist, kept claimed by this process: post -> (to, plan).
        self._uncertain: dict[str, tuple[Post, ReplyPlan]] = {}

    def gone_text(self) -> str:
        """The answer to a summons or `post` whose target is gone."""
        return GONE_TEXT

    def already_text(self, target: Post) -> str:
        """The answer to a summons of a post that was answered already."""
        return ALREADY_TEXT

    def _deliver(
        self, post: Post, plan: ReplyPlan, to: Post | None = None, *, resume: bool = False
    ) -> Delivery:
        """`deliver` for `post`, remembering an unsettled claim to resume it (if enabled)."""
        target = to or plan.post

        def hold(claimed: ReplyPlan) -> None:
            self._uncertain[post.message_id] = (target, claimed)

        held = hold if self._resume_uncertain else None
        return deliver(self.service, plan, self.outlet, to=target, resume=resume, hold=held)

    def _resume(self, post: Post) -> Handled | None:
        """Finish the delivery this process left UNCERTAIN for `post`, if there is one."""
        held = self._uncertain.pop(post.message_id, None)
        if held is None:
            return None
        to, plan = held
        return Handled(delivery=self._deliver(post, plan, to, resume=True))

    def answer(
        self, post: Post, *, is_moderator: Callable[[], bool], replying_to: str | None = None
    ) -> Handled:
        """Run `post`'s command, or card what it cites, as the policy allows."""
        resumed = self._resume(post)
        if resumed is not None:
            return resumed
        command = self.command_in(post)
        if command is not None:
            return self._command(post, command, is_moderator, replying_to)
        outcome = self.service.evaluate(post)
        if outcome.plan is None:
            # The verdict and the claim's state come from one clock reading: a second
            # reading could find the claim live, then abandoned, and nobody would answer.
            waiting = (
                outcome.decision.verdict is Verdict.ALREADY_ANSWERED and outcome.claim_in_flight
            )
            return Handled(outcome=outcome, waiting=waiting)
        return Handled(outcome=outcome, delivery=self._deliver(post, outcome.plan))

    def command_in(self, post: Post) -> Command | None:
        """The post's `!evidence` command; bots and the bot itself issue none."""
        if post.author_is_bot or post.author_id in self.service.self_ids:
            return None
        return parse_command(post.text, self.command_word)

    def _command(
        self,
        post: Post,
        command: Command,
        is_moderator: Callable[[], bool],
        replying_to: str | None,
    ) -> Handled:
        invocation = Invocation(post=post, is_moderator=is_moderator, target_id=replying_to)
        result = execute(self.service, command, invocation)
        task = result.task
        if result.silent:
            return Handled(command=command.name.value, result=result)
        if isinstance(task, SummonCards):
            return self._summon(post, task, result)
        if isinstance(task, RemoveReply):
            return self._remove(invocation, task, result)
        if isinstance(task, PostCards):
            return self._post_cards(post, task, result)
        if result.plan is not None:
            delivery = self._deliver(post, result.plan)
            return Handled(command=command.name.value, delivery=delivery, result=result)
        # The command has taken effect (and is in the mod-log): a lost confirmation is not
        # worth running it a second time.
        return self._say(post, result.text, result, retry=False)

    def _post_cards(self, post: Post, task: PostCards, result: CommandResult) -> Handled:
        """A moderator's `post <study>`: the card goes under the message the command answers."""
        target = self.outlet.fetch_post(task.target_id)
        if target is None:
            return self._say(post, self.gone_text(), result)
        delivery = self._deliver(post, task.plan, to=target)
        return Handled(command=result.command.name.value, delivery=delivery, result=result)

    def _summon(self, post: Post, task: SummonCards, result: CommandResult) -> Handled:
        """A bare summons: card what the answered post cites, replying to the summoner."""
        target = post if task.target_id is None else self.outlet.fetch_post(task.target_id)
        if target is None:
            return self._say(post, self.gone_text(), result)
        outcome = self.service.evaluate(target, summoned=True)
        if outcome.plan is not None:
            delivery = self._deliver(post, outcome.plan, to=post)
            return Handled(command=result.command.name.value, delivery=delivery, result=result)
        verdict = outcome.decision.verdict
        if verdict is Verdict.NO_STUDIES:
            return self._say(post, NOTHING_CITED_TEXT, result)
        if verdict is Verdict.ALREADY_ANSWERED:
            return self._say(post, self.already_text(target), result)
        return Handled(command=result.command.name.value, outcome=outcome, result=result)

    def _remove(self, invocation: Invocation, task: RemoveReply, result: CommandResult) -> Handled:
        """Delete the bot's reply the command answers; anything else is refused."""
        name = result.command.name.value
        if not self._is_ours(task.reply_id):
            return self._say(invocation.post, self.NOT_MINE_TEXT, result)
        try:
            self.outlet.delete(task.reply_id)
        except SendFailed as exc:
            return Handled(command=name, result=result, failed=exc.reason)
        log_removal(self.service, invocation, task.reply_id)
        return Handled(command=name, result=result)

    def _is_ours(self, reply_id: str) -> bool:
        if find_by_reply_id(self.service.db, self.platform, reply_id) is not None:
            return True
        post = self.outlet.fetch_post(reply_id)
        return post is not None and post.author_id in self.service.self_ids

    def _say(self, post: Post, text: str, result: CommandResult, *, retry: bool = True) -> Handled:
        """Answer a command with a short text.

        Not claimed in the reply log (which counts cards): the adapter's handled-items mark
        keeps it from repeating. With `retry` False (the confirmation of a command that has
        taken effect) a failed send is given up: running the command again is not worth it.
        """
        name = result.command.name.value
        if not text:
            return Handled(command=name, result=result)
        plan = text_plan(post, text, self.command_word)
        try:
            reply_id = self.outlet.send(post, plan)
        except SendFailed as exc:
            given_up = exc.final or exc.maybe_sent or not retry
            status = Delivered.GIVEN_UP if given_up else Delivered.RELEASED
            status = Delivered.DEFERRED if exc.defer and retry else status
            return Handled(
                command=name, result=result, delivery=Delivery(status, reason=exc.reason)
            )
        delivery = Delivery(Delivered.SENT, reply_id=reply_id, plan=plan)
        return Handled(command=name, delivery=delivery, result=result)
