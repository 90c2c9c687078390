"""Lists come back in one order on SQLite and PostgreSQL (issue 25).

The two stores differ where a query leaves the order open: SQLite sorts NULL first, PostgreSQL
last; without ORDER BY, SQLite returns rows by key and PostgreSQL as they lie on disk; and a
`group_concat` keeps SQLite's row order where PostgreSQL's DISTINCT sorts by name. Each case
stores rows in an order unlike the expected one and runs on both stores (`make test-postgres`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from records.census import CensusFilter, flagged_still_cited, record_cited
from records.db import Database
from records.entry_checks import entries_due_for_check, record_entry_check
from records.models import Post
from records.replies import claim_reply, unconfirmed_claims
from records.retractions import EntryFlag, FlagKind, entry_flags, store_flags
from tests.unmatched.helpers import add_entry

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def _notices(kinds_and_dates: list[tuple[FlagKind, str | None]]) -> list[EntryFlag]:
    return [
        EntryFlag(entry_id="a-2020-x", kind=kind, notice_id=f"n{i}", source="crossref",
                  notice_date=date)
        for i, (kind, date) in enumerate(kinds_and_dates)
    ]  # fmt: skip


def undated_notices_last(db: Database) -> list[object]:
    store_flags(db, _notices([("retraction", "2021-03"), ("retraction", None),
                              ("retraction", "2019-01")]))  # fmt: skip
    return [f.notice_date for f in entry_flags(db, "a-2020-x")]


def never_checked_entries_first(db: Database) -> list[object]:
    for slug in ("a-checked-2024", "b-never", "c-checked-2023"):
        add_entry(db, slug, doi=f"10.1234/{slug}")
    record_entry_check(db, "a-checked-2024", error="timeout", at=datetime(2024, 1, 1, tzinfo=UTC))
    record_entry_check(db, "c-checked-2023", error="timeout", at=datetime(2023, 1, 1, tzinfo=UTC))
    due = entries_due_for_check(db, checked_before=T0, limit=None)
    return [row["id"] for row in due]


def _flag_kinds(stored: list[FlagKind]) -> Callable[[Database], list[object]]:
    def flagged(db: Database) -> list[object]:
        store_flags(db, _notices([(kind, None) for kind in stored]))
        post = Post(platform="feeds", place="blog", thread="t", message_id="m1", author_id="u",
                    text="", created_at=T0)  # fmt: skip
        record_cited(db, post, ["a-2020-x"], salt="s")
        return [row["flag"] for row in flagged_still_cited(db, CensusFilter())]

    return flagged


def oldest_claim_first(db: Database) -> list[object]:
    for message_id, minutes in (("m-late", 5), ("m-early", 0), ("m-middle", 2)):
        claim_reply(db, platform="discord", place="p", thread="t", message_id=message_id,
                    entry_ids=["a"], at=T0 + timedelta(minutes=minutes))  # fmt: skip
    return [message_id for _, message_id, _ in unconfirmed_claims(db, "discord")]


@pytest.mark.parametrize(
    ("read", "expected"),
    [
        pytest.param(undated_notices_last, ["2019-01", "2021-03", None], id="notices-undated-last"),
        pytest.param(
            never_checked_entries_first,
            ["b-never", "c-checked-2023", "a-checked-2024"],
            id="entry-checks-never-checked-first",
        ),
        pytest.param(
            _flag_kinds(["expression_of_concern", "retraction"]),
            ["retraction,expression_of_concern"],
            id="census-flag-most-serious-first",
        ),
        pytest.param(
            _flag_kinds(["retraction", "correction", "expression_of_concern"]),
            ["retraction,expression_of_concern,correction"],
            id="census-flag-most-serious-first-whatever-stored-first",
        ),
        pytest.param(
            oldest_claim_first, ["m-early", "m-middle", "m-late"], id="unconfirmed-claims-oldest"
        ),
    ],
)
def test_rows_come_back_in_the_same_order_on_either_store(
    db: Database, read: Callable[[Database], list[object]], expected: list[object]
) -> None:
    assert read(db) == expected
