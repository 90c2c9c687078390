"""One post through the whole bot: a command or a citation, answered through an Outlet.

The conversation is written once, as steps (`Conversation.steps`), the way the delivery
sequence is (`bot.core.delivery.delivery_steps`): it parses a `!evidence` command and runs
it (carrying out its typed task: summon, post cards, remove a reply), or lets the policy
decide on cards, and yields each thing it needs done (`Core` work on the records, `Fetch` a
post, `Deliver` a plan, `Delete` a reply, `Say` a short text, `Announce` to moderators).
Two drivers run the same steps: `Conversation.answer` for a synchronous platform over an
`Outlet`, `answer_async` (in `bot.core.conversation_async`) for an async SDK, whose core
work runs where the core runs. Every reply goes out through the delivery sequence, so each
is claimed, sent and confirmed exactly once. The adapter says who may moderate
(`is_moderator`, asked only when a command needs it) and which message the post answers
(`replying_to`).

A platform words its answers by overriding `gone_text`, `already_text`, `missing_text`,
`no_card_text` and `NOT_MINE_TEXT` (Reddit links the earlier answer), and states its manners
in four class attributes (`SUMMONS_OWN_POST`, `CARDS_UNDER_TARGET`, `CLAIMS_LOOKUPS`,
`POST_CLAIMS_TARGET`; Discord differs in all four). Each `Say` has an `Audience`: a platform
without private answers (a forum) posts PUBLIC and PRIVATE texts as replies and leaves out
the rest. With `resume_uncertain`, a post whose reply may have been sent (UNCERTAIN, or its
confirmation failed) is resumed when it is answered again in this process: the reply is
looked for first and sent only when it does not exist, without waiting for the claim's
lease (for platforms whose "maybe sent" replies show up in the bot's history at once).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

from bot.core.cards import Reply
from bot.core.commands import (
    Command,
    CommandResult,
    Invocation,
    Name,
    PostCards,
    RemoveReply,
    SummonCards,
    Task,
    execute,
    log_removal,
    parse_command,
)
from bot.core.delivery import Delivered, Delivery, Outlet, deliver
from bot.core.policy import Verdict
from bot.core.service import EvidenceService, Outcome, ReplyPlan, command_word
from bot.errors import SendFailed
from records.models import Post
from records.replies import find_by_reply_id

GONE_TEXT = "The post you answered was deleted or cannot be read, so I cannot card it."
NOTHING_CITED_TEXT = "I found no study from the atlas cited there."
ALREADY_TEXT = "I have already answered that post with its evidence cards."
NOT_MINE_TEXT = "I can only remove my own replies: answer one of them with this command."
FAILED_TEXT = "Sorry, that did not work. The bot's log has the details."
HAS_CARDS_TEXT = "That message has its cards already."
UNNAMED_TEXT = "Give the link or id of my message."
# Answers everyone in the place should see; every other answer concerns the member alone.
PUBLIC_ANSWERS = frozenset({Name.LOOKUP, Name.HELP})
# Moderator commands that change the place: told to the moderators' channel, where there is one.
ANNOUNCED = frozenset(
    {Name.ON, Name.OFF, Name.SUMMON_ONLY, Name.COOLDOWN, Name.DESCRIPTIONS, Name.REFRESH}
)


class Audience(StrEnum):
    """Who an answer is for, so a platform with private answers can keep it private."""

    PUBLIC = "everyone in the place"
    PRIVATE = "the member (privately where the platform can)"
    ACK = "an acknowledgement: only where it can be private or must be given"
    SILENT = "the bot is off here: only where an answer must be given"


@dataclass(frozen=True)
class Core:
    """Step: `function(*args, **kwargs)` on the core (the records); answers its result."""

    function: Callable[..., Any]
    args: tuple[Any, ...] = ()
    kwargs: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Fetch:
    """Step: the platform's post `message_id` (None: gone or unreadable)."""

    message_id: str


@dataclass(frozen=True)
class Deliver:
    """Step: the delivery sequence for `plan`, replying to `to`; answers a `Delivery`.

    `post` is the post being answered; `again` marks a moderator's explicit card, which may
    repeat one sent (and removed) before, so nothing may make it return an earlier reply.
    """

    post: Post
    plan: ReplyPlan
    to: Post
    again: bool = False


@dataclass(frozen=True)
class SendUnclaimed:
    """Step: send `plan` to `to` without a claim in the reply log; answers the reply's id."""

    to: Post
    plan: ReplyPlan


