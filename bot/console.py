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
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from rich.console import Console, Group
from rich.padding import Padding
from rich.panel import Panel
from rich.text import Text

from bot.core.commands import Command, Invocation, Name, execute, parse_command
from bot.core.service import EvidenceService, Outcome, ReplyPlan
from records.models import Post

OutputFormat = Literal["text", "markdown", "discord"]
DEFAULT_AUTHOR = "you"
QUOTE_CHARS = 300

# `name: text`, `name [bot]: text`, `name [edit 3]: text` (name: letters, digits, _ . -)
_POST_LINE = re.compile(
    r"""^(?P<author>[\w][\w .-]{0,39}?)
        \s*(?:\[(?:(?P<bot>bot)|edit\s+\#?(?P<edit>\d+))\])?
        \s*:\s(?P<text>.*)$""",
    re.VERBOSE | re.IGNORECASE,
)


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
    numbers = itertools.count(1)
    for raw in lines:
        line = raw.rstrip("\r\n")
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not continuation:
            yield _parse_line(line.strip(), next(numbers))
            continue
        if line[:1].isspace() and pending is not None:
            pending = ThreadPost(
                pending.number,
                pending.author,
                f"{pending.text}\n{line.strip()}",
                pending.is_bot,
                pending.edit_of,
            )
            continue
        if pending is not None:
            yield pending
        pending = _parse_line(line.strip(), next(numbers))
    if pending is not None:
        yield pending


def _parse_line(line: str, number: int) -> ThreadPost:
    found = _POST_LINE.match(line)
    if found is None:
        return ThreadPost(number, DEFAULT_AUTHOR, line)
    edit = found.group("edit")
    return ThreadPost(
        number=number,
        author=found.group("author").strip(),
        text=found.group("text").strip(),
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


class ConsoleBot:
    """Runs posts through the EvidenceService and prints each post and the bot's reply."""

    def __init__(
        self,
        service: EvidenceService,
        console: Console,
        *,
        place: str = "console",
        thread: str | None = None,
        output: OutputFormat = "text",
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
        self._replies = itertools.count(1)

    def message_id(self, number: int) -> str:
        """The reply-log id of post `number` in this run."""
        return f"{self.run_id}:{number}"

    def run(self, posts: Iterable[ThreadPost]) -> ConsoleStats:
        """Handle every post in order and return the counts."""
        for thread_post in posts:
            self.handle(thread_post)
        return self.stats

    def handle(self, thread_post: ThreadPost) -> None:
        """Handle one post: a command, or a message the bot may answer."""
        post = self._to_post(thread_post)
        self.stats.posts += 1
        self._print_post(thread_post)
        command = parse_command(post.text)
        if command is not None and not post.author_is_bot:
            self._run_command(post, command, thread_post)
            return
        self._answer(self.service.evaluate(post))

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

    def _run_command(self, post: Post, command: Command, thread_post: ThreadPost) -> None:
        self.stats.commands += 1
        target = self._posts.get(thread_post.number - 1)
        invocation = Invocation(
            post=post, is_moderator=lambda: True, target_id=target.message_id if target else None
        )
        result = execute(self.service, command, invocation)
        if result.lookup is not None:
            self.stats.unmatched_logged += result.lookup.logged
        if result.action == "summon" and target is not None:
            self._answer(self.service.evaluate(target, summoned=True))
            return
        if result.plan is not None and result.ok and self._deliver(result.plan):
            return
        self._note(result.text or "(nothing to do)", style="cyan" if result.ok else "yellow")
        if command.name is Name.REMOVE:
            self._note("(on a real platform the bot's reply would now be deleted)", style="dim")

    def _answer(self, outcome: Outcome) -> None:
        if outcome.logged or outcome.unmatched:
            keys = ", ".join(m.reference.key for m in outcome.unmatched)
            self.stats.unmatched_logged += outcome.logged
            self._note(f"not in the atlas, logged for curators: {keys}", style="magenta")
        if outcome.plan is not None and self._deliver(outcome.plan):
            return
        verdict = outcome.decision.verdict.value
        self.stats.quiet[verdict] = self.stats.quiet.get(verdict, 0) + 1
        held = outcome.decision.held_back
        detail = f" ({', '.join(held)})" if held else ""
        self._note(f"no reply: {verdict}{detail}", style="dim")

    def _deliver(self, plan: ReplyPlan) -> bool:
        """Claim the post in the reply log, "send" (print) the reply, confirm it."""
        claimed = self.service.claim(plan)
        if claimed is None:
            return False
        self.stats.replies += 1
        self.stats.cards += len(claimed.entry_ids)
        self._show(claimed)
        self.service.confirm(claimed, f"reply-{next(self._replies)}")
        return True

    def _show(self, plan: ReplyPlan) -> None:
        count = len(plan.entry_ids)
        title = f"evidence-bot · {count} stud{'y' if count == 1 else 'ies'}" if count else None
        if self.output == "text":
            body = Text(plan.text(width=max(40, min(88, self.console.width - 8))))
            style = "red" if any(c.retracted for c in plan.reply.cards) else "green"
            panel = Panel(body, title=title, title_align="left", border_style=style, expand=False)
            self.console.print(Padding(panel, (0, 0, 1, 4)))
            return
        # Platform renderings are printed raw and unwrapped, so they can be copied as they are.
        if self.output == "markdown":
            raw = plan.markdown()
        else:
            message = plan.discord()
            payload = {"content": message.content, "embeds": message.embeds}
            raw = json.dumps(payload, ensure_ascii=False, indent=2)
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
        self.console.print(Group(label, Padding(Text(quoted), (0, 0, 0, 2))))

    def _note(self, text: str, *, style: str) -> None:
        self.console.print(Padding(Text(f"· {text}", style=style), (0, 0, 1, 4)))
