"""Summons and `!evidence` commands on Reddit: lookups, modes, remove, opt-out."""

from __future__ import annotations

import pytest

from config.settings import ReplySettings
from records.modlog import recent_actions, wrong_match_reports
from records.places import get_place_settings
from tests.reddit.conftest import (
    LEE_DOI,
    LEE_ID,
    MODERATOR,
    SUBREDDIT,
    WALITT_DOI,
    WALITT_ID,
    BotHarness,
    HarnessFactory,
)

PLACE = SUBREDDIT.lower()


def mode_of(harness: BotHarness) -> str | None:
    stored = get_place_settings(harness.db, "reddit", PLACE)
    return stored.mode if stored else None


def test_query_summons_answers_with_the_card_for_the_query(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Question")
    summons = harness.fake.add_comment(post, f"!evidence {WALITT_DOI}", author="carol")
    harness.poll()
    (reply,) = harness.bot_replies_to(summons)
    assert f"/evidence/{WALITT_ID}" in reply["body"]


def test_query_summons_for_an_unknown_study_says_so(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Question")
    summons = harness.fake.add_comment(post, "!evidence 10.9999/not.in.atlas")
    harness.poll()
    (reply,) = harness.bot_replies_to(summons)
    assert "not in the atlas" in reply["body"]


def test_bare_summons_cards_what_the_parent_comment_cites(
    harness_factory: HarnessFactory,
) -> None:
    harness = harness_factory.build(reply=ReplySettings(default_mode="summon-only"))
    harness.poll()
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    cited = harness.fake.add_comment(post, f"I read {LEE_DOI} yesterday")
    harness.poll()
    assert harness.bot_replies_to(cited) == []  # summon-only: no automatic reply
    summons = harness.fake.add_comment(cited, "!evidence", author="dave")
    harness.poll()
    (reply,) = harness.bot_replies_to(summons)
    assert f"/evidence/{LEE_ID}" in reply["body"]


def test_bare_summons_on_a_submission_cards_its_link(harness_factory: HarnessFactory) -> None:
    harness = harness_factory.build(reply=ReplySettings(default_mode="summon-only"))
    harness.poll()
    post = harness.fake.add_submission(SUBREDDIT, "Paper", url=f"https://doi.org/{LEE_DOI}")
    summons = harness.fake.add_comment(post, "!evidence")
    harness.poll()
    (reply,) = harness.bot_replies_to(summons)
    assert f"/evidence/{LEE_ID}" in reply["body"]


@pytest.mark.parametrize("gone", ["delete", "remove"])
def test_bare_summons_of_a_deleted_or_removed_parent_explains(
    harness: BotHarness, gone: str
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    parent = harness.fake.add_comment(post, "some words", author="erin")
    summons = harness.fake.add_comment(parent, "!evidence")
    getattr(harness.fake, gone)(parent)
    harness.poll()
    (reply,) = harness.bot_replies_to(summons)
    assert "deleted or removed" in reply["body"]


def test_bare_summons_of_an_already_answered_parent_points_to_the_answer(
    harness: BotHarness,
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.bot_replies_to(post)
    summons = harness.fake.add_comment(post, "!evidence")
    harness.poll()
    (reply,) = harness.bot_replies_to(summons)
    assert "already answered" in reply["body"]
    assert card["id"] in reply["body"]
    assert len(harness.fake.comments_by(harness.fake.username)) == 2


@pytest.mark.parametrize(
    ("command", "mode"),
    [("on", "auto"), ("off", "off"), ("summon-only", "summon-only")],
)
def test_moderator_sets_the_subreddit_mode_and_it_is_mod_logged(
    harness: BotHarness, command: str, mode: str
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Mod thread")
    harness.fake.add_comment(post, f"!evidence {command}", author=MODERATOR)
    harness.poll()
    assert mode_of(harness) == mode
    (action,) = recent_actions(harness.db, platform="reddit")
    assert action.action == f"mode:{mode}"
    assert MODERATOR in action.actor
    assert action.place == PLACE


def test_non_moderator_cannot_change_the_mode(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    command = harness.fake.add_comment(post, "!evidence off", author="mallory")
    harness.poll()
    assert mode_of(harness) is None
    (reply,) = harness.bot_replies_to(command)
    assert "Only moderators" in reply["body"]
    assert recent_actions(harness.db, platform="reddit") == []


def test_off_stops_automatic_replies_in_the_subreddit(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Mod thread")
    harness.fake.add_comment(post, "!evidence off", author=MODERATOR)
    harness.poll()
    citing = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    assert harness.bot_replies_to(citing) == []


def test_summon_only_answers_summons_but_not_plain_posts(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Mod thread")
    harness.fake.add_comment(post, "!evidence summon-only", author=MODERATOR)
    harness.poll()
    citing = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    assert harness.bot_replies_to(citing) == []
    summons = harness.fake.add_comment(citing, "!evidence")
    harness.poll()
    assert len(harness.bot_replies_to(summons)) == 1


def test_moderator_remove_deletes_the_bots_comment_and_logs_it(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.bot_replies_to(post)
    harness.fake.add_comment(card["name"], "!evidence remove", author=MODERATOR)
    harness.poll()
    assert harness.fake.thing(card["name"])["body"] == "[deleted]"
    assert harness.fake.requests_to("/api/del")
    (action,) = recent_actions(harness.db, platform="reddit")
    assert (action.action, action.target) == ("remove", card["name"])


def test_non_moderator_remove_deletes_nothing(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.bot_replies_to(post)
    harness.fake.add_comment(card["name"], "!evidence remove", author="mallory")
    harness.poll()
    assert harness.fake.thing(card["name"])["body"] != "[deleted]"
    assert harness.fake.requests_to("/api/del") == []


def test_remove_of_someone_elses_comment_deletes_nothing(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    other = harness.fake.add_comment(post, "just chatting", author="frank")
    command = harness.fake.add_comment(other, "!evidence remove", author=MODERATOR)
    harness.poll()
    assert harness.fake.requests_to("/api/del") == []
    (reply,) = harness.bot_replies_to(command)
    assert "only remove my own" in reply["body"]


def test_optout_stops_automatic_replies_and_optin_resumes_them(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, "Thread", author="grace")
    fake.add_comment(post, "!evidence optout", author="grace")
    harness.poll()
    quiet = fake.add_comment(post, f"doi:{LEE_DOI}", author="grace")
    harness.poll()
    assert harness.bot_replies_to(quiet) == []
    fake.add_comment(post, "!evidence optin", author="grace")
    harness.poll()
    answered = fake.add_comment(post, f"doi:{WALITT_DOI}", author="grace")
    harness.poll()
    assert len(harness.bot_replies_to(answered)) == 1


def test_moderator_list_is_cached_and_refreshed(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, "Mod thread")
    fake.add_comment(post, "!evidence summon-only", author=MODERATOR)
    fake.add_comment(post, "!evidence on", author=MODERATOR)
    harness.poll()
    assert len(fake.requests_to("/about/moderators")) == 1
    harness.clock.advance(601)
    fake.add_comment(post, "!evidence off", author=MODERATOR)
    harness.poll()
    assert len(fake.requests_to("/about/moderators")) == 2
    assert mode_of(harness) == "off"


def test_newly_added_moderator_is_recognised_after_a_short_refresh(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, "Mod thread")
    fake.add_comment(post, "!evidence summon-only", author=MODERATOR)
    harness.poll()
    fake.set_moderators(SUBREDDIT, (MODERATOR, "new_mod"))
    harness.clock.advance(61)
    fake.add_comment(post, "!evidence off", author="new_mod")
    harness.poll()
    assert mode_of(harness) == "off"


@pytest.mark.parametrize(
    ("text", "author"),
    [
        (f"!evidence {LEE_DOI}", "carol"),
        ("!evidence", "carol"),
        ("!evidence help", "carol"),
        ("!evidence optout", "carol"),
        ("!evidence on", "mallory"),  # a member's moderator command: not even a refusal
        ("!evidence help", MODERATOR),
    ],
)
def test_members_commands_stay_quiet_where_the_bot_is_off(
    harness: BotHarness, text: str, author: str
) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Mod thread", selftext=f"doi:{WALITT_DOI}")
    harness.fake.add_comment(post, "!evidence off", author=MODERATOR)
    harness.poll()
    command = harness.fake.add_comment(post, text, author=author)
    harness.poll()
    assert harness.bot_replies_to(command) == []
    assert mode_of(harness) == "off"


def test_an_optout_where_the_bot_is_off_still_counts_when_it_is_on(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, "Mod thread")
    fake.add_comment(post, "!evidence off", author=MODERATOR)
    harness.poll()
    fake.add_comment(post, "!evidence optout", author="grace")
    fake.add_comment(post, "!evidence on", author=MODERATOR)
    harness.poll()
    cites = fake.add_comment(post, f"doi:{LEE_DOI}", author="grace")
    harness.poll()
    assert harness.bot_replies_to(cites) == []
    assert [a.action for a in recent_actions(harness.db, platform="reddit")][:2] == [
        "mode:auto",
        "optout",
    ]


def test_bare_summons_in_a_submission_cards_the_submission_itself(
    harness_factory: HarnessFactory,
) -> None:
    harness = harness_factory.build(reply=ReplySettings(default_mode="summon-only"))
    harness.poll()
    post = harness.fake.add_submission(SUBREDDIT, "!evidence", selftext=f"doi:{LEE_DOI}")
    harness.poll()
    (reply,) = harness.bot_replies_to(post)
    assert f"/evidence/{LEE_ID}" in reply["body"]


def test_mode_command_whose_confirmation_is_lost_runs_only_once(harness: BotHarness) -> None:
    fake = harness.fake
    post = fake.add_submission(SUBREDDIT, "Mod thread")
    fake.add_comment(post, "!evidence off", author=MODERATOR)
    fake.ratelimit_next("20 minutes")
    assert not harness.poll().failed
    harness.poll()
    assert mode_of(harness) == "off"
    assert len(recent_actions(harness.db, platform="reddit")) == 1


def test_wrong_on_a_card_records_the_study_the_message_and_a_link(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, f"doi:{LEE_DOI}")
    harness.poll()
    (card,) = harness.bot_replies_to(post)
    command = harness.fake.add_comment(card["name"], "!evidence wrong not this one", author="frank")
    harness.poll()
    (report,) = wrong_match_reports(harness.db)
    assert (report.entry_id, report.reply_id) == (LEE_ID, card["name"])
    assert report.message_id
    assert report.permalink
    (thanks,) = harness.bot_replies_to(command)
    assert "curators will check" in thanks["body"]


def test_wrong_not_on_a_card_says_how_to_use_it(harness: BotHarness) -> None:
    post = harness.fake.add_submission(SUBREDDIT, "Thread")
    command = harness.fake.add_comment(post, "!evidence wrong", author="frank")
    harness.poll()
    assert wrong_match_reports(harness.db) == []
    (reply,) = harness.bot_replies_to(command)
    assert "reply to one of my study cards" in reply["body"]
