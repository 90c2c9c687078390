"""The `evidence` command, parsed and executed the same way on every platform.

`parse_command` turns `!evidence <args>` into a `Command`; `execute` runs its
platform-neutral part (lookups, place settings, opt-outs, reports, the mod-log) and returns
a `CommandResult` with a short answer. Work only a platform can do (deleting a reply,
fetching the message a summons answers, posting cards under another message) comes back as
a typed task in `result.task` (`RemoveReply`, `SummonCards`, `PostCards`), which
`bot.core.conversation` carries out through an adapter's Outlet.

Moderator-only commands ask `Invocation.is_moderator`, a callable the adapter passes in, so
a platform's permission check (Manage Messages, a mod role, the subreddit's moderator list)
runs only when a command needs it.

Where moderators switched the bot `off` (in the place or, for a thread, its parent channel),
every other command comes back `silent`: adapters post nothing in the place. Lookups,
summons and help do nothing; opt-outs, opt-ins and wrong-match reports still take effect
(they concern the member's own data and the curators, and say nothing in the place).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import ClassVar, cast

from bot.core.service import EvidenceService, LookupResult, ReplyPlan, command_word
from records import posted_cards
from records.models import Post
from records.modlog import log_action, report_wrong_match
from records.places import (
    DESCRIPTION_MODES,
    DescriptionMode,
    PlaceMode,
    opt_in,
    opt_out,
    set_place_cooldown,
    set_place_description_matches,
    set_place_mode,
)
from records.replies import ReplyMessage, get_reply_message, reply_messages_for, reply_stats
from records.unmatched import list_papers, pending_seen_in
from records.wording import counted

MAX_COOLDOWN_HOURS = 24 * 365
UNMATCHED_DEFAULT = 5
UNMATCHED_MAX = 25


class Name(StrEnum):
    """Every `evidence` subcommand."""

    LOOKUP = "lookup"
    SUMMON = "summon"
    POST = "post"
    ON = "on"
    OFF = "off"
    SUMMON_ONLY = "summon-only"
    COOLDOWN = "cooldown"
    DESCRIPTIONS = "descriptions"
    REFRESH = "refresh"
    REMOVE = "remove"
    OPTOUT = "optout"
    OPTIN = "optin"
    UNMATCHED = "unmatched"
    STATS = "stats"
    WRONG = "wrong"
    HELP = "help"


MODERATOR_ONLY = frozenset(
    {
        Name.POST,
        Name.ON,
        Name.OFF,
        Name.SUMMON_ONLY,
        Name.COOLDOWN,
        Name.DESCRIPTIONS,
        Name.REFRESH,
        Name.REMOVE,
        Name.UNMATCHED,
        Name.STATS,
    }
)
# Off means off: where moderators switched the bot off, members' commands get no answer
# (and moderator commands from members no refusal). These still take effect, silently: a
# member's own opt-out or opt-in, and a report for the curators.
EFFECTIVE_WHEN_OFF = frozenset({Name.OPTOUT, Name.OPTIN, Name.WRONG})
OFF_HERE = "Evidence cards are off here; a moderator can turn them on."
_ALIASES = {
    "lookup": Name.LOOKUP,
    "find": Name.LOOKUP,
    "post": Name.POST,
    "on": Name.ON,
    "enable": Name.ON,
    "auto": Name.ON,
    "off": Name.OFF,
    "disable": Name.OFF,
    "summon-only": Name.SUMMON_ONLY,
    "summon_only": Name.SUMMON_ONLY,
    "summononly": Name.SUMMON_ONLY,
    "cooldown": Name.COOLDOWN,
    "descriptions": Name.DESCRIPTIONS,
    "refresh": Name.REFRESH,
    "remove": Name.REMOVE,
    "delete": Name.REMOVE,
    "optout": Name.OPTOUT,
    "opt-out": Name.OPTOUT,
    "optin": Name.OPTIN,
    "opt-in": Name.OPTIN,
    "unmatched": Name.UNMATCHED,
    "stats": Name.STATS,
    "wrong": Name.WRONG,
    "help": Name.HELP,
}
_MODES: dict[Name, PlaceMode] = {Name.ON: "auto", Name.OFF: "off", Name.SUMMON_ONLY: "summon-only"}

HELP_TEXT = (
    "{cmd} <DOI, PMID, PMCID, link, slug or title words>: show a study's card. "
    "{cmd} optout / optin: stop or resume automatic replies to your posts. "
    "{cmd} wrong: report a wrong match. "
    "Moderators: {cmd} on | off | summon-only, {cmd} cooldown <hours>, {cmd} post <query>, "
    "{cmd} descriptions card | suggest | off, {cmd} refresh on | off, {cmd} remove, "
    "{cmd} unmatched [n], {cmd} stats."
)


@dataclass(frozen=True)
class Command:
    """A parsed command: its name, the rest of the line, and a problem if it is malformed."""

    name: Name
    argument: str = ""
    problem: str | None = None


def command_pattern(command_word: str) -> re.Pattern[str]:
    """`!evidence` at the start of a line, followed by a space or the end of the line."""
    return re.compile(
        rf"^[ \t]*{re.escape(command_word)}(?=\s|$)[ \t]*(?P<rest>[^\n]*)$",
        re.IGNORECASE | re.MULTILINE,
    )


def parse_command(text: str, command_word: str = "!evidence") -> Command | None:
    """The first `evidence` command in `text` (a line starting with it), or None.

    A bare `!evidence` is a summons; an argument that is not a subcommand is a lookup.
    """
    found = command_pattern(command_word).search(text)
    if found is None:
        return None
    rest = found.group("rest").strip()
    if not rest:
        return Command(Name.SUMMON)
    head, _, tail = rest.partition(" ")
    name = _ALIASES.get(head.lower())
    if name is None:
        return Command(Name.LOOKUP, rest)
    return _checked(Command(name, tail.strip()))


def _checked(command: Command) -> Command:
    """Attach a readable problem to arguments that cannot work."""
    if command.name in {Name.LOOKUP, Name.POST} and not command.argument:
        return Command(command.name, problem="Give a DOI, PMID, PMCID, link, slug or title.")
    if command.name is Name.COOLDOWN:
        hours = _number(command.argument)
        if hours is None or not 0 <= hours <= MAX_COOLDOWN_HOURS:
            return Command(
                command.name,
                command.argument,
                problem=f"Cooldown takes a number of hours from 0 to {MAX_COOLDOWN_HOURS}.",
            )
    if command.name is Name.REFRESH and command.argument.lower() not in {"on", "off"}:
        return Command(
            command.name,
            command.argument,
            problem="Refresh takes on or off: whether the bot edits its posted cards here "
            "when the atlas entry changes or the study is retracted.",
        )
    if command.name is Name.DESCRIPTIONS and command.argument.lower() not in DESCRIPTION_MODES:
        return Command(
            command.name,
            command.argument,
            problem="Descriptions takes card, suggest or off: how to answer a study a post "
            "only describes (its card, one line naming it, or nothing).",
        )
    if command.name is Name.UNMATCHED and command.argument:
        count = _number(command.argument)
        if count is None or count != int(count) or not 1 <= count <= UNMATCHED_MAX:
            return Command(
                command.name, command.argument, problem=f"Give a count from 1 to {UNMATCHED_MAX}."
            )
    return command


def _number(text: str) -> float | None:
    try:
        value = float(text.strip().removesuffix("h"))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class Invocation:
    """Who ran a command where: the command's own message, and what it answers.

    `target_id` is the message the command replies to (a bot reply for `remove` and
    `wrong`, a member's message for `post`), or an id given as the argument.
    """

    post: Post
    is_moderator: Callable[[], bool]
    target_id: str | None = None

    @property
    def actor(self) -> str:
        """How the mod-log names the person: `name (id)`."""
        name = self.post.author_name or "unknown"
        return f"{name} ({self.post.author_id})"


@dataclass(frozen=True)
class RemoveReply:
    """Delete the bot's reply `reply_id` (if it is the bot's), then call `log_removal`."""

    reply_id: str
    name: ClassVar[str] = "remove"


@dataclass(frozen=True)
class SummonCards:
    """Card what message `target_id` cites (`evaluate(target, summoned=True)`).

    `target_id` None: the summons answers nothing, so the command's own post is meant.
    """

    target_id: str | None
    name: ClassVar[str] = "summon"


@dataclass(frozen=True)
class PostCards:
    """Send `plan` (a moderator's `post <study>`) in reply to message `target_id`."""

    target_id: str
    plan: ReplyPlan
    name: ClassVar[str] = "post"


Task = RemoveReply | SummonCards | PostCards


@dataclass(frozen=True)
class CommandResult:
    """What to tell the member, plus anything the adapter still has to do.

    `task` is None when the core did everything, else the platform work left: a
    `RemoveReply`, `SummonCards` or `PostCards`. `plan` carries cards to send for lookups.
    `silent` means the bot is off in this place: post nothing there (an adapter that must
    acknowledge a command, like a Discord slash command, may show `text` privately).
    """

    command: Command
    ok: bool
    text: str
    task: Task | None = None
    lookup: LookupResult | None = None
    plan: ReplyPlan | None = None
    silent: bool = False

    @property
    def action(self) -> str | None:
        """The task's name (`remove`, `summon`, `post`) for adapters that match on words."""
        return self.task.name if self.task is not None else None


def execute(service: EvidenceService, command: Command, invocation: Invocation) -> CommandResult:
    """Run the platform-neutral part of `command` for `invocation`."""
    word = _command_word(service, invocation)
    handler = _HANDLERS[command.name]
    moderator_only = command.name in MODERATOR_ONLY
    refusal = f"Only moderators can use {word} {command.name.value}."
    if service.is_off(invocation.post) and not (moderator_only and invocation.is_moderator()):
        # Off means off for members: nothing is said here, whatever they typed.
        if command.name in EFFECTIVE_WHEN_OFF and not command.problem:
            return replace(handler(service, command, invocation), silent=True)
        text = refusal if moderator_only else OFF_HERE
        return CommandResult(command, ok=False, text=text, silent=True)
    if command.problem:
        return CommandResult(command, ok=False, text=command.problem)
    if moderator_only and not invocation.is_moderator():
        return CommandResult(command, ok=False, text=refusal)
    return handler(service, command, invocation)


def _command_word(service: EvidenceService, invocation: Invocation) -> str:
    """`!evidence` with the prefix the platform's settings set (see `command_word`)."""
    return command_word(invocation.post.platform, service.settings)


def _lookup(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    result = service.lookup(command.argument, post=inv.post)
    plan = service.plan_for_lookup(inv.post, result)
    return CommandResult(command, ok=True, text=result.text(), lookup=result, plan=plan)


def _post(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    if inv.target_id is None:
        return CommandResult(command, ok=False, text="Reply to the message the card is for.")
    result = service.lookup(command.argument, post=inv.post)
    if result.status != "found":
        return CommandResult(command, ok=False, text=result.text(), lookup=result)
    plan = service.plan_for_lookup(inv.post, result)
    _log(service, inv, "post", target=inv.target_id, detail=",".join(plan.entry_ids))
    task = PostCards(target_id=inv.target_id, plan=plan)
    return CommandResult(command, ok=True, text="Card posted.", task=task, lookup=result, plan=plan)


def _summon(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    return CommandResult(command, ok=True, text="", task=SummonCards(inv.target_id))


def _mode(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    mode = _MODES[command.name]
    post = inv.post
    set_place_mode(service.db, post.platform, post.place, mode, actor=inv.actor)
    _log(service, inv, f"mode:{mode}", target=post.place)
    return CommandResult(command, ok=True, text=mode_text(mode, _command_word(service, inv)))


def mode_text(mode: PlaceMode, word: str) -> str:
    """The confirmation of a mode change; `word` is how members call the bot here."""
    texts: dict[PlaceMode, str] = {
        "auto": "Evidence cards are on here: I will answer posts that cite atlas studies.",
        "off": "Evidence cards are off here.",
        "summon-only": f"Evidence cards here only when someone asks with {word}.",
    }
    return texts[mode]


def _set_here(
    service: EvidenceService, inv: Invocation, setter: Callable[..., object], value: object
) -> None:
    """Store `value` as the invocation's place's own setting with `setter` (a `records.places`
    setter taking the place, the value, the actor and the mode to start from)."""
    post = inv.post
    setter(
        service.db,
        post.platform,
        post.place,
        value,
        actor=inv.actor,
        # A thread's first own setting must not switch it out of its channel's mode.
        default_mode=service.mode_for(post.platform, post.place, post.parent_place),
    )


def _cooldown(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    hours = _number(command.argument)
    assert hours is not None  # _checked guarantees it
    _set_here(service, inv, set_place_cooldown, hours)
    _log(service, inv, "cooldown", target=inv.post.place, detail=f"{hours:g}h")
    return CommandResult(
        command, ok=True, text=f"A study is carded at most once per thread every {hours:g} h here."
    )


def _descriptions(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    how = cast(DescriptionMode, command.argument.lower())
    _set_here(service, inv, set_place_description_matches, how)
    _log(service, inv, "descriptions", target=inv.post.place, detail=how)
    texts = {
        "card": "Studies a post only describes get their card here, introduced as a guess.",
        "suggest": "Studies a post only describes get one line here naming the study.",
        "off": "Studies a post only describes get no answer here.",
    }
    return CommandResult(command, ok=True, text=texts[how])


def _remove(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    target = command.argument or inv.target_id
    if not target:
        return CommandResult(command, ok=False, text="Reply to my message, or give its id.")
    return CommandResult(command, ok=True, text="Removed.", task=RemoveReply(target))


def log_removal(service: EvidenceService, inv: Invocation, reply_id: str) -> None:
    """Record in the mod-log that the adapter deleted the bot's reply `reply_id`."""
    _log(service, inv, "remove", target=reply_id)


def _optout(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    member = service.author_hash(inv.post.author_id)
    changed = opt_out(service.db, inv.post.platform, member)
    if changed:
        _log_member(service, inv, "optout", member)
    word = _command_word(service, inv)
    text = (
        f"Done: I will not reply to your posts automatically. {word} optin undoes it."
        if changed
        else "You had already opted out."
    )
    return CommandResult(command, ok=True, text=text)


def _optin(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    member = service.author_hash(inv.post.author_id)
    changed = opt_in(service.db, inv.post.platform, member)
    if changed:
        _log_member(service, inv, "optin", member)
    text = "Welcome back: I will reply to your posts again." if changed else "You were opted in."
    return CommandResult(command, ok=True, text=text)


def _unmatched(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    count = int(_number(command.argument) or UNMATCHED_DEFAULT)
    papers = unmatched_seen_in(service, inv.post.platform, inv.post.place, count)
    if not papers:
        return CommandResult(command, ok=True, text="No unmatched papers seen here yet.")
    lines = [f"Most-mentioned papers not in the atlas, seen here ({len(papers)}):"]
    for number, (key, title, mentions) in enumerate(papers, start=1):
        label = f"{key}: {title}" if title else key
        lines.append(f"{number}. {label} ({counted(mentions, 'mention')})")
    return CommandResult(command, ok=True, text="\n".join(lines))


def unmatched_seen_in(
    service: EvidenceService, platform: str, place: str, limit: int
) -> list[tuple[str, str | None, int]]:
    """(key, enriched title, mentions here) of pending papers sighted in a place."""
    rows = pending_seen_in(service.db, platform, place, limit)
    titles = {p.key: p.title for p in list_papers(service.db, keys=[key for key, _ in rows])}
    return [(key, titles.get(key), n) for key, n in rows]


def _stats(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    post = inv.post
    here = reply_stats(service.db, platform=post.platform, place=post.place)
    mode = service.mode_for(post.platform, post.place, post.parent_place)
    cooldown = service.cooldown_for(post.platform, post.place, post.parent_place)
    lines = [
        f"Mode here: {mode}; cooldown {cooldown:g} h per study per thread.",
        f"Replies here: {here.replies}, cards: {here.cards}, distinct studies: {here.studies}.",
    ]
    if here.top_studies:
        top = ", ".join(f"{entry_id} ({n})" for entry_id, n in here.top_studies)
        lines.append(f"Most carded: {top}.")
    return CommandResult(command, ok=True, text="\n".join(lines))


def _wrong(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    """One report row per study of the card, or for the one study named first in the note.

    `!evidence wrong lee-2024-brain-regional not this one` reports that study alone. The
    command must answer one of the bot's cards (or the message a card answered); otherwise
    it says how to use it and stores nothing, so every report names a study and a message.
    """
    post = inv.post
    sent = _card_answered(service, post.platform, inv.target_id)
    if sent is None:
        word = _command_word(service, inv)
        return CommandResult(
            command,
            ok=False,
            text=f"To report a wrong match, reply to one of my study cards with {word} wrong "
            "(optionally the study's id and a note).",
        )
    studies = sent.entries
    named = command.argument.split(maxsplit=1)[0].lower() if command.argument else ""
    if named in studies:
        studies = (named,)
    for entry_id in studies:
        report_wrong_match(
            service.db,
            platform=post.platform,
            place=post.place,
            message_id=sent.message_id,
            reply_id=sent.reply_id,
            entry_id=entry_id,
            reporter_hash=service.author_hash(post.author_id),
            note=command.argument[:500] or None,
            permalink=post.permalink,
        )
    return CommandResult(command, ok=True, text="Thanks: the atlas curators will check this match.")


def _card_answered(
    service: EvidenceService, platform: str, target_id: str | None
) -> ReplyMessage | None:
    """The bot's card `target_id`, or its latest card answering message `target_id`."""
    if not target_id:
        return None
    sent = get_reply_message(service.db, platform, target_id)
    if sent is None:
        answers = reply_messages_for(service.db, platform, target_id)
        sent = answers[-1] if answers else None
    return sent if sent is not None and sent.entries else None


def _help(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    return CommandResult(command, ok=True, text=HELP_TEXT.format(cmd=_command_word(service, inv)))


def _log(
    service: EvidenceService,
    inv: Invocation,
    action: str,
    *,
    target: str | None = None,
    detail: str | None = None,
) -> None:
    log_action(
        service.db,
        platform=inv.post.platform,
        place=inv.post.place,
        actor=inv.actor,
        action=action,
        target=target,
        detail=detail,
    )


def _log_member(service: EvidenceService, inv: Invocation, action: str, member: str) -> None:
    """Log a member's opt-out or opt-in under their pseudonym, never their name or id.

    The actor is `member:<salted author hash>`, the same pseudonym the opt-out table keeps,
    so moderators can see opt-outs happen without the log saying who opted out.
    """
    log_action(
        service.db,
        platform=inv.post.platform,
        place=inv.post.place,
        actor=f"member:{member}",
        action=action,
    )


def _refresh(service: EvidenceService, command: Command, inv: Invocation) -> CommandResult:
    """Turn the editing of posted cards in this place on or off (issue 26)."""
    on = command.argument.lower() == "on"
    post = inv.post
    posted_cards.set_refresh(service.db, post.platform, post.place, on=on, by=inv.actor)
    _log(service, inv, "refresh", target=post.place, detail="on" if on else "off")
    text = (
        "Posted cards here are edited when their atlas entry changes or the study is retracted."
        if on
        else "Posted cards here are left as they were posted, even when the atlas changes."
    )
    return CommandResult(command, ok=True, text=text)


_Handler = Callable[[EvidenceService, Command, Invocation], CommandResult]
_HANDLERS: dict[Name, _Handler] = {
    Name.LOOKUP: _lookup,
    Name.SUMMON: _summon,
    Name.POST: _post,
    Name.ON: _mode,
    Name.OFF: _mode,
    Name.SUMMON_ONLY: _mode,
    Name.COOLDOWN: _cooldown,
    Name.DESCRIPTIONS: _descriptions,
    Name.REFRESH: _refresh,
    Name.REMOVE: _remove,
    Name.OPTOUT: _optout,
    Name.OPTIN: _optin,
    Name.UNMATCHED: _unmatched,
    Name.STATS: _stats,
    Name.WRONG: _wrong,
    Name.HELP: _help,
}