@dataclass(frozen=True)
class Delete:
    """Step: delete the bot's reply `reply_id`; may raise `SendFailed`."""

    reply_id: str


@dataclass(frozen=True)
class Say:
    """Step: a short text answering `post`; answers a `Delivery`, or None when not posted."""

    post: Post
    text: str
    audience: Audience


@dataclass(frozen=True)
class Announce:
    """Step: tell the moderators' channel (where the platform has one) what a moderator did."""

    invocation: Invocation
    text: str


Step = Core | Fetch | Deliver | SendUnclaimed | Delete | Say | Announce


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


# Yields each step, is sent each step's answer (or thrown its failure), returns the outcome.
Steps = Generator[Step, Any, Handled]


def text_plan(post: Post, text: str, command: str) -> ReplyPlan:
    """A plain answer (no cards) to `post`, rendered like any reply."""
    reply = Reply(cards=(), command=command, footer=False, notice=text)
    return ReplyPlan(post=post, reply=reply, entry_ids=(), summoned=True)


def unclaimed_failure(exc: SendFailed, *, retry: bool = True) -> Delivery:
    """How a send outside the reply log ended: given up, released, or deferred.

    With `retry` False (the confirmation of a command that has taken effect) a failed send
    is given up: running the command again is not worth it.
    """
    given_up = exc.final or exc.maybe_sent or not retry
    status = Delivered.GIVEN_UP if given_up else Delivered.RELEASED
    status = Delivered.DEFERRED if exc.defer and retry else status
    return Delivery(status, reason=exc.reason)


def advance(steps: Steps, answer: Any, failure: Exception | None = None) -> Step | Handled:
    """Give the conversation the last step's answer (or failure); the next step, or the end."""
    try:
        return steps.send(answer) if failure is None else steps.throw(failure)
    except StopIteration as done:
        handled: Handled = done.value
        return handled


