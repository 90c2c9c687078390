"""Reddit, Crossref and NCBI failing (429, 5xx, timeouts): a clear log line, and work goes on.

Reddit: the real praw client against the fake server, driven by `RedditBot.run` with an
injected sleep. Crossref and NCBI: the real clients and polite transport over
`httpx.MockTransport`. Each fault must show in the log, must not stop the bot or the pass,
and what it delayed is done once the service is back.
"""

from __future__ import annotations

import logging

import pytest

from bot.enrich.clients import MetadataClients
from bot.enrich.worker import enrich
from records.db import Database
from records.unmatched import get_paper
from tests.enrich.conftest import clients, clock, papers, services  # noqa: F401 - fixtures
from tests.enrich.fakes import FakeServices
from tests.reddit.conftest import LEE_DOI, SUBREDDIT, WALITT_DOI, HarnessFactory
from tests.unmatched.helpers import mention


@pytest.mark.parametrize(
    ("fault", "path", "logged", "level"),
    [
        # A stream that cannot be read: a warning naming the stream, retried after a pause.
        ("429", "/new", "poll problems: submissions:cfs_science: TooManyRequests", "WARNING"),
        ("500", "/new", "poll problems: submissions:cfs_science: ServerError", "WARNING"),
        ("503", "/comments", "poll problems: comments:cfs_science: ServerError", "WARNING"),
        ("timeout", "/new", "poll problems: submissions:cfs_science: RequestException", "WARNING"),
        # A reply that failed and is tried again at once, after checking it was not posted.
        ("429", "/api/comment", "replying to t3_", "INFO"),
        ("503", "/api/comment", "replying to t3_", "INFO"),
        ("timeout", "/api/comment", "replying to t3_", "INFO"),
    ],
)
def test_reddit_faults_are_logged_and_the_bot_keeps_serving(
    harness_factory: HarnessFactory,
    caplog: pytest.LogCaptureFixture,
    *,
    fault: str,
    path: str,
    logged: str,
    level: str,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    fake = harness_factory.fake
    harness = harness_factory.build()
    harness.poll()
    first = fake.add_submission(SUBREDDIT, "First", selftext=f"doi:{LEE_DOI}")
    if fault == "timeout":
        fake.slow_next(2.0, path_contains=path)
    else:
        fake.fail_next(int(fault), path_contains=path)
    harness.bot.run(max_polls=3)
    lines = [r for r in caplog.records if r.getMessage().startswith(logged)]
    assert lines, caplog.text
    assert lines[0].levelname == level
    if path == "/api/comment":
        name = {"429": "TooManyRequests", "503": "ServerError", "timeout": "RequestException"}
        assert name[fault] in lines[0].getMessage()
    second = fake.add_submission(SUBREDDIT, "Second", selftext=f"doi:{WALITT_DOI}")
    harness.bot.run(max_polls=1)
    assert len(harness.bot_replies_to(first)) == 1
    assert len(harness.bot_replies_to(second)) == 1


@pytest.mark.parametrize("service", ["crossref", "idconv", "eutils"])
@pytest.mark.parametrize("fault", ["429", "503", "timeout"])
def test_metadata_service_faults_are_logged_and_the_pass_goes_on(
    db: Database,
    clients: MetadataClients,  # noqa: F811 - the fixture
    services: FakeServices,  # noqa: F811 - the fixture
    caplog: pytest.LogCaptureFixture,
    *,
    service: str,
    fault: str,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.enrich")
    caplog.set_level(logging.INFO, logger="bot.http")  # the polite transport logs its retries
    mention(db, "pmid", "222")
    mention(db, "doi", "10.1000/pmc.article")
    services.fail(service, fault, times=3)  # more than the two retries
    summary = enrich(db, clients)
    assert summary.failed == 1
    assert summary.enriched == 1  # the next paper was looked up all the same
    retried = "ReadTimeout" if fault == "timeout" else f"answered {fault}"
    assert retried in caplog.text
    assert "failed, left for the next pass" in caplog.text
    failed = next(p for p in ("pmid:222", "doi:10.1000/pmc.article") if _pending(db, p))
    again = enrich(db, clients)  # the service is back
    assert (again.failed, again.enriched) == (0, 1)
    assert not _pending(db, failed)


def _pending(db: Database, key: str) -> bool:
    return get_paper(db, key).paper.enrich_status == "pending"
