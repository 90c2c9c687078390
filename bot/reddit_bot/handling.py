"""One Reddit item through the core: convert, decide or run the command, render, send.

Policy (modes, opt-outs, cooldowns, answering once) lives in the core; this module only does
what needs Reddit: finding a summons' parent, checking the moderator list, posting and
deleting comments, and noticing a ban.

A reply refused with 403 is about that item (a locked post or comment) unless the subreddit
says the bot is banned (see `access`). While it is banned, items that would be answered are
deferred, not dropped: `retry_deferred` answers them once replies work again, or logs them
as not answered when they have waited `DEFER_MAX_SECONDS`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import praw
from prawcore.exceptions import PrawcoreException

from bot.core.commands import (
    Command,
    CommandResult,
    Invocation,
    execute,
    log_removal,
    parse_command,
)
from bot.core.policy import Verdict
from bot.core.service import EvidenceService, ReplyPlan, command_word
from bot.reddit_bot.access import SubredditAccess
from bot.reddit_bot.convert import PERMALINK_BASE, PLATFORM, ItemFacts, facts, field, to_post
from bot.reddit_bot.moderators import ModeratorCache
from bot.reddit_bot.sending import Outcome, ReplySender, SendResult
from records.deferred_items import (
    defer_item,
    deferred_items,
    deferred_places,
    drop_deferred,
)
from records.models import Post
from records.modlog import log_action
from records.replies import find_by_reply_id, get_reply

log = logging.getLogger(__name__)

DEFER_MAX_SECONDS = 24 * 3600.0
PARENT_GONE_TEXT = "The post or comment you replied to was deleted or removed, so I cannot card it."
NOTHING_CITED_TEXT = "I found no study from the atlas cited there."
NOT_MINE_TEXT = "I can only remove my own comments: reply with this to one of them."


class TransientItemError(Exception):
    """Handling an item failed for a reason that may pass (server error, timeout)."""


@dataclass
class ItemResult:
    """What handling one item did, for the poll report and the tests."""

    replied: bool = False
    command: str | None = None


class ItemHandler:
    """Handles submissions and comments for one logged-in bot account."""

    def __init__(
        self,
        reddit: praw.Reddit,
        service: EvidenceService,
        *,
        bot_name: str,
        sender: ReplySender,
        moderators: ModeratorCache,
        clock: Callable[[], float],
        access: SubredditAccess | None = None,
    ) -> None:
        self._reddit = reddit
        self._service = service
        self._bot_name = bot_name
        self._sender = sender
        self._moderators = moderators
        self._clock = clock
        self._command_word = command_word(PLATFORM, service.settings)
        self._access = access or SubredditAccess(reddit, clock=clock)
        # Items whose reply may exist unverified: item fullname -> (reply target, plan).
        self._unverified: dict[str, tuple[str, ReplyPlan]] = {}
        # Messages this process claimed whose claim it has not settled yet (a confirmation
        # the database refused, an unverified reply): their fate is known here, not stale.
        self._claimed_here: set[str] = set()
        self._current = ""

    def handle(self, item: Any) -> ItemResult:
        """Answer one submission or comment as the core decides."""
        item_facts = facts(item)
        if item_facts.author is None or item_facts.author.lower() == self._bot_name.lower():
            return ItemResult()  # deleted, or the bot's own comment
        self._current = item_facts.fullname
        if item_facts.fullname in self._unverified:
            # The core already counts this message as answered (our claim); finish the job.
            target, held = self._unverified.pop(item_facts.fullname)
            return ItemResult(replied=self._send_plan(target, held))
        post = to_post(item, bot_name=self._bot_name)
        command = parse_command(post.text, self._command_word)
        if command is not None:
            return self._command(item_facts, post, command)
        if item_facts.locked or item_facts.archived or item_facts.removed:
            return ItemResult()
        plan = self._service.handle_post(post)
        if plan is None:
            self._wait_for_unconfirmed_claim(post)
            return ItemResult()
        return ItemResult(replied=self._send_plan(item_facts.fullname, plan))

    def _wait_for_unconfirmed_claim(self, post: Post) -> None:
        """Keep an item claimed but never confirmed (its process was killed) for a retry.

        Marking it handled now would leave it unanswered for good; once the claim is older
        than the lease, a later attempt takes it over and checks for the reply first.
        """
        if post.message_id in self._claimed_here:
            return
        record = get_reply(self._service.db, PLATFORM, post.message_id)
        if record is not None and record.reply_id is None:
            raise TransientItemError(
                f"{post.message_id} was claimed by an earlier process and never confirmed; "
                "waiting for its claim to expire"
            )

    # -- commands ----------------------------------------------------------------------

    def _command(self, item_facts: ItemFacts, post: Post, command: Command) -> ItemResult:
        subreddit = item_facts.subreddit
        invocation = Invocation(
            post=post,
            is_moderator=lambda: self._moderators.is_moderator(subreddit, item_facts.author),
            target_id=post.parent_id,
        )
        result = execute(self._service, command, invocation)
        name = command.name.value
        if result.silent:
            return ItemResult(command=name)  # the bot is off in this subreddit
        if result.action == "summon":
            return ItemResult(replied=self._summon(post), command=name)
        if result.action == "remove":
            return ItemResult(replied=self._remove(invocation, command), command=name)
        if result.action == "post" and result.plan is not None and post.parent_id:
            return ItemResult(replied=self._send_plan(post.parent_id, result.plan), command=name)
        if result.plan is not None:
            return ItemResult(replied=self._send_plan(post.message_id, result.plan), command=name)
        return ItemResult(replied=self._send_text(post, result), command=name)

    def _summon(self, post: Post) -> bool:
        """A bare summons: card what the parent cites, answering the summoner.

        In a submission (which has no parent) it asks for the submission's own studies.
        """
        parent_post = post if post.parent_id is None else self._live_parent(post.parent_id)
        if parent_post is None:
            return self._reply_text(post, PARENT_GONE_TEXT)
        outcome = self._service.evaluate(parent_post, summoned=True)
        if outcome.plan is not None:
            return self._send_plan(post.message_id, outcome.plan)
        verdict = outcome.decision.verdict
        if verdict is Verdict.NO_STUDIES:
            return self._reply_text(post, NOTHING_CITED_TEXT)
        if verdict is Verdict.ALREADY_ANSWERED:
            return self._reply_text(post, self._already_answered_text(parent_post))
        log.info("summons %s not answered: %s", post.message_id, verdict.value)
        return False

    def _live_parent(self, fullname: str) -> Post | None:
        """The parent as a Post, or None when it is gone (deleted, removed, unknown)."""
        parent = self._fetch(fullname)
        if parent is None or facts(parent).removed:
            return None
        return to_post(parent, bot_name=self._bot_name)

    def _already_answered_text(self, parent: Post) -> str:
        record = get_reply(self._service.db, PLATFORM, parent.message_id)
        text = "I have already answered that with its evidence cards"
        if record is None or not record.reply_id or not parent.thread.startswith("t3_"):
            return f"{text}."
        link = f"{PERMALINK_BASE}/comments/{parent.thread[3:]}/_/{record.reply_id[3:]}/"
        return f"{text}: {link}"

    def _remove(self, invocation: Invocation, command: Command) -> bool:
        """`!evidence remove` answering one of the bot's comments: delete that comment."""
        target = command.argument.strip() or invocation.target_id or ""
        if not target.startswith("t1_"):
            target = f"t1_{target}" if target else ""
        if not target or not self._is_own_comment(target):
            return self._reply_text(invocation.post, NOT_MINE_TEXT)
        result = self._sender.delete(target)
        if result.outcome is not Outcome.DELETED:
            raise TransientItemError(f"deleting {target}: {result.detail}")
        log_removal(self._service, invocation, target)
        return False

    def _is_own_comment(self, fullname: str) -> bool:
        if find_by_reply_id(self._service.db, PLATFORM, fullname) is not None:
            return True
        thing = self._fetch(fullname)
        author = facts(thing).author if thing is not None else None
        return author is not None and author.lower() == self._bot_name.lower()

    # -- sending -----------------------------------------------------------------------

    def _send_plan(self, target: str, plan: ReplyPlan) -> bool:
        """Claim the plan in the reply log, post it under `target`, confirm or release."""
        place = plan.post.place
        if self._access.is_banned(place):
            self._defer(place, target, "banned from the subreddit")
            return False
        claimed = self._service.claim(plan)
        if claimed is None:
            if not self._sender.is_uncertain(target):
                return False  # answered before (another process, or before a restart)
            claimed = plan  # our own claim, kept while an earlier attempt is unverified
        message_id = claimed.post.message_id
        self._claimed_here.add(message_id)
        # A claim taken over from a killed process: its reply may exist, so look first.
        result = self._sender.earlier_reply(target) if claimed.takeover else None
        if result is None:
            result = self._sender.reply(target, claimed.markdown())
        if result.ok:
            self._service.confirm(claimed, result.reply_id or "")
            self._claimed_here.discard(message_id)
            return True
        if result.outcome is Outcome.UNCERTAIN:
            # An uncertain reply keeps its claim, so no other process, and no restart, can
            # post a second copy; this process checks again on the item's next attempt.
            self._unverified[self._current] = (target, claimed)
        else:
            self._service.release(claimed)  # definitely not posted: give the message back
            self._claimed_here.discard(message_id)
        self._after_failure(place, plan.post.thread, target, result)
        return False

    def _send_text(self, post: Post, result: CommandResult) -> bool:
        # The command has taken effect (and is in the mod-log): a lost confirmation is not
        # worth running it a second time.
        return bool(result.text) and self._reply_text(post, result.text, retry=False)

    def _reply_text(self, post: Post, text: str, *, retry: bool = True) -> bool:
        """A short answer to a command; the seen-items table keeps it from repeating."""
        if self._access.is_banned(post.place):
            log.info("not answering %s: banned from r/%s", post.message_id, post.place)
            return False
        result = self._sender.reply(post.message_id, text)
        if result.ok:
            return True
        self._after_failure(post.place, post.thread, post.message_id, result, retry=retry)
        return False

    def _after_failure(
        self, place: str, thread: str, target: str, result: SendResult, *, retry: bool = True
    ) -> None:
        if result.outcome is Outcome.FORBIDDEN:
            reason = self._access.after_refusal(place, thread)
            if reason is None:
                log.info("not answered: Reddit refused the reply to %s (403: locked)", target)
                return
            self._mark_banned(place, reason)
            self._defer(place, target, "banned from the subreddit")
            return
        if retry and result.outcome in {Outcome.FAILED, Outcome.RATE_LIMITED, Outcome.UNCERTAIN}:
            raise TransientItemError(f"replying to {target}: {result.detail}")
        log.info("not replying to %s: %s", target, result.outcome.value)

    def _mark_banned(self, place: str, reason: str) -> None:
        """Tell the log and the mod-log that a subreddit bans the bot (it is re-checked)."""
        log.warning("banned from r/%s (%s): replies there wait for a re-check", place, reason)
        log_action(
            self._service.db,
            platform=PLATFORM,
            place=place,
            actor=self._bot_name,
            action="banned",
            detail=reason,
        )

    def _defer(self, place: str, target: str, reason: str) -> None:
        """Keep the item being handled for a reply once the subreddit takes them again.

        Only a reply to the item itself waits: a command acting on another item has taken
        effect already and is not run a second time.
        """
        if target != self._current:
            log.info("not answered: %s in r/%s (%s)", self._current, place, reason)
            return
        defer_item(
            self._service.db,
            platform=PLATFORM,
            item_id=self._current,
            place=place,
            reason=reason,
            at=self._clock(),
        )
        log.info("deferred %s in r/%s: %s", self._current, place, reason)

    # -- deferred items ----------------------------------------------------------------

    def retry_deferred(self) -> int:
        """Answer deferred items where replies work again; give up those too old.

        Returns how many were answered. Raises TransientItemError (or a PrawcoreException)
        when Reddit fails meanwhile: the rest waits for the next poll.
        """
        answered = 0
        db = self._service.db
        for place in deferred_places(db, PLATFORM):
            if self._access.is_banned(place):
                continue
            if self._access.recheck_due(place) and self._access.recheck(place):
                self._give_up_old(place)
                continue
            for waiting in deferred_items(db, PLATFORM, place):
                item = self._fetch(waiting.item_id)
                if item is not None:
                    answered += int(self.handle(item).replied)
                if self._access.is_banned(place):
                    break  # banned again: the item keeps its place and its first time
                drop_deferred(db, PLATFORM, waiting.item_id)
        return answered

    def _give_up_old(self, place: str) -> None:
        now = self._clock()
        for waiting in deferred_items(self._service.db, PLATFORM, place):
            if now - waiting.deferred_at >= DEFER_MAX_SECONDS:
                log.warning(
                    "not answered: %s in r/%s waited %.0f h (%s)",
                    waiting.item_id,
                    place,
                    (now - waiting.deferred_at) / 3600,
                    waiting.reason,
                )
                drop_deferred(self._service.db, PLATFORM, waiting.item_id)

    def _fetch(self, fullname: str | None) -> Any | None:
        """One submission or comment by fullname through /api/info, or None if unknown."""
        if not fullname:
            return None
        try:
            return next(iter(self._reddit.info(fullnames=[fullname])), None)
        except PrawcoreException as exc:
            raise TransientItemError(f"fetching {fullname}: {type(exc).__name__}") from exc


def item_fullname(item: Any) -> str:
    """The fullname of a praw item (for logs)."""
    return str(field(item, "name", "?"))
