"""Whether to reply to a post, and with which studies: pure functions, no I/O.

The service gathers the facts (place settings, reply log, recent cards, opt-outs) and calls
`decide`; every rule is also a small function of its own so each can be tested alone.

Rules, in the order they apply:
1. never answer a bot, and never the bot itself;
2. a place that is `off` gets nothing, summons included; a `summon-only` place only answers
   summons (a thread or forum post without settings of its own follows its parent channel);
3. members who opted out get no automatic replies (a summon is an explicit request, so it is
   answered);
4. a message is answered once; an edit may add cards only for studies not carded before;
5. a study carded in the same thread within the cooldown is not carded again (a summon
   asks for it explicitly, so it bypasses the cooldown; a cooldown of 0 hours is none);
6. at most `rate_cap` replies per place per hour, summons included;
7. a study the atlas has neither a summary nor a caveat for is not carded automatically (a
   title and a link say nothing a reader can weigh); a summons or lookup still gets what
   exists, saying the atlas has no summary yet.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from config.settings import ReplyMode
from records.models import Post
from records.places import PlaceSettings


class Verdict(StrEnum):
    """Why the bot replies or stays quiet (shown by the console bot and in debug logs)."""

    REPLY = "reply"
    BOT_AUTHOR = "author is a bot"
    SELF = "author is this bot"
    PLACE_OFF = "the bot is off here"
    SUMMON_ONLY = "summon-only here and not summoned"
    OPTED_OUT = "author opted out"
    NO_STUDIES = "no atlas study cited"
    ALREADY_ANSWERED = "message already answered"
    NOTHING_NEW = "edit cites no study not carded before"
    COOLDOWN = "every study was carded in this thread recently"
    RATE_CAP = "hourly reply cap reached here"
    UNFINISHED = "the atlas has no summary yet for any study cited"


@dataclass(frozen=True)
class Facts:
    """Everything the policy needs to know about one post, gathered by the service.

    `previous` is what the reply log holds for this message (None: never answered);
    `recent` the entry ids carded in this thread within the cooldown; `candidates` the
    atlas entry ids the post cites, in order of first mention; `unfinished` those of them
    the atlas has neither a summary nor a caveat for. `claim_in_flight`: the message is
    claimed by a delivery still inside its lease (read at the same clock reading as the
    rest, so "already answered" and "being answered elsewhere" never disagree).
    """

    post: Post
    candidates: tuple[str, ...]
    mode: ReplyMode
    summoned: bool = False
    is_self: bool = False
    opted_out: bool = False
    previous: tuple[str, ...] | None = None
    recent: frozenset[str] = frozenset()
    replies_last_hour: int = 0
    rate_cap: int = 30
    unfinished: frozenset[str] = frozenset()
    claim_in_flight: bool = False


@dataclass(frozen=True)
class Decision:
    """The outcome: reply with `entry_ids`, or stay quiet because of `verdict`.

    `held_back` lists studies left out because of the cooldown or an earlier reply.
    """

    verdict: Verdict
    entry_ids: tuple[str, ...] = ()
    held_back: tuple[str, ...] = ()

    @property
    def reply(self) -> bool:
        """True when the bot should answer."""
        return self.verdict is Verdict.REPLY


def effective_mode(place: PlaceSettings | None, default_mode: ReplyMode) -> ReplyMode:
    """The place's own mode, or the configured default where moderators set none."""
    return place.mode if place is not None else default_mode


def effective_cooldown(place: PlaceSettings | None, default_hours: float) -> float:
    """The place's own cooldown in hours, or the configured default."""
    if place is not None and place.cooldown_hours is not None:
        return place.cooldown_hours
    return default_hours


def cooldown_start(now: datetime, hours: float) -> datetime | None:
    """Cards at or after this moment still count for the cooldown; None: no cooldown.

    A cooldown of 0 hours (or less) means none at all, not "none older than now".
    """
    if hours <= 0:
        return None
    return now - timedelta(hours=hours)


def unique_in_order(entry_ids: Iterable[str]) -> tuple[str, ...]:
    """Entry ids without repeats, in order of first appearance."""
    return tuple(dict.fromkeys(entry_ids))


def author_verdict(post: Post, *, is_self: bool) -> Verdict | None:
    """BOT_AUTHOR or SELF when the author must never be answered, else None."""
    if is_self:
        return Verdict.SELF
    if post.author_is_bot:
        return Verdict.BOT_AUTHOR
    return None


def mode_verdict(mode: ReplyMode, *, summoned: bool) -> Verdict | None:
    """PLACE_OFF or SUMMON_ONLY when the place's mode forbids this reply, else None."""
    if mode == "off":
        return Verdict.PLACE_OFF
    if mode == "summon-only" and not summoned:
        return Verdict.SUMMON_ONLY
    return None


def not_carded_before(
    candidates: Collection[str], previous: tuple[str, ...] | None, *, is_edit: bool
) -> tuple[str, ...] | None:
    """The candidates this message may still card; None when it was answered already.

    A message answered before is never answered again, except that an edit may card the
    studies it did not card the first time.
    """
    if previous is None:
        return tuple(candidates)
    if not is_edit:
        return None
    return tuple(c for c in candidates if c not in previous)


def outside_cooldown(candidates: Iterable[str], recent: Collection[str]) -> tuple[str, ...]:
    """The candidates not carded in this thread within the cooldown."""
    return tuple(c for c in candidates if c not in recent)


def finished(candidates: Iterable[str], unfinished: Collection[str]) -> tuple[str, ...]:
    """The candidates the atlas has a summary or a caveat for (automatic cards need one)."""
    return tuple(c for c in candidates if c not in unfinished)


def under_rate_cap(replies_last_hour: int, rate_cap: int) -> bool:
    """Whether one more reply stays within the place's hourly cap."""
    return replies_last_hour < rate_cap


def decide(facts: Facts) -> Decision:
    """Apply every rule in order and say whether, and with which studies, to reply."""
    candidates = unique_in_order(facts.candidates)
    if verdict := _gate(facts, candidates):
        return Decision(verdict)
    fresh = not_carded_before(candidates, facts.previous, is_edit=facts.post.is_edit)
    if not fresh:
        verdict = Verdict.ALREADY_ANSWERED if fresh is None else Verdict.NOTHING_NEW
        return Decision(verdict, held_back=candidates)
    allowed = fresh if facts.summoned else outside_cooldown(fresh, facts.recent)
    held_back = tuple(c for c in candidates if c not in allowed)
    if not allowed:
        return Decision(Verdict.COOLDOWN, held_back=held_back)
    if not facts.summoned:
        allowed = finished(allowed, facts.unfinished)
        held_back = tuple(c for c in candidates if c not in allowed)
        if not allowed:
            return Decision(Verdict.UNFINISHED, held_back=held_back)
    if not under_rate_cap(facts.replies_last_hour, facts.rate_cap):
        return Decision(Verdict.RATE_CAP, held_back=candidates)
    return Decision(Verdict.REPLY, entry_ids=allowed, held_back=held_back)


def _gate(facts: Facts, candidates: tuple[str, ...]) -> Verdict | None:
    """Rules that silence the bot whatever the post cites (1 to 3), then "nothing cited"."""
    checks: tuple[Callable[[], Verdict | None], ...] = (
        lambda: author_verdict(facts.post, is_self=facts.is_self),
        lambda: mode_verdict(facts.mode, summoned=facts.summoned),
        lambda: Verdict.OPTED_OUT if facts.opted_out and not facts.summoned else None,
        lambda: None if candidates else Verdict.NO_STUDIES,
    )
    return next((verdict for check in checks if (verdict := check()) is not None), None)
