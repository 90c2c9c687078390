"""Discord embeds: pinned by golden files, inside every Discord limit, never pinging."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from bot.core.cards import Reply
from bot.discord_bot.render import (
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_COUNT_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    TOTAL_LIMIT,
    DiscordMessage,
    embed_length,
    render_discord,
)
from tests.core.conftest import assert_golden
from tests.core.renderings import extreme_replies, golden_replies, retracted_card
from tests.core.test_sanitize import LIVE_MENTION

ALL_REPLIES = {**golden_replies(), **extreme_replies()}


def _strings(message: DiscordMessage) -> list[str]:
    texts = [message.content]
    for embed in message.embeds:
        texts += [embed.get("title", ""), embed.get("description", "")]
        texts.append(embed.get("footer", {}).get("text", ""))
        for field in embed.get("fields", []):
            texts += [field["name"], field["value"]]
    return texts


@pytest.mark.parametrize("name", sorted(golden_replies()))
def test_rendering_matches_its_golden_file(name: str) -> None:
    message = render_discord(golden_replies()[name])
    payload = {"content": message.content, "embeds": message.embeds}
    assert_golden(f"{name}.discord.json", json.dumps(payload, ensure_ascii=False, indent=2) + "\n")


@pytest.mark.parametrize("name", sorted(ALL_REPLIES))
def test_every_discord_limit_holds(name: str) -> None:
    message = render_discord(ALL_REPLIES[name])
    assert len(message.content) <= CONTENT_LIMIT
    assert len(message.embeds) <= EMBED_COUNT_LIMIT
    assert sum(embed_length(e) for e in message.embeds) <= TOTAL_LIMIT
    for embed in message.embeds:
        assert len(embed["title"]) <= TITLE_LIMIT
        assert len(embed["description"]) <= DESCRIPTION_LIMIT
        assert len(embed.get("footer", {}).get("text", "")) <= FOOTER_LIMIT
        assert len(embed.get("fields", [])) <= FIELD_COUNT_LIMIT
        for field in embed.get("fields", []):
            assert len(field["name"]) <= FIELD_NAME_LIMIT
            assert 0 < len(field["value"]) <= FIELD_VALUE_LIMIT


@pytest.mark.parametrize("name", sorted(ALL_REPLIES))
def test_nothing_in_a_rendering_can_ping(name: str) -> None:
    for text in _strings(render_discord(ALL_REPLIES[name])):
        assert not LIVE_MENTION.search(text.replace("\\", ""))


def test_hostile_atlas_text_cannot_add_links_or_formatting() -> None:
    message = render_discord(ALL_REPLIES["hostile-x20"])
    for embed in message.embeds:
        for text in (embed["description"], *(f["value"] for f in embed.get("fields", []))):
            assert "https://evil" not in text
            assert "](" not in text.replace("\\](", "")
            assert "@everyone" not in text


def test_fifty_studies_give_one_message_with_the_rest_as_links() -> None:
    message = render_discord(ALL_REPLIES["50-long-cards-cap-3"])
    assert 1 <= len(message.embeds) <= 3
    assert re.search(r"And \d+ more", message.content)
    assert "(<https://www.mecfsatlas.com/evidence/long-2020-study-" in message.content


def test_a_ten_thousand_character_summary_is_cut_at_a_word_with_an_ellipsis() -> None:
    (embed,) = render_discord(ALL_REPLIES["10k-summary"]).embeds
    summary = embed["description"].split("\n\n")[-1]
    assert summary.endswith("inflammation…")


def test_retracted_card_leads_with_the_warning_in_red() -> None:
    (embed,) = render_discord(Reply.from_cards([retracted_card()], max_cards=3)).embeds
    assert embed["title"].startswith("⛔ RETRACTED")
    assert embed["description"].startswith("**⛔ RETRACTED")
    assert embed["color"] == 0xC0392B


def test_footer_sits_on_the_last_embed_only() -> None:
    message = render_discord(golden_replies()["several"])
    assert [("footer" in e) for e in message.embeds] == [False, False, True]
    assert "optout" in message.embeds[-1]["footer"]["text"]


def test_reply_without_cards_has_content_and_no_embeds() -> None:
    message = render_discord(golden_replies()["choices"])
    assert message.embeds == []
    assert message.content.splitlines()[1].startswith("1. [")


def test_embed_titles_show_no_markdown_escapes() -> None:
    card = dataclasses.replace(
        retracted_card(), retracted=False, title="Rituximab (R) in ME_CFS: *a* trial"
    )
    (embed,) = render_discord(Reply.from_cards([card], max_cards=3)).embeds
    assert embed["title"] == "Rituximab (R) in ME_CFS: *a* trial"


def test_embed_titles_still_defuse_mentions_and_links() -> None:
    card = dataclasses.replace(
        retracted_card(), retracted=False, title="@everyone see https://evil.example"
    )
    (embed,) = render_discord(Reply.from_cards([card], max_cards=3)).embeds
    assert not LIVE_MENTION.search(embed["title"])
    assert "https://evil.example" not in embed["title"]