class Dialogue:
    """The conversation's steps and a platform's wording of them, without a driver.

    `Conversation` runs the steps over a synchronous outlet; an async platform subclasses
    this and hands it to `answer_async`.
    """

    NOT_MINE_TEXT = NOT_MINE_TEXT
    # A bare summons that answers no message cards the summoning post itself.
    SUMMONS_OWN_POST = True
    # A summons' cards go under the summoning post (False) or the summoned one (True).
    CARDS_UNDER_TARGET = False
    # A lookup's cards are claimed in the reply log, so a post read again after a restart is
    # not answered twice; a platform that never runs a command twice may only show them.
    CLAIMS_LOOKUPS = True
    # A moderator's `post` card is recorded for the command (False) or for the message it
    # answers (True: sent even when that message was answered before, recorded only then).
    POST_CLAIMS_TARGET = False

    def __init__(self, service: EvidenceService, platform: str) -> None:
        self.service = service
        self.platform = platform
        self.command_word = command_word(platform, service.settings)

    # -- wording ---------------------------------------------------------------------------

    def gone_text(self) -> str:
        """The answer to a summons or `post` whose target is gone."""
        return GONE_TEXT

    def already_text(self, target: Post) -> str:
        """The answer to a summons of a post that was answered already."""
        return ALREADY_TEXT

    def missing_text(self, task: Task) -> str:
        """The answer when the message a task is about cannot be found."""
        return self.NOT_MINE_TEXT if isinstance(task, RemoveReply) else self.gone_text()

    def no_card_text(self, outcome: Outcome, target: Post) -> str | None:
        """The answer to a summons the policy declines (None: say nothing)."""
        verdict = outcome.decision.verdict
        if verdict is Verdict.NO_STUDIES:
            return NOTHING_CITED_TEXT
        if verdict is Verdict.ALREADY_ANSWERED:
            return self.already_text(target)
        return None

    def message_named(self, text: str) -> str | None:
        """The message id a command's argument names (a platform may accept links)."""
        return text

    # -- the steps -------------------------------------------------------------------------

    def command_in(self, post: Post) -> Command | None:
        """The post's `!evidence` command; bots and the bot itself issue none."""
        if post.author_is_bot or post.author_id in self.service.self_ids:
            return None
        return parse_command(post.text, self.command_word)

    def steps(
        self,
        post: Post,
        *,
        is_moderator: Callable[[], bool],
        replying_to: str | None = None,
        commands: bool = True,
    ) -> Steps:
        """Run `post`'s command (unless `commands` is False), or card what it cites."""
        command = self.command_in(post) if commands else None
        if command is not None:
            invocation = Invocation(post=post, is_moderator=is_moderator, target_id=replying_to)
            return (yield from self._command(invocation, command))
        outcome: Outcome = yield Core(self.service.evaluate, (post,))
        if outcome.plan is None:
            # The verdict and the claim's state come from one clock reading: a second
            # reading could find the claim live, then abandoned, and nobody would answer.
            waiting = (
                outcome.decision.verdict is Verdict.ALREADY_ANSWERED and outcome.claim_in_flight
            )
            return Handled(outcome=outcome, waiting=waiting)
        delivery = yield Deliver(post, outcome.plan, post)
        return Handled(outcome=outcome, delivery=delivery)

    def _command(self, invocation: Invocation, command: Command) -> Steps:
        post = invocation.post
        result: CommandResult = yield Core(execute, (self.service, command, invocation))
        task = result.task
        if result.silent:
            return (yield from self._say(post, result.text, result, Audience.SILENT))
        if isinstance(task, SummonCards):
            return (yield from self._summon(post, task, result))
        if isinstance(task, RemoveReply):
            return (yield from self._remove(invocation, task, result))
        if isinstance(task, PostCards):
            return (yield from self._post_cards(invocation, task, result))
        if result.plan is not None:
            return (yield from self._lookup(post, result.plan, result))
        public = result.ok and command.name in PUBLIC_ANSWERS
        audience = Audience.PUBLIC if public else Audience.PRIVATE
        # The command has taken effect (and is in the mod-log): a lost confirmation is not
        # worth running it a second time.
        handled = yield from self._say(post, result.text, result, audience, retry=False)
        if result.ok and command.name in ANNOUNCED:
            yield Announce(invocation, f"{command.name.value}: {result.text}")
        return handled

    def _lookup(self, post: Post, plan: ReplyPlan, result: CommandResult) -> Steps:
        """A lookup's cards for everyone, in answer to the command."""
        name = result.command.name.value
        if self.CLAIMS_LOOKUPS:
            delivery = yield Deliver(post, plan, post)
            return Handled(command=name, delivery=delivery, result=result)
        try:
            reply_id = yield SendUnclaimed(post, plan)
        except SendFailed as exc:
            return Handled(command=name, delivery=unclaimed_failure(exc), result=result)
        delivery = Delivery(Delivered.SENT, reply_id=reply_id, plan=plan)
        return Handled(command=name, delivery=delivery, result=result)

    def _post_cards(self, invocation: Invocation, task: PostCards, result: CommandResult) -> Steps:
        """A moderator's `post <study>`: the card goes under the message the command answers."""
        post = invocation.post
        target: Post | None = yield Fetch(task.target_id)
        if target is None:
            return (yield from self._say(post, self.missing_text(task), result))
        plan = replace(task.plan, post=target) if self.POST_CLAIMS_TARGET else task.plan
        delivery: Delivery = yield Deliver(post, plan, target, again=True)
        handled = Handled(command=result.command.name.value, delivery=delivery, result=result)
        if self.POST_CLAIMS_TARGET and delivery.status is Delivered.ALREADY:
            # A moderator's explicit request is sent even if the message was answered
            # before; only a fresh claim is recorded in the reply log.
            try:
                yield SendUnclaimed(target, plan)
            except SendFailed as exc:
                delivery = unclaimed_failure(exc)
        if not (delivery.answered or delivery.status is Delivered.ALREADY):
            yield Say(post, FAILED_TEXT, Audience.ACK)
            return handled
        yield Say(post, result.text, Audience.ACK)
        studies = ", ".join(plan.entry_ids)
        yield Announce(invocation, f"post: {studies} in reply to {target.permalink}")
        return handled

    def _summon(self, post: Post, task: SummonCards, result: CommandResult) -> Steps:
        """A bare summons: card what the answered post cites."""
        if task.target_id is None and not self.SUMMONS_OWN_POST:
            return (yield from self._say(post, self.missing_text(task), result))
        target = post if task.target_id is None else (yield Fetch(task.target_id))
        if target is None:
            return (yield from self._say(post, self.missing_text(task), result))
        outcome: Outcome = yield Core(self.service.evaluate, (target,), {"summoned": True})
        name = result.command.name.value
        if outcome.plan is not None:
            to = target if self.CARDS_UNDER_TARGET else post
            delivery: Delivery = yield Deliver(post, outcome.plan, to)
            if not (delivery.answered or delivery.status is Delivered.ALREADY):
                yield Say(post, FAILED_TEXT, Audience.ACK)
            elif delivery.status is not Delivered.SENT:
                yield Say(post, HAS_CARDS_TEXT, Audience.ACK)
            return Handled(command=name, delivery=delivery, result=result)
        text = self.no_card_text(outcome, target)
        if text is None:
            return Handled(command=name, outcome=outcome, result=result)
        return (yield from self._say(post, text, result))

    def _remove(self, invocation: Invocation, task: RemoveReply, result: CommandResult) -> Steps:
        """Delete the bot's reply the command answers; anything else is refused."""
        post, name = invocation.post, result.command.name.value
        reply_id = self.message_named(task.reply_id) if result.command.argument else task.reply_id
        if reply_id is None:
            return (yield from self._say(post, UNNAMED_TEXT, result))
        logged = yield Core(find_by_reply_id, (self.service.db, self.platform, reply_id))
        if logged is None:
            reply: Post | None = yield Fetch(reply_id)
            if reply is None:
                return (yield from self._say(post, self.missing_text(task), result))
            if reply.author_id not in self.service.self_ids:
                return (yield from self._say(post, self.NOT_MINE_TEXT, result))
        try:
            yield Delete(reply_id)
        except SendFailed as exc:
            yield Say(post, FAILED_TEXT, Audience.ACK)
            return Handled(command=name, result=result, failed=exc.reason)
        yield Core(log_removal, (self.service, invocation, reply_id))
        yield Say(post, result.text, Audience.ACK)
        yield Announce(invocation, f"remove: deleted my reply {reply_id}")
        return Handled(command=name, result=result)

    def _say(
        self,
        post: Post,
        text: str,
        result: CommandResult,
        audience: Audience = Audience.PRIVATE,
        *,
        retry: bool = True,
    ) -> Steps:
        """Answer a command with a short text.

        Not claimed in the reply log (which counts cards): the adapter's handled-items mark
        keeps it from repeating. `retry` as in `unclaimed_failure`.
        """
        name = result.command.name.value
        if not text:
            return Handled(command=name, result=result)
        try:
            delivery = yield Say(post, text, audience)
        except SendFailed as exc:
            delivery = unclaimed_failure(exc, retry=retry)
        return Handled(command=name, result=result, delivery=delivery)


