"""`evidence-bot curate` in a real headless browser (Debian's chromium, `make browser-deps`)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT = 60.0
pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(curated_db: Path, tmp_path: Path) -> Iterator[str]:
    """`evidence-bot curate` on a free loopback port; yields its base URL."""
    port = free_port()
    log = (tmp_path / "curate.log").open("w")
    command = [sys.executable, "-c", "from bot.cli.main import main; main()",
               "--db", str(curated_db), "curate", "--port", str(port)]  # fmt: skip
    process = subprocess.Popen(  # noqa: S603 - our own interpreter
        command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, tmp_path / "curate.log")
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)
        log.close()


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"curate exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/-/versions.json", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail(f"curate did not answer within {START_TIMEOUT}s:\n{log.read_text()}")


def chromium(tmp_path: Path, *args: str) -> str:
    """Run headless chromium (which must be installed: this test fails, never skips)."""
    assert CHROMIUM.exists(), "chromium is missing: run `make browser-deps`"
    profile = tmp_path / f"profile-{time.monotonic_ns()}"
    completed = subprocess.run(  # noqa: S603 - fixed binary and flags
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--window-size=1280,900",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    return completed.stdout


def test_the_database_page_lists_the_canned_queries(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence")
    for title in (
        "Most-requested unmatched papers",
        "Recent sightings",
        "Wrong-match reports",
        "Retractions and corrections",
    ):
        assert title in dom
    assert "http_cache" not in dom  # hidden tables stay out of the curators' way


def test_the_most_requested_query_renders_its_rows_in_order(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence/most_requested_unmatched")
    assert "Papers people cite that the atlas does not hold yet" in dom
    assert "Cerebral blood flow on tilt" in dom
    assert dom.index("doi:10.1000/most.wanted") < dom.index("pmid:4242")
    screenshot = tmp_path / "most-requested.png"
    chromium(tmp_path, f"--screenshot={screenshot}", f"{server}/evidence/most_requested_unmatched")
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert screenshot.stat().st_size > 10_000


def test_the_unmatched_table_shows_facets(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence/unmatched_papers")
    assert 'class="facet-info' in dom
    assert "enrich_status" in dom
    assert "pending" in dom


def test_the_retractions_query_shows_the_missed_retraction(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence/retractions")
    assert "old-2019-trial" in dom
    assert "10.1000/old.r" in dom


def test_the_view_runs_no_arbitrary_sql(server: str) -> None:
    for sql, refused in (("DELETE FROM unmatched_papers", {400, 403}),
                         ("SELECT count(*) AS n FROM unmatched_papers", {403})):  # fmt: skip
        attempt = httpx.get(f"{server}/evidence.json", params={"sql": sql}, timeout=10)
        assert attempt.status_code in refused
    count = httpx.get(f"{server}/evidence/unmatched_papers.json?_shape=array", timeout=10)
    assert count.status_code == 200, count.text[:500]
    assert len(count.json()) == 2


@pytest.mark.parametrize("table", ["opt_outs", "seen_items", "replies", "stream_state"])
def test_tables_outside_the_curators_work_are_refused(server: str, table: str) -> None:
    assert httpx.get(f"{server}/evidence/{table}", timeout=10).status_code == 403
    assert httpx.get(f"{server}/evidence/{table}.json", timeout=10).status_code == 403
    leaked = httpx.get(
        f"{server}/evidence.json", params={"sql": f"SELECT * FROM {table}"}, timeout=10
    )
    assert leaked.status_code == 403


def test_a_request_for_another_host_name_is_refused(server: str) -> None:
    """A DNS-rebinding page reaches 127.0.0.1 under its own name: the Host header tells."""
    refused = httpx.get(f"{server}/evidence/sightings.json", headers={"Host": "evil.example"})
    assert refused.status_code == 421
    assert "curate.example" not in refused.text
    assert httpx.get(f"{server}/", headers={"Host": "localhost"}).status_code == 200


def test_the_home_page_links_every_canned_query(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/")
    for name in ("most_requested_unmatched", "recent_sightings", "wrong_match_reports",
                 "retractions"):  # fmt: skip
        assert f'href="/evidence/{name}"' in dom
    assert "Most-requested unmatched papers" in dom


def test_canned_queries_fold_their_sql_below_the_results(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence/recent_sightings")
    results = dom.index('class="rows-and-columns"')
    folded = dom.index('<details class="evidence-sql">')
    assert results < folded < dom.rindex("ORDER BY s.seen_at DESC")
    assert '<details class="evidence-sql" open' not in dom


def test_times_are_shown_as_dates(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence/recent_sightings")
    assert "2026-03-20 00:00 UTC" in dom
    assert ">2026-03-20T00:00:00+00:00<" not in dom


def test_each_paper_links_to_its_sightings(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence/most_requested_unmatched")
    link = "/evidence/sightings?paper_key=doi%3A10.1000%2Fmost.wanted"
    assert f'href="{link}"' in dom
    as_json = link.replace("/sightings?", "/sightings.json?") + "&_shape=array"
    sightings = httpx.get(f"{server}{as_json}", timeout=10)
    assert sightings.status_code == 200, sightings.text[:500]
    assert len(sightings.json()) == 3


def test_a_wrong_match_report_shows_the_study_and_the_message(server: str, tmp_path: Path) -> None:
    dom = chromium(tmp_path, "--dump-dom", f"{server}/evidence/wrong_match_reports")
    for shown in ("lee-2024-brain-regional", "Study lee-2024-brain-regional", "m9",
                  "not this study", "https://discord.com/channels/1/2/99"):  # fmt: skip
        assert shown in dom
