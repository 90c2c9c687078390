"""The platform-neutral bot: from a Post to a reply plan, and the records behind it.

`EvidenceService` decides (`handle_post`: policy, matching, cards) and keeps the reply log
(`claim`, `confirm`, `release`). Adapters do not run those steps by hand: they build one
service in their entry point and hand each post to the conversation
(`bot.core.conversation`, run synchronously or by `conversation_async.answer_async`), which
answers commands and citations and sends every reply through `bot.core.delivery.deliver` or
`deliver_async`. Either way the sequence (claim → send → confirm, or release; a killed
process's claim taken over after its lease) is written once, in `bot.core.delivery`.

`record_reply(post, plan, reply_id)` does claim and confirm in one step for adapters that
send first. Everything here is synchronous and takes its collaborators as arguments.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, Protocol

from bot.core.card_versions import reply_layout, reply_shown
from bot.core.cards import Card, Reply, card_from_entry, is_unfinished
from bot.core.policy import (
    Decision,
    Facts,
    author_verdict,
    cooldown_start,
    decide,
    effective_cooldown,
    effective_mode,
    unique_in_order,
)
from bot.core.render_bbcode import Quote, render_bbcode
from bot.core.render_markdown import render_markdown
from bot.core.render_text import WIDTH as TEXT_WIDTH
from bot.core.render_text import render_text
from bot.core.rendering import render
from config.settings import DescriptionMode, ReplyMode, Settings
from linker import papers_to_log
from records import fulltext, posted_cards, replies
from records.atlas_store import entries_carrying
from records.db import Database, write_transaction
from records.models import AtlasEntry, Match, Post, Reference, RefKind, strip_lone_surrogates
from records.places import PlaceSettings, get_effective_place_settings, is_opted_out
from records.retractions import retraction_notice
from records.salt import author_hash_salt
from records.unmatched import hash_author, record_sightings

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
LookupStatus = Literal["found", "choices", "not_found"]
CHOICES_SHOWN = 5
SOUNDS_LIKE = "This sounds like:"


class MatchIndex(Protocol):
    """What the service needs from the linker's atlas index (linker.AtlasIndex)."""

    def match(self, text: str) -> list[Match]:
        """Every study reference in `text`, resolved against the atlas where possible."""
        ...

    def search(self, query: str, limit: int = 5) -> list[Match]:
        """Exact hits for identifiers, URLs and slugs; ranked candidates for title words."""
        ...

    def get(self, entry_id: str) -> AtlasEntry | None:
        """The entry with this slug, or None."""
        ...

    def unmatched_citations(self, text: str, matches: Iterable[Match] = ()) -> list[Match]:
        """Strong author-year citations of studies the atlas lacks (for the unmatched log)."""
        ...


def utc_now() -> datetime:
    """The default clock."""
    return datetime.now(UTC)


class _RendersReply:
    """The renderings of a `reply` attribute, shared by plans and lookup results: the
    core's formats by name, and any rendering a platform registered (`render`)."""

    reply: Reply

    def render(self, name: str, **options: Any) -> object:
        """The reply as the rendering `name` (see `bot.core.rendering`)."""
        return render(name, self.reply, **options)

    def markdown(self) -> str:
        """One Markdown comment."""
        return render_markdown(self.reply)

    def text(self, width: int = TEXT_WIDTH) -> str:
        """Plain text for the console and logs, wrapped at `width` columns."""
        return render_text(self.reply, width=width)

    def bbcode(self, quote: Quote | None = None) -> str:
        """One forum post in BBCode, quoting the post it answers."""
        return render_bbcode(self.reply, quote=quote)


@dataclass(frozen=True)
class ReplyPlan(_RendersReply):
    """What to send in answer to `post`: the reply (cards and links) and what it covers.

    `entry_ids` are every study the reply shows (full cards and "and N more" links), which
    is what the reply log records. Render with `.text()`, `.markdown()`, `.bbcode()` or
    `.render(name)` (a rendering a platform registered).
    """

    post: Post
    reply: Reply
    entry_ids: tuple[str, ...]
    matches: tuple[Match, ...] = ()
    summoned: bool = False
    # Set by `EvidenceService.claim` when the claim took over one a killed process left
    # unconfirmed past the lease: that process's reply may exist, so the adapter looks for
    # it (and confirms it) before sending.
    takeover: bool = False


