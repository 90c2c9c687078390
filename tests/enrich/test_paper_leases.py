"""Two enricher processes share the work: a paper one took is left to it until its lease ends."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from records.db import Database, open_db
from records.unmatched import give_back_paper, take_paper
from tests.unmatched.helpers import mention

KEY = "doi:10.5555/lease.1"
LEASE = timedelta(minutes=15)
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_of_two_enrichers_only_the_first_takes_a_paper(db: Database, db_path: Path) -> None:
    mention(db, "doi", "10.5555/lease.1")
    other = open_db(db_path)  # a second process's connection to the same store
    try:
        taken = [take_paper(store, KEY, lease=LEASE, now=NOW) for store in (db, other, db)]
    finally:
        other.close()
    assert taken == [True, False, False]


def test_a_paper_given_back_can_be_taken_again_at_once(db: Database) -> None:
    mention(db, "doi", "10.5555/lease.1")
    assert take_paper(db, KEY, lease=LEASE, now=NOW)
    give_back_paper(db, KEY)
    assert take_paper(db, KEY, lease=LEASE, now=NOW)


def test_a_killed_enrichers_paper_is_taken_again_once_its_lease_is_over(db: Database) -> None:
    mention(db, "doi", "10.5555/lease.1")
    assert take_paper(db, KEY, lease=LEASE, now=NOW)  # its process dies holding it
    assert not take_paper(db, KEY, lease=LEASE, now=NOW + LEASE - timedelta(seconds=1))
    assert take_paper(db, KEY, lease=LEASE, now=NOW + LEASE + timedelta(seconds=1))


def test_an_unknown_paper_is_not_taken(db: Database) -> None:
    assert not take_paper(db, "doi:10.5555/nobody", lease=LEASE, now=NOW)
