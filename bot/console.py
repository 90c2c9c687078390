"""The console bot: posts from a terminal or a thread file, replies printed, same policy.

Each post is one line, `name: text`; an indented line continues the post above it. Two
markers make a thread file tell a fuller story:

    Reviewer [bot]: posted by a bot (the evidence bot never answers bots)
    alice [edit 3]: alice edited post #3 to say this instead

Lines starting with `#` are comments. A post that is an `!evidence` command runs it as the
console's operator, who counts as a moderator.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from rich.cells import cell_len
from rich.console import Console
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from bot.core.conversation import Conversation, Handled
from bot.core.delivery import Delivery
from bot.core.rendering import as_text
from bot.core.service import EvidenceService, Outcome, ReplyPlan
from records.models import Post

DEFAULT_AUTHOR = "you"
QUOTE_CHARS = 300

# `name: text`, `name [bot]: text`, `name [edit 3]: text` (name: letters, digits, _ . -).
# Only the part before the line's first colon is matched against this, and only when that
# part is short: a line of any length is then read in linear time (matched whole, the two
# optional whitespace runs around the marker made a long line of spaces quadratic).
_POST_HEADER = re.compile(
    r"""(?P<author>[\w][\w .-]{0,39}?)
        \s*(?:\[(?:(?P<bot>bot)|edit\s+\#?(?P<edit>\d{1,9}))\])?\s*""",
    re.VERBOSE | re.IGNORECASE,
)
_HEADER_CHARS = 80  # a 40-character name, `[edit #123456789]` and some spaces


@dataclass(frozen=True)
class ThreadPost:
    """One post read from the console or a thread file."""

    number: int
    author: str
    text: str
    is_bot: bool = False
    edit_of: int | None = None


def read_thread(lines: Iterable[str], *, continuation: bool = True) -> Iterator[ThreadPost]:
    """Posts from thread-file lines: `name: text`, indented continuation lines, comments.

    With `continuation=False` (interactive input) every line is a post of its own and is
    yielded at once.
    """
    pending: ThreadPost | None = None
    # Continuation lines are collected and joined once: appending each to the post's text
    # copied the whole post per line (quadratic for megabytes of continuation lines).
    more: list[str] = []
    numbers = itertools.count(1)
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not continuation:
            yield _parse_line(line.strip(), next(numbers))
            continue
        if line[:1].isspace() and pending is not None:
            more.append(line.strip())
            continue
        if pending is not None:
            yield _with_continuation(pending, more)
            more = []
        pending = _parse_line(line.strip(), next(numbers))
    if pending is not None:
        yield _with_continuation(pending, more)


def _with_continuation(post: ThreadPost, more: list[str]) -> ThreadPost:
    if not more:
        return post
    return replace(post, text="\n".join([post.text, *more]))


def _parse_line(line: str, number: int) -> ThreadPost:
    """`name: text` (with its markers) as a post; any other line is a post by `you`."""
    colon = line.find(":", 0, _HEADER_CHARS)
    # The name and markers hold no colon, so the first colon ends them; text follows a space.
    found = _POST_HEADER.fullmatch(line, 0, colon) if colon > 0 else None
    if found is None or not line[colon + 1 : colon + 2].isspace():
        return ThreadPost(number, DEFAULT_AUTHOR, line)
    edit = found.group("edit")
    return ThreadPost(
        number=number,
        author=found.group("author").strip(),
        text=line[colon + 1 :].strip(),
        is_bot=bool(found.group("bot")),
        edit_of=int(edit) if edit else None,
    )


@dataclass
class ConsoleStats:
    """What a console run did."""

    posts: int = 0
    replies: int = 0
    cards: int = 0
    commands: int = 0
    unmatched_logged: int = 0
    quiet: dict[str, int] = field(default_factory=dict)


class ConsoleOutlet:
    """The console's Outlet: "sending" prints the reply; posts are the ones read so far."""

    def __init__(self, bot: ConsoleBot) -> None:
        self._bot = bot
        self._replies = itertools.count(1)

    def send(self, to: Post, plan: ReplyPlan) -> str:
        """Print the reply and give it an id of this run."""
        self._bot.show(plan)
        return f"{self._bot.run_id}:reply-{next(self._replies)}"

    def find_reply(self, to: Post) -> str | None:
        """A console run never leaves a reply behind for another run to find."""
        return None

    def delete(self, reply_id: str) -> None:
        """There is nothing to delete on a terminal: say what a platform would do."""
        self._bot.note(f"(on a real platform the bot's reply {reply_id} would now be deleted)")

    def fetch_post(self, message_id: str) -> Post | None:
        """A post read earlier in this run."""
        return self._bot.post_by_id(message_id)


class ConsoleBot:
    """Runs posts through the EvidenceService and prints each post and the bot's reply."""

    def __init__(
        self,
        service: EvidenceService,
        console: Console,
        *,
        place: str = "console",
        thread: str | None = None,
        output: str = "text",
        start: datetime | None = None,
    ) -> None:
        self.service = service
        self.console = console
        self.place = place
        self._start = start or service.clock()
        # Every run is a conversation of its own, so posts numbered from 1 again are new
        # messages to the reply log, not repeats of an earlier run's.
        self.run_id = self._start.strftime("%Y%m%dT%H%M%S%f")
        self.thread = thread or f"console-{self.run_id}"
        self.output = output
        self.stats = ConsoleStats()
        self._posts: dict[int, Post] = {}
        self.conversation = Conversation(service, ConsoleOutlet(self), "console")

    def message_id(self, number: int) -> str:
        """The reply-log id of post `number` in this run."""
        return f"{self.run_id}:{number}"

    def post_by_id(self, message_id: str) -> Post | None:
        """A post of this run by its reply-log id."""
        return next((p for p in self._posts.values() if p.message_id == message_id), None)

    def run(self, posts: Iterable[ThreadPost]) -> ConsoleStats:
        """Handle every post in order and return the counts."""
        for thread_post in posts:
            self.handle(thread_post)
        return self.stats

    def handle(self, thread_post: ThreadPost) -> None:
        """Handle one post: a command (the operator is a moderator), or a citing message."""
        post = self._to_post(thread_post)
        self.stats.posts += 1
        self._print_post(thread_post)
        previous = self._posts.get(thread_post.number - 1)
        handled = self.conversation.answer(
            post,
            is_moderator=lambda: True,
            replying_to=previous.message_id if previous else None,
        )
        if handled.command is not None:
            self._report_command(handled)
        if handled.outcome is not None:
            self._report_outcome(handled.outcome, answered=handled.replied)
        if handled.delivery is not None and handled.delivery.plan is not None:
            self._count(handled.delivery)

    def _count(self, delivery: Delivery) -> None:
        plan = delivery.plan
        if not delivery.answered or plan is None or not (plan.reply.cards or plan.reply.more):
            return
        self.stats.replies += 1
        self.stats.cards += len(plan.entry_ids)

    def _to_post(self, thread_post: ThreadPost) -> Post:
        number = thread_post.edit_of or thread_post.number
        original = self._posts.get(number)
        post = Post(
            platform="console",
            place=self.place,
            thread=self.thread,
            message_id=self.message_id(number),
            author_id=original.author_id if original else f"console:{thread_post.author}",
            author_name=thread_post.author,
            author_is_bot=thread_post.is_bot,
            text=thread_post.text,
            created_at=self._start + timedelta(minutes=thread_post.number),
            is_edit=thread_post.edit_of is not None,
        )
        self._posts.setdefault(number, post)
        return post

    def _report_command(self, handled: Handled) -> None:
        self.stats.commands += 1
        result = handled.result
        if result is None:
            return
        if result.lookup is not None:
            self.stats.unmatched_logged += result.lookup.logged
        if result.silent:
            self.note(result.text, style="yellow")
        elif handled.delivery is None and handled.outcome is None:
            self.note(result.text or "(nothing to do)", style="cyan" if result.ok else "yellow")

    def _report_outcome(self, outcome: Outcome, *, answered: bool) -> None:
        self.stats.unmatched_logged += outcome.logged
        if outcome.logged_keys:
            keys = ", ".join(outcome.logged_keys)
            self.note(f"not in the atlas, logged for curators: {keys}", style="magenta")
        if answered:
            return
        verdict = outcome.decision.verdict.value
        self.stats.quiet[verdict] = self.stats.quiet.get(verdict, 0) + 1
        held = outcome.decision.held_back
        detail = f" ({', '.join(held)})" if held else ""
        self.note(f"no reply: {verdict}{detail}", style="dim")

    def show(self, plan: ReplyPlan) -> None:
        """Print a reply: a note for a plain answer, else a panel or the platform's format."""
        if not plan.reply.cards and not plan.reply.more and not plan.entry_ids:
            self.note(plan.reply.notice or "(nothing to do)", style="cyan")
            return
        count = len(plan.entry_ids)
        title = f"evidence-bot · {count} stud{'y' if count == 1 else 'ies'}" if count else None
        if self.output == "text":
            # The box takes 4 columns of indent and 4 of border and padding.
            width = max(20, min(88, self.console.width - 8))
            rendered = plan.text(width=width)
            style = "red" if any(c.retracted for c in plan.reply.cards) else "green"
            if max(cell_len(line) for line in rendered.splitlines()) > width:
                # A link longer than the box is wide would be broken inside it: no box.
                self.console.print(Text(f"    ── {title or 'evidence-bot'} ──", style=style))
                self.console.print(Text(textwrap.indent(rendered, "    ")), soft_wrap=True)
                self.console.print()
                return
            panel = Panel(
                Text(rendered), title=title, title_align="left", border_style=style, expand=False
            )
            self.console.print(Padding(panel, (0, 0, 1, 4)))
            return
        # Platform renderings are printed raw and unwrapped, so they can be copied as they are.
        raw = as_text(plan.render(self.output))
        self.console.print(Text(f"── {title or 'evidence-bot'} ({self.output}) ──", style="green"))
        self.console.print(Text(raw), soft_wrap=True)
        self.console.print()

    def _print_post(self, thread_post: ThreadPost) -> None:
        label = Text(f"#{thread_post.number} ", style="bold")
        label.append(thread_post.author, style="bold blue")
        if thread_post.is_bot:
            label.append(" [bot]", style="dim")
        if thread_post.edit_of:
            label.append(f" (edits #{thread_post.edit_of})", style="italic")
        quoted = thread_post.text
        if len(quoted) > QUOTE_CHARS:
            quoted = quoted[:QUOTE_CHARS].rsplit(" ", 1)[0] + " …"
        self.console.print(label)
        # Printed unwrapped (the terminal folds it): links and identifiers stay whole.
        self.console.print(Text(textwrap.indent(quoted, "  ")), soft_wrap=True)

    def note(self, text: str, *, style: str = "dim") -> None:
        """Print a remark of the console's own, indented under the post."""
        # Unwrapped, like posts: a key or link listed here stays whole.
        self.console.print(Text(f"    · {text}", style=style), soft_wrap=True)
        self.console.print()
