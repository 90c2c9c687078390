"""SQL metacharacters in commands, keys and posts are stored and shown as text, never run.

Every command runs as a moderator in a place, thread and message whose names are SQL
fragments, with SQL in its argument and in the post's text; the CLI takes the same strings
as unmatched-paper keys and lookups. Afterwards every table is still there, nothing was
deleted, and the hostile names were stored verbatim.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.core.commands import Invocation, Name, execute, parse_command
from bot.core.factory import build_service
from bot.core.service import EvidenceService
from config.settings import Settings
from records.atlas_store import count_entries, upsert_entries
from records.db import Database
from records.models import Post
from records.places import get_place_settings
from records.unmatched import list_papers, record_sightings
from tests.core.conftest import sample_entries
from tests.reliability.conftest import run_program

HOSTILE = [
    "'; DROP TABLE replies; --",
    '"); DELETE FROM atlas_entries; --',
    "x' OR '1'='1",
    "%' UNION SELECT name, sql FROM sqlite_master --",
    "1; ATTACH DATABASE '/tmp/evil.db' AS evil; --",
    "\\'; PRAGMA writable_schema = 1; --",
]
COMMAND_WORDS = {
    Name.LOOKUP: "lookup",
    Name.POST: "post",
    Name.ON: "on",
    Name.OFF: "off",
    Name.SUMMON_ONLY: "summon-only",
    Name.COOLDOWN: "cooldown",
    Name.DESCRIPTIONS: "descriptions",
    Name.REFRESH: "refresh",
    Name.REMOVE: "remove",
    Name.OPTOUT: "optout",
    Name.OPTIN: "optin",
    Name.UNMATCHED: "unmatched",
    Name.STATS: "stats",
    Name.WRONG: "wrong",
    Name.HELP: "help",
}


@pytest.fixture
def service(db: Database) -> EvidenceService:
    upsert_entries(db, sample_entries())
    return build_service(db, Settings())


def tables(db: Database) -> set[str]:
    return set(db.table_names())


def hostile_post(text: str, hostile: str) -> Post:
    return Post(
        platform="console",
        place=hostile,
        thread=hostile,
        message_id=hostile,
        author_id=hostile,
        author_name=hostile,
        text=text,
        created_at=datetime(2026, 5, 1, tzinfo=UTC),
    )


def test_every_command_word_is_exercised() -> None:
    assert set(COMMAND_WORDS) | {Name.SUMMON} == set(Name)


@pytest.mark.parametrize("hostile", HOSTILE)
def test_commands_with_sql_in_every_field_change_only_what_they_should(
    service: EvidenceService, hostile: str
) -> None:
    before = tables(service.db)
    for word in [*COMMAND_WORDS.values(), ""]:
        text = f"!evidence {word} {hostile}".rstrip() if word else "!evidence"
        command = parse_command(text)
        assert command is not None
        invocation = Invocation(
            post=hostile_post(text, hostile), is_moderator=lambda: True, target_id=hostile
        )
        execute(service, command, invocation)
    plan = service.handle_post(hostile_post(f"{hostile} doi:10.5555/{hostile}", hostile))
    assert plan is None or plan.post.place == hostile
    assert tables(service.db) == before
    assert count_entries(service.db) == len(sample_entries())
    assert get_place_settings(service.db, "console", hostile) is not None


@pytest.mark.parametrize("hostile", HOSTILE)
def test_sightings_with_sql_in_every_field_are_stored_verbatim(
    service: EvidenceService, hostile: str
) -> None:
    post = hostile_post(f"see PMID 99999999 {hostile}", hostile)
    matches = service.index.match(post.text)
    assert record_sightings(service.db, post, matches, salt="s") == 1
    row = next(service.db.query("SELECT place, message_id FROM sightings"))
    assert row == {"place": hostile, "message_id": hostile}
    assert [p.key for p in list_papers(service.db)] == ["pmid:99999999"]


@pytest.mark.parametrize("hostile", HOSTILE[:3])
def test_the_command_line_treats_sql_in_keys_and_queries_as_text(
    service: EvidenceService, tmp_path: Path, db_path: Path, hostile: str
) -> None:
    post = hostile_post("see PMID 99999999", hostile)
    record_sightings(service.db, post, service.index.match(post.text), salt="s")
    service.db.conn.commit()
    for args, code, says in (
        # Searched as words: none of them (SQL keywords, "or", one-letter words) fits a study.
        (["lookup", hostile], 0, f"No atlas study matches “{hostile}”"),
        (["unmatched", "show", hostile], 1, "no unmatched paper with key"),
        (["unmatched", "resolve", hostile, "--atlas-id", hostile], 1, "no unmatched paper"),
        (["unmatched", "list", "--platform", hostile], 2, "is not one of"),
        (["unmatched", "ignore", "pmid:99999999", "--reason", hostile], 0, ""),
    ):
        done = run_program("--db", str(db_path), *args, cwd=tmp_path)
        assert (done.returncode, "Traceback" in done.stderr) == (code, False), done.stderr
        assert says in done.stdout + done.stderr
    assert {"replies", "atlas_entries", "unmatched_papers", "sightings"} <= tables(service.db)
    assert count_entries(service.db) == len(sample_entries())
    paper = next(service.db.query("SELECT status, reason FROM unmatched_papers"))
    assert paper == {"status": "ignored", "reason": hostile}
