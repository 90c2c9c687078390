"""No token, password, client id, API key or salt ever shows in output, errors or logs.

Every secret setting gets a distinctive value; the real program then runs a day's worth of
commands at debug verbosity (`-vv`), including a Reddit session against the fake server
with an expired token and a server error, an enrichment pass whose NCBI requests carry the
API key, the console bot, and several failures. Everything printed is searched for the
secrets, for the Basic credentials praw sends and for the access tokens the server issued.
"""

from __future__ import annotations

import base64
import logging
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli.main import cli
from tests.conftest import REPO_ROOT, SAMPLE_ATLAS
from tests.enrich.conftest import papers, services  # noqa: F401 - fixtures
from tests.enrich.fakes import FakeServices, serve_over_http
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, USER_AGENT
from tests.reddit.fake_reddit import FakeReddit
from tests.reliability.conftest import run_program

SECRETS = {
    "EVBOT_DISCORD__TOKEN": "MTAxNzQ0.Gdisc0rd.t0ken-Qv7LmZp2Wx9Rk4Ty",
    "EVBOT_REDDIT__CLIENT_ID": "redd1tclientidK3wq8",
    "EVBOT_REDDIT__CLIENT_SECRET": "redd1t-client-secret-Jd8Fh2Lq",
    "EVBOT_REDDIT__PASSWORD": "hunter2-reddit-Pw9Xc4Vb",
    "EVBOT_ENRICH__NCBI_API_KEY": "ncbikey5f0c3a9e7b1d2468ace",
    "EVBOT_DATABASE__AUTHOR_HASH_SALT": "salt-of-the-earth-Zm3Nq7",
}
WRONG_PASSWORD = "wrong-pass-Yh6Tg5Rf"
BAD_TOML_SECRET = "toml-held-secret-Uj8Ik9Ol"


@pytest.fixture
def fake() -> Iterator[FakeReddit]:
    """A fake Reddit that accepts exactly the distinctive credentials."""
    with FakeReddit(
        client_id=SECRETS["EVBOT_REDDIT__CLIENT_ID"],
        client_secret=SECRETS["EVBOT_REDDIT__CLIENT_SECRET"],
        password=SECRETS["EVBOT_REDDIT__PASSWORD"],
    ) as server:
        server.add_subreddit(SUBREDDIT, moderators=("mod_mia",))
        yield server


@pytest.fixture
def enrich_root(services: FakeServices) -> Iterator[str]:  # noqa: F811 - the fixture
    with serve_over_http(services) as url:
        yield url


def environment(fake: FakeReddit, enrich_root: str, **more: str) -> dict[str, str]:
    return {
        **SECRETS,
        "EVBOT_REDDIT__USERNAME": fake.username,
        "EVBOT_REDDIT__USER_AGENT": USER_AGENT,
        "EVBOT_REDDIT__SUBREDDITS": SUBREDDIT,
        "EVBOT_REDDIT__OAUTH_URL": fake.url,
        "EVBOT_REDDIT__REDDIT_URL": fake.url,
        "EVBOT_REDDIT__POLL_SECONDS": "0.05",
        "EVBOT_ENRICH__CROSSREF_URL": f"{enrich_root}/crossref",
        "EVBOT_ENRICH__NCBI_IDCONV_URL": f"{enrich_root}/idconv",
        "EVBOT_ENRICH__NCBI_EUTILS_URL": f"{enrich_root}/eutils",
        "EVBOT_ENRICH__EUROPEPMC_URL": f"{enrich_root}/europepmc",
        "EVBOT_ENRICH__MAILTO": "curators@example.org",
        "EVBOT_DISCORD__API_BASE_URL": "http://127.0.0.1:9/api/v10",  # nothing listens
        **more,
    }


def forbidden_strings(fake: FakeReddit) -> list[str]:
    """The secrets, the Basic credentials header and every access token issued."""
    basic = base64.b64encode(
        f"{SECRETS['EVBOT_REDDIT__CLIENT_ID']}:{SECRETS['EVBOT_REDDIT__CLIENT_SECRET']}".encode()
    ).decode()
    issued = {
        r.authorization.split()[-1]
        for r in fake.requests
        if r.authorization and r.authorization.startswith("bearer")
    }
    return [*SECRETS.values(), WRONG_PASSWORD, BAD_TOML_SECRET, basic, *issued]


