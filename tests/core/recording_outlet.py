"""An Outlet that records what the core asked of it, and fails when told to."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.core.delivery import LookupFailed, SendFailed
from bot.core.service import ReplyPlan
from records.models import Post


@dataclass
class RecordingOutlet:
    """Keeps sent replies in memory; `fail_next` makes the next send raise it."""

    posts: dict[str, Post] = field(default_factory=dict)
    sent: list[tuple[str, ReplyPlan, str]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    earlier: dict[str, str] = field(default_factory=dict)
    fail_next: SendFailed | None = None
    lookup_fails: bool = False

    def send(self, to: Post, plan: ReplyPlan) -> str:
        if self.fail_next is not None:
            failure, self.fail_next = self.fail_next, None
            raise failure
        reply_id = f"r{len(self.sent) + 1}"
        self.sent.append((to.message_id, plan, reply_id))
        return reply_id

    def find_reply(self, to: Post) -> str | None:
        if self.lookup_fails:
            raise LookupFailed("history unreadable")
        return self.earlier.get(to.message_id)

    def delete(self, reply_id: str) -> None:
        if self.fail_next is not None:
            failure, self.fail_next = self.fail_next, None
            raise failure
        self.deleted.append(reply_id)

    def fetch_post(self, message_id: str) -> Post | None:
        return self.posts.get(message_id)

    def answered(self) -> list[str]:
        """The message ids replies went to, in order."""
        return [to for to, _plan, _id in self.sent]
