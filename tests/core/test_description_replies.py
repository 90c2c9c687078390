"""Studies a post only describes are answered as a guess: "This sounds like:", then the card
(`card`), one line naming the study (`suggest`, the default) or nothing (`off`), per place."""

from __future__ import annotations

import pytest

from bot.core.commands import Invocation, Name, execute, parse_command
from bot.core.factory import build_service
from bot.core.service import EvidenceService
from bot.discord_bot.render import render_discord
from config.settings import Settings
from records.atlas_store import upsert_entries
from records.db import Database
from tests.core.conftest import FakeClock, entry, make_post
from tests.linker.test_descriptions import PACE as PACE_DESCRIBED

# The linker tests' PACE entry, with the summary and caveat a card needs.
PACE = entry(**PACE_DESCRIBED.to_json_dict())
DESCRIBED = "The PACE trial was a disaster for us"
CITED = "White et al. 2011 in the Lancet"


@pytest.fixture
def service(db: Database, clock: FakeClock) -> EvidenceService:
    upsert_entries(db, [PACE])
    return build_service(db, Settings(), clock=clock)


def run(service: EvidenceService, text: str, *, moderator: bool = True) -> str:
    command = parse_command(text)
    assert command is not None
    invocation = Invocation(post=make_post(text, message_id="cmd"), is_moderator=lambda: moderator)
    return execute(service, command, invocation).text


def test_by_default_a_described_study_gets_one_line_naming_it(service: EvidenceService) -> None:
    plan = service.handle_post(make_post(DESCRIBED))
    assert plan is not None
    assert plan.entry_ids == (PACE.id,)
    assert plan.matches[0].signals[0] == "name:pace"
    for shown in (plan.text(), plan.markdown(), plan.bbcode(), render_discord(plan.reply).content):
        rendered = " ".join(shown.split())  # the text renderer wraps lines
        assert "This sounds like: “Comparison of adaptive pacing therapy" in rendered
        assert f"To see its atlas card: !evidence {PACE.id}" in rendered
    assert plan.reply.cards == ()


def test_in_card_mode_the_card_follows_this_sounds_like(service: EvidenceService) -> None:
    assert "get their card here" in run(service, "!evidence descriptions card")
    plan = service.handle_post(make_post(DESCRIBED))
    assert plan is not None
    assert [card.entry_id for card in plan.reply.cards] == [PACE.id]
    for rendered in (plan.text(), plan.markdown(), plan.bbcode()):
        assert rendered.startswith("This sounds like:")
    discord = render_discord(plan.reply)
    assert "This sounds like:" in discord.content
    assert discord.embeds


def test_off_leaves_described_studies_unanswered_and_cited_ones_carded(
    service: EvidenceService,
) -> None:
    run(service, "!evidence descriptions off")
    assert service.handle_post(make_post(DESCRIBED)) is None
    cited = service.handle_post(make_post(CITED, message_id="2"))
    assert cited is not None
    assert cited.reply.notice is None
    assert [card.entry_id for card in cited.reply.cards] == [PACE.id]


def test_a_thread_follows_its_channel_until_set_itself(service: EvidenceService) -> None:
    run(service, "!evidence descriptions off")
    assert service.descriptions_for("console", "thread-9", parent_place="forum") == "off"
    assert service.descriptions_for("console", "elsewhere") == "suggest"


@pytest.mark.parametrize(
    ("text", "moderator", "says"),
    [
        ("!evidence descriptions maybe", True, "Descriptions takes card, suggest or off"),
        ("!evidence descriptions", True, "Descriptions takes card, suggest or off"),
        ("!evidence descriptions card", False, "Only moderators can use"),
    ],
)
def test_bad_or_unauthorised_settings_change_nothing(
    service: EvidenceService, text: str, moderator: bool, says: str
) -> None:
    assert says in run(service, text, moderator=moderator)
    assert service.descriptions_for("console", "forum") == "suggest"


def test_descriptions_is_a_moderator_command() -> None:
    command = parse_command("!evidence descriptions card")
    assert command is not None
    assert command.name is Name.DESCRIPTIONS
