"""On Reddit every moderator command refuses members and changes nothing; moderators may.

One table row per moderator-only command (the table must cover `MODERATOR_ONLY`), each run
by a member and then by a moderator of the subreddit, through the real praw client, the
fake Reddit server and the subreddit's moderator list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from bot.core.commands import MODERATOR_ONLY, Name
from records.modlog import recent_actions
from records.places import get_place_settings
from tests.reddit.conftest import LEE_DOI, MODERATOR, SUBREDDIT, WALITT_DOI, BotHarness

REFUSAL = "Only moderators"
MEMBER = "mallory"


@dataclass(frozen=True)
class Scene:
    """A thread with a bot card and a member's comment to aim commands at."""

    submission: str
    card: str
    member_comment: str


@pytest.fixture
def scene(harness: BotHarness) -> Scene:
    submission = harness.fake.add_submission(SUBREDDIT, "Thread", selftext=f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.bot_replies_to(submission)
    member_comment = harness.fake.add_comment(submission, "Interesting", author="frank")
    harness.poll()
    return Scene(submission, str(card["name"]), member_comment)


# Where each command is written (its parent) and what it says.
COMMANDS: dict[Name, tuple[str, str]] = {
    Name.POST: ("member_comment", f"!evidence post {WALITT_DOI}"),
    Name.ON: ("submission", "!evidence on"),
    Name.OFF: ("submission", "!evidence off"),
    Name.SUMMON_ONLY: ("submission", "!evidence summon-only"),
    Name.COOLDOWN: ("submission", "!evidence cooldown 2"),
    Name.DESCRIPTIONS: ("submission", "!evidence descriptions card"),
    Name.REFRESH: ("submission", "!evidence refresh off"),
    Name.REMOVE: ("card", "!evidence remove"),
    Name.UNMATCHED: ("submission", "!evidence unmatched"),
    Name.STATS: ("submission", "!evidence stats"),
}


def test_the_table_covers_every_moderator_command() -> None:
    assert set(COMMANDS) == set(MODERATOR_ONLY)


def bot_comments(harness: BotHarness) -> list[str]:
    return [c["name"] for c in harness.fake.comments_by(harness.fake.username)]


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_members_are_refused_and_nothing_changes(
    harness: BotHarness, scene: Scene, name: Name
) -> None:
    where, text = COMMANDS[name]
    before = bot_comments(harness)
    command = harness.fake.add_comment(getattr(scene, where), text, author=MEMBER)
    harness.poll()
    (answer,) = harness.bot_replies_to(command)
    assert REFUSAL in answer["body"]
    assert bot_comments(harness) == [*before, answer["name"]]  # no card, nothing deleted
    assert harness.fake.requests_to("/api/del") == []
    assert get_place_settings(harness.db, "reddit", SUBREDDIT.lower()) is None
    assert recent_actions(harness.db, platform="reddit") == []


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_moderators_are_not_refused(harness: BotHarness, scene: Scene, name: Name) -> None:
    where, text = COMMANDS[name]
    command = harness.fake.add_comment(getattr(scene, where), text, author=MODERATOR)
    harness.poll()
    answers = harness.bot_replies_to(command)
    assert all(REFUSAL not in a["body"] for a in answers)
    did_something = (
        bool(answers)
        or bool(harness.bot_replies_to(scene.member_comment))
        or bool(harness.fake.requests_to("/api/del"))
    )
    assert did_something