class Conversation(Dialogue):
    """Answers posts of one platform through its synchronous `outlet` (the sync driver)."""

    def __init__(
        self,
        service: EvidenceService,
        outlet: Outlet,
        platform: str,
        *,
        resume_uncertain: bool = False,
    ) -> None:
        super().__init__(service, platform)
        self.outlet = outlet
        self._resume_uncertain = resume_uncertain
        # Posts whose reply may exist, kept claimed by this process: post -> (to, plan).
        self._uncertain: dict[str, tuple[Post, ReplyPlan]] = {}

    def answer(
        self,
        post: Post,
        *,
        is_moderator: Callable[[], bool],
        replying_to: str | None = None,
        commands: bool = True,
    ) -> Handled:
        """Run the steps for `post` over the outlet: its command, or cards for what it cites."""
        resumed = self._resume(post)
        if resumed is not None:
            return resumed
        steps = self.steps(
            post, is_moderator=is_moderator, replying_to=replying_to, commands=commands
        )
        step = advance(steps, None)
        while not isinstance(step, Handled):
            try:
                answer = self._do(step)
            except SendFailed as exc:
                step = advance(steps, None, exc)
            else:
                step = advance(steps, answer)
        return step

    def _do(self, step: Step) -> Any:  # noqa: PLR0911 - one return a step
        outlet = self.outlet
        if isinstance(step, Core):
            return step.function(*step.args, **step.kwargs)
        if isinstance(step, Fetch):
            return outlet.fetch_post(step.message_id)
        if isinstance(step, Deliver):
            return self._deliver(step.post, step.plan, step.to)
        if isinstance(step, SendUnclaimed):
            return outlet.send(step.to, step.plan)
        if isinstance(step, Delete):
            return outlet.delete(step.reply_id)
        if isinstance(step, Say) and step.audience in {Audience.PUBLIC, Audience.PRIVATE}:
            plan = text_plan(step.post, step.text, self.command_word)
            reply_id = outlet.send(step.post, plan)
            return Delivery(Delivered.SENT, reply_id=reply_id, plan=plan)
        # Acknowledgements and answers where the bot is off are not posted on a platform
        # without private answers; nor is there a moderators' channel to announce to.
        return None

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
