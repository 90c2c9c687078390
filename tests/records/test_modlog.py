"""The mod-log and wrong-match reports."""

from __future__ import annotations

from records.db import Database
from records.modlog import log_action, recent_actions, report_wrong_match, wrong_match_reports


def test_actions_come_back_newest_first(db: Database) -> None:
    log_action(db, platform="discord", place="c1", actor="ana (1)", action="mode:off")
    log_action(db, platform="reddit", place="r/x", actor="bo", action="remove", target="t1_x")
    actions = recent_actions(db)
    assert [a.action for a in actions] == ["remove", "mode:off"]
    assert [a.action for a in recent_actions(db, platform="discord")] == ["mode:off"]


def test_wrong_match_report_is_stored(db: Database) -> None:
    report_id = report_wrong_match(
        db,
        platform="discord",
        place="c1",
        message_id="m1",
        reply_id="r1",
        entry_id="lee-2024-brain-regional",
        reporter_hash="abc",
        note="different Lee",
    )
    (report,) = wrong_match_reports(db)
    assert report.id == report_id
    assert (report.entry_id, report.note) == ("lee-2024-brain-regional", "different Lee")
