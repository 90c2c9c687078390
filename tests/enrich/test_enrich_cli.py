"""`evidence-bot enrich` and `enricher` against the fake services on a real 127.0.0.1 port."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.cli.main import cli
from records.db import open_db
from records.unmatched import get_paper
from tests.enrich.fakes import FakePaper, FakeServices, serve_over_http
from tests.fakes.stores import program_store
from tests.unmatched.helpers import add_entry, mention


@pytest.fixture
def root(services: FakeServices) -> Iterator[str]:
    with serve_over_http(services) as url:
        yield url


def service_env(root: str, **extra: str) -> dict[str, str]:
    return {
        "EVBOT_ENRICH__CROSSREF_URL": f"{root}/crossref",
        "EVBOT_ENRICH__NCBI_IDCONV_URL": f"{root}/idconv",
        "EVBOT_ENRICH__NCBI_EUTILS_URL": f"{root}/eutils",
        "EVBOT_ENRICH__EUROPEPMC_URL": f"{root}/europepmc",
        "EVBOT_ENRICH__MAILTO": "curators@example.org",
        **extra,
    }


def run(db_path: Path, env: dict[str, str], *args: str) -> Result:
    return CliRunner(env=env).invoke(cli, ["--db", str(db_path), *args], catch_exceptions=False)


def test_enrich_runs_one_pass_and_prints_a_summary(
    db_path: Path, root: str, services: FakeServices
) -> None:
    db = open_db(db_path)
    mention(db, "doi", "10.1000/pmc.article")
    add_entry(db, "bad-2024-trial", doi="10.1000/retracted")
    db.close()
    result = run(db_path, service_env(root), "enrich")
    assert result.exit_code == 0
    assert "enrich: 1 paper (1 enriched" in result.stdout
    # Crossref and Europe PMC each report the retraction: two notices, one per source.
    assert "1 atlas entry checked (0 failed), 2 new notices" in result.stdout
    db = open_db(db_path)
    assert get_paper(db, "doi:10.1000/pmc.article").paper.title == (
        "Brain regional changes in ME/CFS"
    )
    db.close()
    agents = {r.headers["user-agent"] for r in services.requests}
    assert agents == {"evidence-bot/0.1 (mailto:curators@example.org)"}


def test_enrich_limit_caps_the_papers_looked_up(db_path: Path, root: str) -> None:
    db = open_db(db_path)
    mention(db, "doi", "10.1000/pmc.article", message_id="a")
    mention(db, "doi", "10.1000/pmc.article", message_id="b")
    mention(db, "doi", "10.1000/crossref.only", message_id="c")
    db.close()
    result = run(db_path, service_env(root), "enrich", "--limit", "1")
    assert result.exit_code == 0
    assert "enrich: 1 paper (1 enriched" in result.stdout
    db = open_db(db_path)
    assert get_paper(db, "doi:10.1000/crossref.only").paper.enrich_status == "pending"
    db.close()


def test_enrich_with_every_service_down_exits_1_and_keeps_papers_pending(
    db_path: Path, tmp_path: Path
) -> None:
    db = open_db(db_path)
    for number in range(20):
        mention(db, "doi", f"10.1000/paper.{number}", message_id=f"m{number}")
    add_entry(db, "lee-2024-brain-regional", doi="10.1000/lee")
    db.close()
    closed = "http://127.0.0.1:9"  # the discard port: nothing listens there
    env = service_env(closed, EVBOT_ENRICH__MAX_RETRIES="0", EVBOT_ENRICH__TIMEOUT_SECONDS="2")
    result = run(db_path, env, "enrich")
    assert result.exit_code == 1
    assert "21 left for the next pass (a service was unreachable)" in result.stdout
    unreachable = [line for line in result.stderr.splitlines() if line.startswith("cannot reach")]
    # One line per service the pass needed, each said once, nothing else per paper.
    assert sorted(line.split(":")[0] for line in unreachable) == [
        "cannot reach Crossref", "cannot reach Europe PMC", "cannot reach the NCBI ID converter",
    ]  # fmt: skip
    assert all("Connection refused" in line for line in unreachable)
    assert "failed:" not in result.stderr
    db = open_db(db_path)
    paper = get_paper(db, "doi:10.1000/paper.3").paper
    assert (paper.enrich_status, paper.enrich_attempts) == ("pending", 0)
    assert db.execute("SELECT count(*) FROM entry_checks").fetchone()[0] == 0
    db.close()


def test_a_refused_or_unresolvable_host_is_given_up_at_the_first_attempt(
    db_path: Path,
) -> None:
    db = open_db(db_path)
    mention(db, "doi", "10.1000/paper.1", message_id="m1")
    db.close()
    # Nothing listens on the discard port; `.invalid` never resolves (RFC 6761 section 6.4).
    env = service_env("http://127.0.0.1:9",
                      EVBOT_ENRICH__NCBI_IDCONV_URL="http://ncbi.evidence-bot.invalid/idconv")  # fmt: skip
    result = run(db_path, env, "enrich")  # the default retries: none are spent on these
    unreachable = [line for line in result.stderr.splitlines() if line.startswith("cannot reach")]
    assert len(unreachable) == 3
    assert all(line.endswith("(after 1 attempt)") for line in unreachable)
    assert any("Connection refused" in line for line in unreachable)
    assert any("the NCBI ID converter" in line for line in unreachable)


def test_one_unreachable_service_is_asked_once_and_the_others_still_answer(
    db_path: Path, root: str, services: FakeServices
) -> None:
    db = open_db(db_path)
    for number in range(3):
        mention(db, "doi", f"10.1000/paper.{number}", message_id=f"m{number}")
    db.close()
    env = service_env(root, EVBOT_ENRICH__CROSSREF_URL="http://127.0.0.1:9/crossref",
                      EVBOT_ENRICH__MAX_RETRIES="0")  # fmt: skip
    result = run(db_path, env, "enrich")
    assert "cannot reach Crossref: " in result.stderr
    assert result.stderr.count("cannot reach") == 1
    assert services.count("europepmc") >= 3
    assert "3 left for the next pass" in result.stdout


@pytest.mark.sqlite_only  # reads the SQLite file's bytes
def test_the_api_key_never_reaches_logs_output_or_the_database(
    db_path: Path, root: str, services: FakeServices, caplog: pytest.LogCaptureFixture
) -> None:
    db = open_db(db_path)
    mention(db, "pmid", "222")
    db.close()
    env = service_env(root, EVBOT_ENRICH__NCBI_API_KEY="sekret-ncbi-key")
    with caplog.at_level(logging.DEBUG):
        result = CliRunner(env=env).invoke(cli, ["-vv", "--db", str(db_path), "enrich"])
    assert result.exit_code == 0
    assert any(r.url.params.get("api_key") == "sekret-ncbi-key" for r in services.requests)
    assert "api_key=***" in caplog.text  # httpx logged the request, with the key scrubbed
    assert "sekret-ncbi-key" not in caplog.text
    assert "sekret-ncbi-key" not in result.output
    assert b"sekret-ncbi-key" not in db_path.read_bytes()


def test_the_enricher_process_runs_passes_until_sigterm(
    db_path: Path, root: str, papers: list[FakePaper]
) -> None:
    db = open_db(db_path)
    mention(db, "doi", "10.1000/pmc.article")
    db.close()
    store_args, store_env = program_store(db_path)
    env = {**os.environ, **service_env(root), **store_env}
    command = [sys.executable, "-c", "from bot.cli.main import main; main()",
               *store_args, "run", "enricher", "--interval", "60"]  # fmt: skip
    process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)  # noqa: S603
    try:
        assert process.stderr is not None
        lines = []
        for line in process.stderr:
            lines.append(line)
            if line.startswith("enrich: "):
                break
        process.send_signal(signal.SIGTERM)
        _, rest = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0
    assert "enrich: 1 paper (1 enriched" in "".join(lines)
    assert "enricher: stopped after 1 pass" in rest


def test_enrich_with_nothing_pending_says_so_and_asks_nobody(
    db_path: Path, root: str, services: FakeServices
) -> None:
    result = run(db_path, service_env(root), "enrich")
    assert result.exit_code == 0
    assert result.stdout.startswith("enrich: 0 papers (0 enriched")
    assert services.requests == []


def test_enrich_without_a_contact_address_warns(db_path: Path, root: str) -> None:
    env = {k: v for k, v in service_env(root).items() if k != "EVBOT_ENRICH__MAILTO"}
    result = run(db_path, env, "enrich")
    assert result.exit_code == 0
    assert "EVBOT_ENRICH__MAILTO is not set" in result.stderr
