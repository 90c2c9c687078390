"""`atlas parse-page` and `atlas sync` through the real command line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.atlas_sync_cmd import SyncProgress, print_report, progress_line
from bot.cli.main import cli
from bot.sync.state import SyncReport
from records.atlas_store import get_entry
from records.db import open_db
from tests.linker.conftest import ATLAS_PAGES, SEEDS
from tests.reliability.conftest import run_program
from tests.sync.fake_atlas import FakeAtlas, FakePage

FAST = ["--delay", "0", "--backoff", "0", "--timeout", "2"]


def run(db_path: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def stored(db_path: Path, slug: str) -> object:
    db = open_db(db_path)
    try:
        return get_entry(db, slug)
    finally:
        db.close()


def test_sync_prints_the_report_and_stores_the_entries(db_path: Path, site: FakeAtlas) -> None:
    result = run(db_path, "atlas", "sync", "--base-url", site.base_url, *FAST)
    assert result.exit_code == 0, result.output
    assert "│ New " in result.stdout
    assert "│     3 │" in result.stdout
    assert "Crawl complete." in result.stdout
    assert stored(db_path, "gamma-2022-three") is not None


def test_sync_lists_failed_pages_with_their_reasons(db_path: Path, site: FakeAtlas) -> None:
    site.add("missing-2020-gone", FakePage("", status=404))
    result = run(db_path, "atlas", "sync", "--base-url", site.base_url, *FAST)
    assert result.exit_code == 0
    assert "Failed pages" in result.stdout
    assert "missing-2020-gone" in result.stdout
    assert "HTTP 404 (not found)" in result.stdout


def test_sync_takes_site_agent_and_delay_from_settings(
    db_path: Path, site: FakeAtlas, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVBOT_ATLAS__BASE_URL", site.base_url)
    monkeypatch.setenv("EVBOT_ATLAS__USER_AGENT", "atlas-mirror-test/2.0")
    monkeypatch.setenv("EVBOT_ATLAS__SYNC_DELAY_SECONDS", "0")
    result = run(db_path, "atlas", "sync")
    assert result.exit_code == 0, result.output
    assert {r.headers["user-agent"] for r in site.requests} == {"atlas-mirror-test/2.0"}


def test_sync_with_a_limit_says_how_to_continue_and_then_resumes(
    db_path: Path, site: FakeAtlas
) -> None:
    first = run(db_path, "atlas", "sync", "--base-url", site.base_url, "--limit", "1", *FAST)
    assert "Stopped after 1 page (--limit)" in first.stdout
    second = run(db_path, "atlas", "sync", "--base-url", site.base_url, *FAST)
    assert "Resuming the crawl" in second.stderr
    assert "Crawl complete." in second.stdout


def test_sync_stops_with_a_clear_error_when_robots_txt_fails(
    db_path: Path, site: FakeAtlas
) -> None:
    site.robots_status = 503
    result = run(db_path, "atlas", "sync", "--base-url", site.base_url, *FAST, "--retries", "0")
    assert result.exit_code == 1
    assert "sync stopped" in result.stderr
    assert "robots.txt" in result.stderr


def test_parse_page_prints_the_entry_as_json(db_path: Path) -> None:
    result = run(db_path, "atlas", "parse-page", str(ATLAS_PAGES / "old_layout.html"))
    assert result.exit_code == 0, result.output
    entry = json.loads(result.stdout)
    assert (entry["id"], entry["pem"], entry["retracted"]) == (
        "brandt-2019-graded-activity",
        "unclear",
        True,
    )


def test_parse_page_of_a_text_rendering_with_a_given_slug(db_path: Path) -> None:
    seed = next(SEEDS.glob("003_*.txt"), None)
    if seed is None:
        pytest.fail(f"seed 003 missing from {SEEDS}")
    result = run(
        db_path, "atlas", "parse-page", str(seed), "--slug", "meeus-2013-role-mitochondrial"
    )
    assert json.loads(result.stdout)["year"] == 2013


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such file"),
        ("just some words", "no title"),
        ("<html><body><article><h1>T</h1><p>x</p></article></body></html>", "no slug"),
    ],
)
def test_parse_page_errors_name_the_problem(
    db_path: Path, tmp_path: Path, content: str | None, message: str
) -> None:
    page = tmp_path / "page.html"
    if content is not None:
        page.write_text(content, encoding="utf-8")
    result = run(
        db_path,
        "atlas",
        "parse-page",
        str(page),
        *(["--slug", "x-2020-y"] if message == "no title" else []),
    )
    assert result.exit_code == 1
    assert message in result.stderr


def test_parse_page_fetches_a_url_and_can_import_it(db_path: Path, site: FakeAtlas) -> None:
    url = f"{site.base_url}/evidence/beta-2021-two"
    result = run(db_path, "atlas", "parse-page", url, "--import")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["id"] == "beta-2021-two"
    assert "beta-2021-two added" in result.stderr
    assert stored(db_path, "beta-2021-two") is not None


def test_parse_page_refuses_a_url_robots_txt_disallows(db_path: Path, site: FakeAtlas) -> None:
    site.add("private-2020-hidden")
    result = run(db_path, "atlas", "parse-page", f"{site.base_url}/evidence/private-2020-hidden")
    assert result.exit_code == 1
    assert "robots.txt does not allow" in result.stderr
    assert site.requests_for("/evidence/private-2020-hidden") == []


def test_sync_reports_a_bare_page_once_in_the_lacking_counts(
    db_path: Path, site: FakeAtlas
) -> None:
    bare = "<html><head><title>Bare — ME/CFS Atlas</title></head><body><h1>Bare</h1></body></html>"
    site.add("bare-2020-title", FakePage(bare))
    result = run(db_path, "atlas", "sync", "--base-url", site.base_url, *FAST)
    assert result.exit_code == 0, result.output
    # One report of what the pages lack: the older "Imported with warnings" table is gone.
    assert "warnings" not in result.stdout
    assert re.search(r"Read, lacking a summary\s+│\s+1 │", result.stdout)
    assert stored(db_path, "bare-2020-title") is not None


BARE = "<html><head><title>Bare — ME/CFS Atlas</title></head><body><h1>Bare</h1></body></html>"


def test_sync_counts_pages_lacking_a_pem_badge_summary_or_caveat(
    db_path: Path, site: FakeAtlas
) -> None:
    site.add("bare-2020-title", FakePage(BARE))
    result = run(db_path, "atlas", "sync", "--base-url", site.base_url, *FAST)
    assert result.exit_code == 0, result.output
    for part in ("PEM badge", "summary", "caveat"):
        assert re.search(rf"Read, lacking a {part}\s+│\s+1 │", result.stdout)
    assert "Lacking a caveat:" not in result.stdout  # names only with -v


def test_sync_names_the_pages_lacking_a_part_with_v(tmp_path: Path, site: FakeAtlas) -> None:
    site.add("bare-2020-title", FakePage(BARE))
    result = run(tmp_path / "v.db", "-v", "atlas", "sync", "--base-url", site.base_url, *FAST)
    assert result.exit_code == 0, result.output
    for part in ("PEM badge", "summary", "caveat"):
        assert f"Lacking a {part}: bare-2020-title" in result.stdout


def test_parse_page_says_what_the_page_lacks(db_path: Path) -> None:
    seed = next(SEEDS.glob("003_*.txt"))
    result = run(
        db_path, "atlas", "parse-page", str(seed), "--slug", "meeus-2013-role-mitochondrial"
    )
    assert result.exit_code == 0
    assert "lacks: PEM badge (not on the page)" in result.stderr


def test_sync_refuses_an_out_of_range_run_length_in_one_line(db_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "atlas", "sync", "--max-minutes", "1e30"]
    )
    assert result.exit_code == 2
    assert "--max-minutes" in result.output
    assert "Traceback" not in result.output


def test_sync_with_a_run_length_completes_a_small_site(db_path: Path, site: FakeAtlas) -> None:
    result = run(
        db_path, "atlas", "sync", "--base-url", site.base_url, "--max-minutes", "60", *FAST
    )
    assert result.exit_code == 0, result.output
    assert "Crawl complete." in result.stdout


def test_the_report_prints_what_a_site_answered_literally(
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = "could not parse: [/b] [link=https://evil.example/]click[/link]"
    report = SyncReport(failed=[("x-2020-y", hostile)], stopped_reason="robots.txt said [bold]no")
    print_report(report, verbose=False)
    printed = capsys.readouterr().out
    assert hostile in printed
    assert "Robots.txt said [bold]no." in printed


def test_the_report_names_the_fields_each_changed_page_changed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    print_report(SyncReport(changed=1, changed_fields=[("x-2020-y", "pem, summary")]))
    printed = capsys.readouterr().out
    assert "Changed pages" in printed
    assert "Fields changed" in printed
    assert "pem, summary" in printed


def test_changed_fields_survive_a_resumed_crawl() -> None:
    report = SyncReport(changed=1, changed_fields=[("x-2020-y", "title")])
    assert SyncReport.from_json(json.loads(json.dumps(report.to_json()))) == report


def test_sync_shows_pages_done_of_pages_known(db_path: Path, site: FakeAtlas) -> None:
    site.add("bare-2020-title", FakePage(BARE))
    result = run(db_path, "atlas", "sync", "--base-url", site.base_url, *FAST)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("atlas sync:")]
    assert lines[0] == f"atlas sync: finding the study pages of {site.base_url}…"
    assert re.fullmatch(r"atlas sync: 1 of 4 pages done \(25%\), about \d+ s left", lines[1])
    assert lines[-1] == "atlas sync: 4 of 4 pages done (100%)"


def test_pages_lacking_parts_are_summarised_not_warned_one_by_one(
    tmp_path: Path, site: FakeAtlas
) -> None:
    site.add("bare-2020-title", FakePage(BARE))
    args = ["--db", str(tmp_path / "s.db"), "atlas", "sync", "--base-url", site.base_url, *FAST]
    quiet = run_program(*args, cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert "imported lacking" not in quiet.stderr
    assert re.search(r"Read, lacking a summary\s+│\s+1 │", quiet.stdout)
    verbose = run_program("-v", *args, "--restart", "--full", cwd=tmp_path)
    assert "bare-2020-title imported lacking" in verbose.stderr


@pytest.mark.parametrize(
    ("done", "known", "elapsed", "line"),
    [
        (10, 130, 10.0, "atlas sync: 10 of 130 pages done (8%), about 2 min left"),
        (150, 6100, 150.0, "atlas sync: 150 of 6,100 pages done (2%), about 1 h 39 min left"),
        (3, 4, 1.5, "atlas sync: 3 of 4 pages done (75%), about 1 s left"),
        (4, 4, 2.0, "atlas sync: 4 of 4 pages done (100%)"),
        (25, None, 9.0, "atlas sync: 25 pages done, more still being found"),
    ],
)
def test_a_progress_line_gives_pages_done_known_and_time_left(
    done: int, known: int | None, elapsed: float, line: str
) -> None:
    assert progress_line(done, known, elapsed) == line


def test_progress_is_shown_every_fifty_pages_or_thirty_seconds() -> None:
    now = [0.0]
    shown: list[str] = []
    progress = SyncProgress(shown.append, clock=lambda: now[0])
    for page in range(1, 121):
        now[0] += 0.1 if page <= 100 else 31.0  # fast pages, then slow ones
        progress.update(page, 200)
    done = [int(line.split()[2]) for line in shown]
    assert done == [1, 51, 101, *range(102, 121)]