def leaks(text: str, fake: FakeReddit) -> list[str]:
    """Each forbidden string found, with the line that showed it."""
    return [
        f"{secret!r} in: {line[:300]}"
        for secret in forbidden_strings(fake)
        for line in text.splitlines()
        if secret in line
    ]


def test_a_days_commands_at_debug_level_print_no_secret(
    fake: FakeReddit,
    enrich_root: str,
    services: FakeServices,  # noqa: F811 - the fixture
    tmp_path: Path,
    db_path: Path,
) -> None:
    env = environment(fake, enrich_root)
    posts = tmp_path / "posts.jsonl"
    posts.write_text('{"id": 1, "author": "ana", "text": "doi:10.1000/pubmed.only"}\n')
    bad_toml = tmp_path / "bad.toml"
    bad_toml.write_text(f'[reddit]\npassword = ["{BAD_TOML_SECRET}"]\n')
    db = ["--db", str(db_path)]
    outputs: list[subprocess.CompletedProcess[str]] = []

    def run(*args: str, drop: str = "", **more: str) -> subprocess.CompletedProcess[str]:
        chosen = {k: v for k, v in {**env, **more}.items() if k != drop}
        done = run_program(*args, cwd=tmp_path, env=chosen)
        outputs.append(done)
        return done

    assert run("config", "check").returncode == 0
    assert "**********" in outputs[-1].stdout
    assert run("config", "check", "--json").returncode == 0
    assert run("-vv", *db, "atlas", "import", str(SAMPLE_ATLAS)).returncode == 0
    assert run("-vv", *db, "lookup", LEE_DOI).returncode == 0
    assert run("-vv", *db, "lookup", "--log", "10.1000/retracted").returncode == 0
    assert run("-vv", *db, "scan", str(posts)).returncode == 0
    thread = REPO_ROOT / "config" / "sample" / "thread.txt"
    assert run("-vv", *db, "run", "console", "--thread", str(thread)).returncode == 0
    assert run("-vv", *db, "run", "reddit", "--max-polls", "1").returncode == 0
    item = fake.add_submission(SUBREDDIT, "Seen this?", selftext=f"doi:{LEE_DOI}")
    fake.expire_tokens()  # the bot logs in again, sending the password again
    fake.fail_next(503, path_contains="/comments")
    assert run("-vv", *db, "run", "reddit", "--max-polls", "3").returncode == 0
    assert fake.replies_to(item, author=fake.username)
    assert run("-vv", *db, "enrich").returncode == 0
    assert any("api_key" in str(r.url) for r in services.requests)  # the key was used
    assert run("-vv", *db, "unmatched", "list").returncode == 0
    # Failures: a refused login, invalid settings, a secret of the wrong type, no Discord.
    refused = run("-vv", *db, "run", "reddit", EVBOT_REDDIT__PASSWORD=WRONG_PASSWORD)
    assert refused.returncode == 1
    assert run("-vv", *db, "config", "check", EVBOT_REPLY__MAX_CARDS="lots").returncode == 2
    bad = run("--config", str(bad_toml), "config", "check", drop="EVBOT_REDDIT__PASSWORD")
    assert bad.returncode == 2
    assert "reddit.password" in outputs[-1].stderr
    run("-vv", *db, "run", "discord")
    assert outputs[-1].returncode != 0

    printed = "\n".join(f"{o.args}\n{o.stdout}\n{o.stderr}" for o in outputs)
    assert "DEBUG" in printed  # debug logging really was on
    assert leaks(printed, fake) == []


def test_an_in_process_reddit_session_logs_no_secret_at_debug(
    fake: FakeReddit,
    enrich_root: str,
    db_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    env = environment(fake, enrich_root)
    runner = CliRunner()
    imported = runner.invoke(cli, ["--db", str(db_path), "atlas", "import", str(SAMPLE_ATLAS)])
    assert imported.exit_code == 0
    first = runner.invoke(cli, ["--db", str(db_path), "run", "reddit", "--max-polls", "1"], env=env)
    assert first.exit_code == 0, first.output
    item = fake.add_submission(SUBREDDIT, "Which study?", selftext=f"{LEE_DOI} and PMID 99999")
    fake.expire_tokens()
    again = runner.invoke(cli, ["--db", str(db_path), "run", "reddit", "--max-polls", "2"], env=env)
    assert again.exit_code == 0, again.output
    assert fake.replies_to(item, author=fake.username)
    assert "Fetching: POST" in caplog.text  # prawcore's request lines were captured
    assert "POST /api/v1/access_token" in caplog.text
    assert leaks(caplog.text + first.output + again.output, fake) == []
