"""`evidence-bot curate` for records on PostgreSQL: Datasette reads SQLite, so the view serves
a snapshot of the store (every table but the salt and the HTTP cache), made at the start and
again every --refresh-minutes. Runs under `make test-postgres`, which names a server."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.cli.curate_server import DATABASE_NAME
from tests import postgres_store
from tests.curate.test_curate_browser import free_port
from tests.fakes.processes import import_atlas
from tests.fakes.stores import SharedStore, shared_store
from tests.reliability.conftest import clean_environment, program, run_program

pytestmark = pytest.mark.skipif(
    not postgres_store.SERVER_URL, reason="needs a PostgreSQL server: make test-postgres"
)
WAIT = 60.0


@pytest.fixture
def store(tmp_path: Path) -> SharedStore:
    """A PostgreSQL store holding the sample atlas, a salt and two unmatched papers."""
    shared = shared_store(tmp_path / "records.db")
    assert shared.kind == "PostgreSQL"
    import_atlas(shared, tmp_path)
    scan(shared, tmp_path, "doi:10.5555/first.one and doi:10.5555/first.two")
    return shared


def scan(store: SharedStore, folder: Path, text: str) -> None:
    posts = folder / f"posts-{time.monotonic_ns()}.jsonl"
    posts.write_text(f'{{"id": "{posts.stem}", "text": "{text}", "author": "ann"}}\n')
    done = run_program("scan", str(posts), cwd=folder, env=store.env)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def view(store: SharedStore, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """curate on a free port, its snapshot refreshed every 9 s; (base URL, snapshot)."""
    port = free_port()
    env = {**store.env, "EVBOT_DATABASE__PATH": str(tmp_path / "data" / "evidence.db")}
    log = (tmp_path / "curate.log").open("w")
    process = subprocess.Popen(  # noqa: S603 - our own program
        [*program(), "curate", "--port", str(port), "--refresh-minutes", "0.15"],
        cwd=tmp_path,
        env=clean_environment(env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        yield f"http://127.0.0.1:{port}", tmp_path / "data" / "curator-snapshot.db"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def papers(base: str) -> set[str] | None:
    """The unmatched papers the view lists, or None while it is not answering."""
    try:
        answer = httpx.get(f"{base}/{DATABASE_NAME}/unmatched_papers.json?_shape=array", timeout=5)
    except httpx.TransportError:
        return None
    return {row["key"] for row in answer.json()} if answer.status_code == 200 else None


def wait_for(condition: object, what: str) -> None:
    assert callable(condition)
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_the_view_serves_a_snapshot_of_the_store_and_refreshes_it(
    store: SharedStore, view: tuple[str, Path], tmp_path: Path
) -> None:
    base, snapshot = view
    in_store = {str(key) for (key,) in store.rows("SELECT key FROM unmatched_papers")}
    assert in_store == {"doi:10.5555/first.one", "doi:10.5555/first.two"}
    wait_for(lambda: papers(base) == in_store, "the view to list the store's papers")

    scan(store, tmp_path, "doi:10.5555/later.one")  # the store moves on while the view runs
    wait_for(
        lambda: papers(base) == {*in_store, "doi:10.5555/later.one"},
        "the refreshed snapshot to list the later paper",
    )
    with sqlite3.connect(snapshot) as conn:
        assert conn.execute("SELECT count(*) FROM deployment_secrets").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM sightings").fetchone() == (3,)
    assert store.rows("SELECT count(*) FROM deployment_secrets") == [(1,)]
