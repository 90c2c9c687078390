"""A 100,000-character message through the whole console bot gets one valid, bounded reply.

The console adapter (`evidence-bot run console`) applies exactly the rules of the platform
bots; its raw Discord and Markdown renderings are checked against the platforms' limits.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.core.render_markdown import COMMENT_LIMIT
from bot.discord_bot.render import CONTENT_LIMIT, EMBED_COUNT_LIMIT, TOTAL_LIMIT, embed_length
from tests.conftest import sample_dois
from tests.core.test_sanitize import LIVE_MENTION
from tests.reliability.conftest import run_program

MESSAGE_CHARS = 100_000
UNKNOWN_PAPERS = 40
FILLER = "PEM after @everyone <@123> [x](https://evil.example) \u202e e\u0301 \u200b **a** ~~b~~ "


def long_message() -> str:
    citations = [f"doi:{doi}" for doi in sample_dois()[:5]]
    citations += [f"https://doi.org/10.5555/long.{n}" for n in range(UNKNOWN_PAPERS)]
    gap = (MESSAGE_CHARS - sum(len(c) + 2 for c in citations)) // len(citations)
    text = "".join(f"{(FILLER * (gap // len(FILLER) + 1))[:gap]} {c} " for c in citations)
    return text.ljust(MESSAGE_CHARS, "z")[:MESSAGE_CHARS]


def run_console(atlas_db: Path, tmp_path: Path, fmt: str) -> tuple[str, str]:
    thread = tmp_path / f"thread-{fmt}.txt"
    text = long_message()
    assert len(text) == MESSAGE_CHARS
    assert "\n" not in text
    thread.write_text(f"ana: {text}\n", encoding="utf-8")
    done = run_program(
        "--db", str(atlas_db), "run", "console", "--thread", str(thread), "--format", fmt,
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"1 reply with 5 cards, {UNKNOWN_PAPERS} new sightings" in done.stderr
    head, _, raw = done.stdout.partition(f"({fmt}) ──\n")
    assert "evidence-bot · 5 studies" in head
    # The console notes what it logged for the curators below the reply; that is not the reply.
    raw, _, note = raw.partition("\n    · not in the atlas, logged for curators:")
    assert "doi:10.5555/long.39" in note
    return raw.strip(), done.stderr


def test_discord_reply_to_a_huge_message_fits_discords_limits(
    atlas_db: Path, tmp_path: Path
) -> None:
    raw, _ = run_console(atlas_db, tmp_path, "discord")
    message = json.loads(raw)
    assert len(message["content"]) <= CONTENT_LIMIT
    assert 1 <= len(message["embeds"]) <= EMBED_COUNT_LIMIT
    assert sum(embed_length(e) for e in message["embeds"]) <= TOTAL_LIMIT
    assert not LIVE_MENTION.search(raw.replace("\\", ""))


def test_markdown_reply_to_a_huge_message_fits_a_reddit_comment(
    atlas_db: Path, tmp_path: Path
) -> None:
    raw, _ = run_console(atlas_db, tmp_path, "markdown")
    assert len(raw) <= COMMENT_LIMIT
    assert len(re.findall(r"mecfsatlas\.com/evidence/", raw)) >= 5  # 3 cards + 2 "more" links
    assert not LIVE_MENTION.search(raw.replace("\\", ""))
    assert "\u202e" not in raw
