"""Shared steps of the forum card-refresh tests: the atlas in the records, a retraction,
`cards refresh` run to the end, and a running bot that refreshes on its own."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path

from records.atlas_io import GoodRecord, read_records
from records.atlas_store import get_entry, upsert_entries
from records.db import open_db
from tests.conftest import SAMPLE_ATLAS
from tests.fakes.stores import program_store
from tests.reliability.conftest import clean_environment, program, run_program, wait_until

NEW_SUMMARY = "The atlas now reads this study differently."
BANNER = "RETRACTED since this card was posted"


def import_atlas(db_path: Path) -> None:
    """The sample atlas into the records file (the forum harnesses index it in memory)."""
    db = open_db(db_path)
    try:
        upsert_entries(
            db, [r.entry for r in read_records(SAMPLE_ATLAS) if isinstance(r, GoodRecord)]
        )
    finally:
        db.close()


def retract_with_new_summary(db_path: Path, entry_id: str, *, retracted: bool = True) -> None:
    """Re-import a study as retracted (unless told not to) with a new summary (what `atlas
    import` stores)."""
    db = open_db(db_path)
    try:
        entry = get_entry(db, entry_id)
        assert entry is not None
        update = {"retracted": retracted, "summary": NEW_SUMMARY}
        upsert_entries(db, [entry.model_copy(update=update)])
    finally:
        db.close()


def refresh_cards(db_path: Path, env: Mapping[str, str], cwd: Path, *more: str) -> str:
    """`evidence-bot cards refresh MORE` run to a successful end; what it printed."""
    store_args, store_env = program_store(db_path)
    done = run_program(*store_args, "cards", "refresh", *more, cwd=cwd, env={**env, **store_env})
    assert done.returncode == 0, done.stderr
    return done.stdout


def refresh_killed_when(
    db_path: Path, env: Mapping[str, str], cwd: Path, done: Callable[[], bool]
) -> None:
    """`evidence-bot cards refresh` started and SIGKILLed once `done` holds (it must)."""
    store_args, store_env = program_store(db_path)
    command = [*program(), *store_args, "cards", "refresh"]
    process = subprocess.Popen(command, cwd=cwd, env={**env, **store_env})  # noqa: S603
    try:
        assert wait_until(done)
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()


def retract_while_running(
    platform: str,
    settings: Mapping[str, str],
    db_path: Path,
    cwd: Path,
    *,
    entry_id: str,
    polling: Callable[[], bool],
    edited: Callable[[], bool],
) -> None:
    """`evidence-bot run PLATFORM` polling every 0.1 s and refreshing cards every 0.5 s: once
    `polling` shows it serving, `entry_id` is retracted, and `edited` must come to hold
    while it runs (it is stopped with SIGTERM afterwards)."""
    env = clean_environment(
        {
            **settings,
            f"EVBOT_{platform.upper()}__POLL_SECONDS": "0.1",
            "EVBOT_REPLY__REFRESH_SECONDS": "0.5",
        }
    )
    store_args, store_env = program_store(db_path)
    command = [*program(), *store_args, "run", platform]
    process = subprocess.Popen(command, cwd=cwd, env={**env, **store_env})  # noqa: S603
    try:
        assert wait_until(polling)
        retract_with_new_summary(db_path, entry_id)
        assert wait_until(edited)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
