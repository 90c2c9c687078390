"""Editing posted cards on Reddit: the refresh pass's `CardEditor` over praw.

An edit is praw's `Comment.edit`, that is `POST /api/editusertext` with `thing_id` and `text`.
Reddit answers an edit of a deleted comment with the API error DELETED_COMMENT and one the
account may not edit with NOT_AUTHOR (or 403); praw raises them as `RedditAPIException`. A
RATELIMIT answer is a failure for this pass only: the next pass tries again.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import praw
from praw.exceptions import RedditAPIException
from prawcore.exceptions import (
    Forbidden,
    NotFound,
    PrawcoreException,
    RequestException,
    ServerError,
)

from bot.core.refresh import carries
from bot.core.service import ReplyPlan
from bot.errors import CardGone, EditClosed, LookupFailed, SendFailed
from bot.reddit_bot.client import build_reddit
from bot.reddit_bot.sending import OWN_HISTORY_DEPTH
from config.settings import Settings
from records.posted_cards import PostedCard

GONE_CODES = frozenset({"DELETED_COMMENT", "INVALID_THING", "DELETED_LINK"})
CLOSED_CODES = frozenset({"NOT_AUTHOR", "TOO_OLD", "THREAD_LOCKED"})
GONE_BODIES = frozenset({"[deleted]", "[removed]"})


class RedditCardEditor:
    """Edits, reads and answers the bot's card comments."""

    platform = "reddit"

    def __init__(self, reddit: praw.Reddit) -> None:
        self._reddit = reddit

    def _comment(self, card: PostedCard) -> praw.models.Comment:
        return self._reddit.comment(id=card.reply_id.removeprefix("t1_"))

    def edit(self, card: PostedCard, plan: ReplyPlan) -> None:
        """Replace the comment's text with the refreshed card."""
        try:
            self._comment(card).edit(body=plan.markdown())
        except RedditAPIException as exc:
            codes = {item.error_type for item in exc.items}
            if codes & GONE_CODES:
                raise CardGone(str(exc)) from exc
            if codes & CLOSED_CODES:
                raise EditClosed(str(exc)) from exc
            raise SendFailed(str(exc)) from exc
        except NotFound as exc:
            raise CardGone(str(exc)) from exc
        except Forbidden as exc:
            raise EditClosed(str(exc)) from exc
        except (ServerError, RequestException) as exc:
            raise SendFailed(type(exc).__name__, maybe_sent=True) from exc
        except PrawcoreException as exc:
            raise SendFailed(type(exc).__name__) from exc

    def shows(self, card: PostedCard, line: str) -> bool:
        """Read the comment; whether its text carries `line`."""
        try:
            body = str(self._comment(card).body)
        except NotFound as exc:
            raise CardGone(str(exc)) from exc
        except (PrawcoreException, RedditAPIException) as exc:
            raise LookupFailed(type(exc).__name__) from exc
        if body in GONE_BODIES:
            raise CardGone(f"the comment shows {body}")
        return carries(body, line)

    def reply_under(self, card: PostedCard, plan: ReplyPlan) -> str:
        """A reply to the card's comment."""
        try:
            made = self._comment(card).reply(body=plan.markdown())
        except (RedditAPIException, Forbidden, NotFound) as exc:
            raise SendFailed(str(exc)) from exc
        except PrawcoreException as exc:
            raise SendFailed(type(exc).__name__, maybe_sent=True) from exc
        return str(made.name) if made is not None else ""

    def replied_under(self, card: PostedCard, line: str) -> str | None:
        """The bot's reply to the card's comment carrying `line`, among the bot's newest
        comments (GET /user/{me}/comments, as the reply path looks for its own), or None."""
        card_name = f"t1_{card.reply_id.removeprefix('t1_')}"
        try:
            me = self._reddit.user.me()
            if me is None:
                raise LookupFailed("the bot's own account cannot be read")
            for comment in me.comments.new(limit=OWN_HISTORY_DEPTH):
                if comment.parent_id == card_name and carries(str(comment.body), line):
                    return str(comment.name)
        except (PrawcoreException, RedditAPIException) as exc:
            raise LookupFailed(type(exc).__name__) from exc
        return None


@contextmanager
def reddit_editor(settings: Settings) -> Iterator[RedditCardEditor]:
    """A `RedditCardEditor` over a praw client logged in with the configured script app."""
    yield RedditCardEditor(build_reddit(settings.reddit))
