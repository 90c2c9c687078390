"""records.retractions: what the bot core reads to put a warning on a card."""

from __future__ import annotations

import pytest

from records.db import Database
from records.retractions import (
    EntryFlag,
    entry_flags,
    retracted_entry_ids,
    retraction_notice,
    store_flags,
    unflagged_by_atlas,
)
from tests.unmatched.helpers import add_entry


def flag(entry_id: str, kind: str, notice_id: str, **extra: str) -> EntryFlag:
    return EntryFlag(entry_id=entry_id, kind=kind, notice_id=notice_id, source="crossref",  # type: ignore[arg-type]
                     **extra)  # fmt: skip


def test_storing_the_same_notice_twice_keeps_one(db: Database) -> None:
    add_entry(db, "a-2020-x")
    assert store_flags(db, [flag("a-2020-x", "correction", "doi:10.1/c")]) == 1
    assert store_flags(db, [flag("a-2020-x", "correction", "doi:10.1/c")]) == 0
    assert len(entry_flags(db, "a-2020-x")) == 1


def test_the_most_serious_and_best_documented_notice_comes_first(
    db: Database,
) -> None:
    add_entry(db, "a-2020-x")
    store_flags(db, [
        flag("a-2020-x", "correction", "doi:10.1/c", notice_doi="10.1/c"),
        flag("a-2020-x", "retraction", "med:1"),
        flag("a-2020-x", "retraction", "doi:10.1/r", notice_doi="10.1/r", notice_date="2021-02"),
        flag("a-2020-x", "expression_of_concern", "doi:10.1/e"),
    ])  # fmt: skip
    assert [f.notice_id for f in entry_flags(db, "a-2020-x")] == [
        "doi:10.1/r", "med:1", "doi:10.1/e", "doi:10.1/c",
    ]  # fmt: skip
    notice = retraction_notice(db, "a-2020-x")
    assert notice is not None
    assert notice.is_retraction
    assert notice.warning == "Retracted (notice: doi 10.1/r, 2021-02)"


@pytest.mark.parametrize(
    ("kind", "warning"),
    [
        ("withdrawal", "Withdrawn"),
        ("expression_of_concern", "Expression of concern"),
        ("correction", "Corrected"),
    ],
)
def test_each_kind_has_a_readable_warning(kind: str, warning: str) -> None:
    assert flag("a", kind, "x").warning == warning


def test_retracted_ids_join_found_notices_and_the_atlas_own_flag(
    db: Database,
) -> None:
    add_entry(db, "found-2020-x")
    add_entry(db, "atlas-2020-y", retracted=True)
    add_entry(db, "fixed-2020-z")
    store_flags(db, [flag("found-2020-x", "retraction", "doi:10.1/r"),
                     flag("fixed-2020-z", "correction", "doi:10.1/c")])  # fmt: skip
    assert retracted_entry_ids(db) == {"found-2020-x", "atlas-2020-y"}
    assert [f.entry_id for f in unflagged_by_atlas(db)] == ["found-2020-x"]
    assert retraction_notice(db, "atlas-2020-y") is None  # the atlas's banner speaks for it


def test_notices_survive_a_re_import_of_the_entry(db: Database) -> None:
    add_entry(db, "a-2020-x")
    store_flags(db, [flag("a-2020-x", "retraction", "doi:10.1/r")])
    add_entry(db, "a-2020-x", summary="an updated summary")  # replaces the entry row
    assert retracted_entry_ids(db) == {"a-2020-x"}