@dataclass(frozen=True)
class Outcome:
    """Everything `evaluate` found out about a post, for adapters that want the reasons."""

    post: Post
    matches: tuple[Match, ...]
    decision: Decision
    plan: ReplyPlan | None
    logged: int = 0
    # The unmatched-log key of every paper the post cites that the atlas lacks (identifiers
    # and author-year citations alike), whether or not its sighting was new.
    logged_keys: tuple[str, ...] = ()
    # Claimed by a delivery inside its lease when `decision` was made (same clock reading).
    claim_in_flight: bool = False

    @property
    def unmatched(self) -> tuple[Match, ...]:
        """References to studies the atlas does not hold."""
        return tuple(m for m in self.matches if m.entry is None)


@dataclass(frozen=True)
class LookupResult(_RendersReply):
    """The answer to a query: one study, several candidates, or nothing in the atlas."""

    query: str
    status: LookupStatus
    matches: tuple[Match, ...]
    reply: Reply
    logged: int = 0

    @property
    def entries(self) -> tuple[AtlasEntry, ...]:
        """The atlas entries found, best first."""
        return tuple(m.entry for m in self.matches if m.entry is not None)


def command_word(platform: str, settings: Settings) -> str:
    """How members call the bot on a platform, e.g. `!evidence`: the prefix the platform's
    settings section sets (`prefix`), else `!`."""
    prefix = getattr(getattr(settings, platform, None), "prefix", "!")
    return f"{prefix}evidence"


class EvidenceService:
    """Decides, plans and records replies for every platform.

    `self_ids` are the bot's own author ids (adapters add theirs with `add_self_id` once
    they know it), so the bot never answers itself even where a platform does not flag it.
    """

    def __init__(
        self,
        db: Database,
        index: MatchIndex,
        settings: Settings,
        *,
        clock: Clock = utc_now,
        self_ids: Collection[str] = (),
    ) -> None:
        self.db = db
        self.index = index
        self.settings = settings
        self.clock = clock
        self.self_ids: set[str] = set(self_ids)

    # -- identities and places -------------------------------------------------------------

    def add_self_id(self, author_id: str) -> None:
        """Remember one of the bot's own author ids."""
        self.self_ids.add(author_id)

    def author_hash(self, author_id: str) -> str:
        """The salted pseudonym stored for a member (opt-outs, sightings, reports)."""
        return hash_author(author_id, self.salt)

    @functools.cached_property
    def salt(self) -> str:
        """The deployment's author-hash salt (the configured one, else the records' own)."""
        return author_hash_salt(self.db, self.settings.database.author_hash_salt)

    def place_settings(
        self, platform: str, place: str, parent_place: str | None = None
    ) -> PlaceSettings | None:
        """What moderators set for a place, else for its parent place (None: defaults)."""
        return get_effective_place_settings(self.db, platform, place, parent_place)

    def mode_for(self, platform: str, place: str, parent_place: str | None = None) -> ReplyMode:
        """The effective reply mode of a place (inherited from `parent_place` if unset)."""
        stored = self.place_settings(platform, place, parent_place)
        return effective_mode(stored, self.settings.reply.default_mode)

    def cooldown_for(self, platform: str, place: str, parent_place: str | None = None) -> float:
        """The effective per-thread cooldown of a place in hours (0: none)."""
        stored = self.place_settings(platform, place, parent_place)
        return effective_cooldown(stored, self.settings.reply.cooldown_hours)

    def descriptions_for(
        self, platform: str, place: str, parent_place: str | None = None
    ) -> DescriptionMode:
        """How a place answers studies named by description: `card`, `suggest` or `off`."""
        stored = self.place_settings(platform, place, parent_place)
        if stored is not None and stored.description_matches is not None:
            return stored.description_matches
        return self.settings.reply.description_matches

    def _matches(self, post: Post) -> tuple[Match, ...]:
        """The post's matches, less description matches where a place turned them off."""
        matches = tuple(self.index.match(post.text))
        if (
            any(_described(m) for m in matches)
            and self.descriptions_for(post.platform, post.place, post.parent_place) == "off"
        ):
            return tuple(m for m in matches if not _described(m))
        return matches

    def is_off(self, post: Post) -> bool:
        """Whether moderators switched the bot off where `post` was written.

        Off means off for members: no automatic cards, no summons, no lookups, no answers to
        their commands; only moderators' commands still work there.
        """
        return self.mode_for(post.platform, post.place, post.parent_place) == "off"

    # -- posts -----------------------------------------------------------------------------

    def evaluate(self, post: Post, *, summoned: bool = False) -> Outcome:
        """Find the post's references, log unmatched ones, and decide on a reply."""
        matches = self._matches(post)
        facts = self._facts(post, matches, summoned=summoned)
        logged, to_log = 0, []
        if self._may_log(facts):
            to_log = papers_to_log(self.index, post.text, matches)
            logged = self._log_unmatched(post, to_log)
        decision = decide(facts)
        plan = None
        if decision.reply:
            plan = self._plan(post, matches, decision.entry_ids, summoned=summoned)
        log.debug("post %s/%s: %s", post.platform, post.message_id, decision.verdict.value)
        return Outcome(post=post, matches=matches, decision=decision, plan=plan, logged=logged,
                       logged_keys=tuple(m.reference.key for m in to_log),
                       claim_in_flight=facts.claim_in_flight)  # fmt: skip

    def handle_post(self, post: Post, *, summoned: bool = False) -> ReplyPlan | None:
        """The reply to send for `post`, or None when the policy says to stay quiet.

        `summoned` is True when a member explicitly asked for this post's cards (a bare
        `!evidence` answering it, or a context-menu command).
        """
        return self.evaluate(post, summoned=summoned).plan

    def preview(self, post: Post) -> ReplyPlan | None:
        """Cards for every atlas study `post` cites, ignoring the reply log and cooldowns.

        For private checks (a platform's "check this message" menu): nothing is claimed, and the
        plan should not be recorded. Unmatched references are logged as for a summons;
        None when the post cites no atlas study, or where the bot is off (`is_off`).
        """
        matches = self._matches(post)
        facts = self._facts(post, matches, summoned=True)
        if self._may_log(facts):
            self._log_unmatched(post, papers_to_log(self.index, post.text, matches))
        if not facts.candidates or facts.mode == "off":
            return None
        return self._plan(post, matches, facts.candidates, summoned=True)

    def _facts(self, post: Post, matches: Sequence[Match], *, summoned: bool) -> Facts:
        place = self.place_settings(post.platform, post.place, post.parent_place)
        now = self.clock()
        since = cooldown_start(now, effective_cooldown(place, self.settings.reply.cooldown_hours))
        previous = replies.get_reply(self.db, post.platform, post.message_id)
        # One clock reading decides both whether the claim is stale and whether it is live.
        stale = previous is not None and replies.is_stale_claim(previous, self._stale_before(now))
        in_flight = previous is not None and previous.reply_id is None and not stale
        if stale:
            # A killed process's claim: the message counts as unanswered (`claim` takes over).
            previous = None
        recent = (
            replies.recently_carded(
                self.db,
                post.platform,
                post.thread,
                since,
                except_message=post.message_id if stale else None,
            )
            if since is not None
            else set()
        )
        return Facts(
            post=post,
            candidates=unique_in_order(m.entry.id for m in matches if m.entry is not None),
            mode=effective_mode(place, self.settings.reply.default_mode),
            summoned=summoned,
            is_self=post.author_id in self.self_ids,
            opted_out=is_opted_out(self.db, post.platform, self.author_hash(post.author_id)),
            previous=previous.entries if previous else None,
            recent=frozenset(recent),
            replies_last_hour=replies.replies_since(
                self.db, post.platform, post.place, now - timedelta(hours=1)
            ),
            rate_cap=self.settings.reply.rate_cap_per_hour,
            unfinished=frozenset(
                m.entry.id for m in matches if m.entry is not None and is_unfinished(m.entry)
            ),
            claim_in_flight=in_flight,
        )

    @staticmethod
    def _may_log(facts: Facts) -> bool:
        """Bots, opted-out members and places where the bot is off leave no trace."""
        if author_verdict(facts.post, is_self=facts.is_self) is not None:
            return False
        return facts.mode != "off" and not (facts.opted_out and not facts.summoned)

    def _log_unmatched(self, post: Post, matches: Sequence[Match]) -> int:
        return record_sightings(self.db, post, matches, salt=self.salt)

    # -- building replies ------------------------------------------------------------------

    def card(self, entry: AtlasEntry, match: Match | None = None) -> Card:
        """The card for an entry, carrying any retraction notice the enricher found."""
        flag = retraction_notice(self.db, entry.id)
        return card_from_entry(entry, str(self.settings.atlas.base_url), match, flag)

    def reply_for(self, platform: str, cards: Sequence[Card]) -> Reply:
        """Cards up to the configured cap, then links, with the platform's command word."""
        return Reply.from_cards(
            cards,
            max_cards=self.settings.reply.max_cards,
            command=command_word(platform, self.settings),
        )

    def _plan(
        self, post: Post, matches: Sequence[Match], entry_ids: Sequence[str], *, summoned: bool
    ) -> ReplyPlan:
        cited: dict[str, tuple[AtlasEntry, Match]] = {}
        for match in matches:
            if match.entry is not None:
                cited.setdefault(match.entry.id, (match.entry, match))
        cards = [self.card(*cited[e]) for e in entry_ids if e in cited]
        reply = self.reply_for(post.platform, cards)
        shown = tuple(c.entry_id for c in (*reply.cards, *reply.more))
        described = [cited[e][0] for e in entry_ids if e in cited and _described(cited[e][1])]
        if described and len(described) == len(cards):
            reply = self._sounds_like(post, reply, described)
        return ReplyPlan(
            post=post, reply=reply, entry_ids=shown, matches=tuple(matches), summoned=summoned
        )

    def _sounds_like(self, post: Post, reply: Reply, entries: Sequence[AtlasEntry]) -> Reply:
        """A reply for studies the post only described, said as a guess: the cards after
        "This sounds like:", or (`suggest`) one line naming the study and how to see its card."""
        how = self.descriptions_for(post.platform, post.place, post.parent_place)
        if how == "card":
            return replace(reply, notice=SOUNDS_LIKE)
        first = entries[0]
        year = f" ({first.year})" if first.year else ""
        notice = (
            f"{SOUNDS_LIKE} “{first.title}”{year}. "
            f"To see its atlas card: {reply.command} {first.id}"
        )
        return replace(reply, cards=(), more=(), notice=notice)

    # -- the reply log ---------------------------------------------------------------------

    def claim(self, plan: ReplyPlan) -> ReplyPlan | None:
        """Reserve `plan.post` for this reply; None when another process answered it first.

        The cooldown is checked again inside the claim, so a study another process carded
        in the thread meanwhile is dropped; the returned plan keeps only the studies this
        caller won (None when that leaves nothing).

        A claim left unconfirmed for longer than `reply.claim_lease_seconds` (its process
        was killed between claiming and confirming) is taken over by the first caller: the
        returned plan has `takeover` set, and the adapter must look for the earlier reply on
        the platform and `confirm` it if it exists, sending only when it does not.
        """
        post = plan.post
        now = self.clock()
        cooldown = None
        if not plan.summoned:
            hours = self.cooldown_for(post.platform, post.place, post.parent_place)
            cooldown = cooldown_start(now, hours)
        with write_transaction(self.db):
            won = replies.take_over_stale_claim(
                self.db,
                platform=post.platform,
                thread=post.thread,
                message_id=post.message_id,
                entry_ids=plan.entry_ids,
                at=now,
                stale_before=self._stale_before(now),
                cooldown_since=cooldown,
            )
            takeover = won is not None
            if won is None:
                won = replies.claim_reply(
                    self.db,
                    platform=post.platform,
                    place=post.place,
                    thread=post.thread,
                    message_id=post.message_id,
                    entry_ids=plan.entry_ids,
                    at=now,
                    author_hash=self.author_hash(post.author_id),
                    is_edit=post.is_edit,
                    cooldown_since=cooldown,
                )
        if won is None:
            return None
        if takeover:
            log.info("message %s/%s: taking over a stale claim", post.platform, post.message_id)
        if won == plan.entry_ids:
            return replace(plan, takeover=takeover)
        cards = [c for c in (*plan.reply.cards, *plan.reply.more) if c.entry_id in won]
        reply = self.reply_for(post.platform, cards)
        return replace(plan, reply=reply, entry_ids=won, takeover=takeover)

    def _stale_before(self, now: datetime) -> datetime:
        """Claims unconfirmed since before this were left by a process that died."""
        return now - timedelta(seconds=self.settings.reply.claim_lease_seconds)

    def confirm(self, plan: ReplyPlan, reply_id: str) -> None:
        """Store the id of the reply that was sent for a claimed plan, with its studies."""
        post = plan.post
        now = self.clock()
        with write_transaction(self.db):
            replies.confirm_reply(
                self.db, post.platform, post.message_id, reply_id, plan.entry_ids, at=now
            )
            if reply_id and (plan.reply.cards or plan.reply.more) and plan.entry_ids:
                self._record_posted(plan, reply_id, now)

    def _record_posted(self, plan: ReplyPlan, reply_id: str, now: datetime) -> None:
        """Where the card lives and what it shows, so a refresh can keep it true."""
        post = plan.post
        posted_cards.record_posted(
            self.db,
            platform=post.platform,
            reply_id=reply_id,
            place=post.place,
            thread=post.thread,
            message_id=post.message_id,
            layout=reply_layout(plan.reply),
            shown=reply_shown(plan.reply),
            at=now,
        )

    def release(self, plan: ReplyPlan) -> None:
        """Give up a claim whose reply could not be sent."""
        replies.release_reply(self.db, plan.post.platform, plan.post.message_id, plan.entry_ids)

    def record_reply(self, post: Post, plan: ReplyPlan, reply_id: str | None) -> bool:
        """Log a reply already sent, with its cards, in one transaction.

        Returns False when the message was already answered (UNIQUE(platform, message_id)),
        which means the reply just sent is a duplicate the adapter should delete.
        """
        plan = plan if plan.post == post else replace(plan, post=post)
        with write_transaction(self.db):
            claimed = self.claim(plan)
            if claimed is not None and reply_id is not None:
                self.confirm(claimed, reply_id)
        return claimed is not None

    # -- lookups ---------------------------------------------------------------------------

    def lookup(
        self, query: str, *, post: Post | None = None, log_unmatched: bool = True
    ) -> LookupResult:
        """Find `query` (DOI, PMID, PMCID, URL, slug or title words) in the atlas.

        One clear hit gives its card; several plausible ones a numbered list; none "not in
        the atlas", and a recognised identifier is added to the unmatched-paper log (as a
        sighting of `post` when given, else of a console lookup) unless `log_unmatched` is
        False (a curator's question from the command line is no sighting).
        """
        query = strip_lone_surrogates(query)  # a command-line argument may carry them
        found = self.index.search(query, limit=CHOICES_SHOWN)
        if not found and query.strip().isdigit():
            # A bare number in a lookup is most likely a PubMed id.
            found = self.index.search(f"PMID {query.strip()}", limit=CHOICES_SHOWN)
        hits = tuple(m for m in found if m.entry is not None)
        platform = post.platform if post else "console"
        if not hits and not any(m.entry is None for m in found):
            hits = self._search_words(query)
            if hits:
                return self._choices(
                    query, hits, platform, notice=f"Atlas studies matching “{query}”:"
                )
        if not hits:
            return self._not_found(query, found, post, log_unmatched=log_unmatched)
        if len(hits) == 1 or _clear_winner(hits):
            assert hits[0].entry is not None
            twins = self._entries_sharing(hits[0])
            if len(twins) > 1:
                # Two entries carry one identifier (the atlas may list a study twice): the
                # index knows one owner per identifier, so name every one instead.
                reference = hits[0].reference
                notice = (
                    f"{len(twins)} atlas entries carry {reference.kind.value.upper()} "
                    f"{reference.value}:"
                )
                return self._choices(query, twins, platform, notice=notice)
            reply = self.reply_for(platform, [self.card(hits[0].entry, hits[0])])
            return LookupResult(query=query, status="found", matches=hits[:1], reply=reply)
        notice = f"Several atlas studies fit “{query}”. Pick one by its identifier or link:"
        return self._choices(query, hits, platform, notice=notice)

    def _choices(
        self, query: str, hits: tuple[Match, ...], platform: str, *, notice: str
    ) -> LookupResult:
        choices = tuple(self.card(m.entry, m) for m in hits if m.entry is not None)
        reply = Reply(
            cards=(), more=choices, command=command_word(platform, self.settings), notice=notice
        )
        return LookupResult(query=query, status="choices", matches=hits, reply=reply)

    def _entries_sharing(self, hit: Match) -> tuple[Match, ...]:
        """`hit` and every other entry carrying the identifier it was found by."""
        kind, value = hit.reference.kind.value, hit.reference.value
        entries = (self.index.get(slug) for slug in entries_carrying(self.db, kind, value))
        return tuple(hit.model_copy(update={"entry": e}) for e in entries if e is not None)

    def _search_words(self, query: str) -> tuple[Match, ...]:
        """Entries whose title, aliases, keywords or summary hold the query's words."""
        whole = Reference(kind=RefKind.TITLE, value=query, start=0, end=len(query), text=query)
        entries = (self.index.get(slug) for slug in fulltext.search(self.db, query, CHOICES_SHOWN))
        return tuple(
            Match(reference=whole, entry=entry, score=50.0, rule="full-text")
            for entry in entries
            if entry is not None
        )

    def _not_found(
        self, query: str, found: Sequence[Match], post: Post | None, *, log_unmatched: bool
    ) -> LookupResult:
        unmatched = [m for m in found if m.entry is None]
        logged = 0
        if unmatched and log_unmatched:
            logged = self._log_unmatched(post or _lookup_post(query, self.clock()), unmatched)
        platform = post.platform if post else "console"
        if unmatched:
            notice = f"“{query}” is not in the atlas."
        else:
            notice = (
                f"No atlas study matches “{query}”. Try a DOI, PMID or link, the first author "
                "and year (“Fluge 2019”), or other words from the title or summary."
            )
        if unmatched and log_unmatched:
            notice += " It has been added to the list of papers for the atlas curators."
        reply = Reply(
            cards=(), command=command_word(platform, self.settings), notice=notice, footer=False
        )
        return LookupResult(
            query=query, status="not_found", matches=tuple(unmatched), reply=reply, logged=logged
        )

    def plan_for_lookup(self, post: Post, result: LookupResult) -> ReplyPlan:
        """A reply plan answering `post` with a lookup's result (for summons with a query)."""
        ids = tuple(m.entry.id for m in result.matches if m.entry is not None)
        shown = ids if result.status == "found" else ()
        return ReplyPlan(
            post=post, reply=result.reply, entry_ids=shown, matches=result.matches, summoned=True
        )


def _described(match: Match) -> bool:
    """Whether a match came from a description rather than a citation."""
    return match.reference.kind is RefKind.DESCRIPTION


def _clear_winner(hits: Sequence[Match]) -> bool:
    """An exact identifier hit, or a title hit clearly ahead of the next candidate."""
    best, runner_up = hits[0], hits[1]
    if best.reference.kind.value in {"doi", "pmid", "pmcid", "slug"}:
        return True
    return best.score >= 99.5 and runner_up.score < best.score - 5


def _lookup_post(query: str, now: datetime) -> Post:
    """A stand-in post for a lookup from the command line, so its sighting is logged once."""
    return Post(
        platform="console",
        place="lookup",
        thread="lookup",
        message_id=f"lookup:{query.strip().lower()[:200]}",
        author_id="console",
        text=query,
        created_at=now,
    )
