"""A metadata service can be hostile (issue 17): odd shapes, huge or trickled answers,
redirects elsewhere, and claims only it makes. Each costs one failed attempt at most."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from bot.enrich.clients import MetadataClients, build_clients
from bot.enrich.worker import enrich
from bot.http import stack as http_stack
from bot.http.client import any_host, polite_client
from bot.http.limits import RetryPolicy
from bot.http.transport import PoliteTransport
from records.atlas_store import find_entry_id
from records.db import Database
from records.retractions import entry_flags
from records.unmatched import get_paper
from tests.enrich.conftest import ROOT, clients_over
from tests.enrich.fakes import FakeClock, FakePaper, FakeServices, crossref_work, settings_for
from tests.unmatched.helpers import add_entry, mention

SECRET = "s3cr3t-ncbi-key"


def _pending_with_error(db: Database, key: str) -> str:
    paper = get_paper(db, key).paper
    assert (paper.enrich_status, paper.enrich_attempts) == ("pending", 1)
    assert paper.enrich_error is not None
    return paper.enrich_error


@pytest.mark.parametrize(
    ("service", "body", "key"),
    [
        ("crossref", {"status": "ok", "message": {"DOI": "10.1000/pubmed.only",
                                                   "published": [2024]}}, "doi:10.1000/pubmed.only"),
        ("eutils", {"result": {"222": {"uid": "222", "pubtype": 5}}}, "pmid:222"),
        ("europepmc", {"resultList": {"result": [{"pmid": "222", "pubTypeList": {"pubType": 5}}]}},
         "pmid:222"),
        ("idconv", {"records": "none"}, "pmid:222"),
    ],
)  # fmt: skip
def test_valid_json_of_an_unexpected_shape_is_a_failed_attempt_not_a_crash(  # noqa: PLR0917
    db: Database,
    clients: MetadataClients,
    services: FakeServices,
    service: str,
    body: dict[str, Any],
    key: str,
) -> None:
    kind, value = key.split(":", 1)
    mention(db, kind, value)
    services.answer_next(service, httpx.Response(200, json=body), times=5)
    summary = enrich(db, clients)
    assert summary.failed == 1
    error = _pending_with_error(db, key)
    assert error.startswith(f"{clients_service(service)}: unexpected")


def clients_service(service: str) -> str:
    return {"eutils": "ncbi-eutils", "idconv": "ncbi-idconv"}.get(service, service)


def test_an_answer_over_two_megabytes_is_refused(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    mention(db, "doi", "10.1000/pubmed.only")
    padding = {"status": "ok", "message": {"DOI": "10.1000/x", "title": ["x" * 2_100_000]}}
    services.answer_next("crossref", httpx.Response(200, json=padding))
    enrich(db, clients)
    assert "more than 2000000 allowed" in _pending_with_error(db, "doi:10.1000/pubmed.only")


def test_a_redirect_to_another_host_is_not_followed_and_the_api_key_stays_home(
    db: Database, services: FakeServices, clock: FakeClock
) -> None:
    built = build_clients(
        settings_for(ROOT, ncbi_api_key=SECRET),
        db,
        transport_factory=lambda: httpx.MockTransport(services.handler),
        clock=clock,
        sleep=clock.sleep,
        retry=RetryPolicy(max_retries=0),
    )
    away = f"https://elsewhere.test/eutils/esummary.fcgi?db=pubmed&id=222&api_key={SECRET}"
    services.answer_next("eutils", httpx.Response(302, headers={"Location": away}))
    mention(db, "pmid", "222")
    try:
        enrich(db, built)
    finally:
        built.close()
    assert all(request.url.host == "fake.test" for request in services.requests)
    error = _pending_with_error(db, "pmid:222")
    assert "not followed" in error
    assert SECRET not in error


def test_a_redirect_within_the_service_is_followed(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    moved = f"{ROOT}/crossref/works/10.1000%2Fpubmed.only?moved=1"
    services.answer_next("crossref", httpx.Response(301, headers={"Location": moved}))
    mention(db, "doi", "10.1000/pubmed.only")
    assert enrich(db, clients).enriched == 1
    assert any("moved=1" in str(request.url) for request in services.requests)


def test_secrets_never_cross_to_another_host_even_where_redirects_are_allowed() -> None:
    seen: list[httpx.URL] = []

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        if request.url.host == "a.test":
            return httpx.Response(302, headers={"Location": "https://b.test/x?api_key=k&id=1"})
        return httpx.Response(200)

    transport = PoliteTransport(httpx.MockTransport(handle), retry=RetryPolicy(max_retries=0))
    with polite_client(transport, user_agent="t", timeout=5, may_redirect=any_host) as client:
        client.get("https://a.test/start?api_key=k")
    assert [str(url) for url in seen] == ["https://a.test/start?api_key=k", "https://b.test/x?id=1"]


@dataclass
class Trickle:
    """What the trickling server managed: the root URL, and whether it sent everything."""

    root: str
    finished: threading.Event


@contextmanager
def trickling_server(body: bytes, *, headers_too: bool = False) -> Iterator[Trickle]:
    """A server that sends its answer (with `headers_too`, its status line and headers as
    well) one byte every 0.2 s; after 40 bytes it sends the rest, if the client is still
    there to take it."""
    release = threading.Event()
    finished = threading.Event()
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
    )

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            payload = head + body if headers_too else body
            try:
                if not headers_too:
                    self.wfile.write(head)
                for index in range(40):
                    self.wfile.write(payload[index : index + 1])
                    self.wfile.flush()
                    if release.wait(0.2):
                        return
                self.wfile.write(payload[index + 1 :])
                self.wfile.flush()
                finished.set()
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield Trickle(f"http://127.0.0.1:{server.server_address[1]}", finished)
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_service_trickling_its_answer_is_left_at_the_request_deadline(
    db: Database, monkeypatch: pytest.MonkeyPatch, headers_too: bool
) -> None:
    monkeypatch.setattr(http_stack, "MIN_REQUEST_DEADLINE", 1.0)
    work = crossref_work(FakePaper(doi="10.1000/slow", title="Slow"))
    body = httpx.Response(200, json={"status": "ok", "message": work}).content
    with trickling_server(body, headers_too=headers_too) as trickle:
        built = build_clients(
            settings_for(trickle.root, timeout_seconds=0.5), db, retry=RetryPolicy(max_retries=0)
        )
        mention(db, "doi", "10.1000/slow")
        try:
            enrich(db, built)
        finally:
            built.close()
        # The client hung up at its deadline: the server never got to send the whole answer
        # (a grace second lets a server that did finish say so).
        trickle.finished.wait(1)
        assert not trickle.finished.is_set()
    assert "request deadline" in _pending_with_error(db, "doi:10.1000/slow")


def test_a_pass_stops_at_its_deadline_and_leaves_the_rest_pending(
    db: Database, clients: MetadataClients
) -> None:
    for value in ("10.1000/pmc.article", "10.1000/pubmed.only", "10.1000/crossref.only"):
        mention(db, "doi", value)
    now = [0.0]
    summary = enrich(
        db,
        clients,
        advance=lambda: now.__setitem__(0, now[0] + 100),
        deadline_seconds=150,
        clock=lambda: now[0],
    )
    assert (summary.papers, summary.out_of_time) == (2, True)
    assert "the pass reached its deadline" in summary.line()
    pending = [p for p in ("10.1000/pmc.article", "10.1000/pubmed.only", "10.1000/crossref.only")
               if get_paper(db, f"doi:{p}").paper.enrich_status == "pending"]  # fmt: skip
    assert len(pending) == 1


def test_a_crosswalk_only_one_service_reports_makes_no_alias(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    # The atlas has the article under its DOI; a PMID mention is crosswalked to it by
    # Europe PMC alone (PubMed and the ID converter are down), and the titles differ.
    add_entry(db, "roe-2024-exercise", doi="10.1000/pubmed.only", title="Something else")
    services.fail("eutils", "503", times=10)
    services.fail("idconv", "503", times=10)
    mention(db, "pmid", "222")
    summary = enrich(db, clients)
    assert summary.resolved == 0
    assert find_entry_id(db, "pmid", "222") is None


def test_a_crosswalk_two_services_report_becomes_an_alias(
    db: Database, clients: MetadataClients
) -> None:
    add_entry(db, "roe-2024-exercise", doi="10.1000/pubmed.only", title="Something else")
    mention(db, "pmid", "222")
    assert enrich(db, clients).resolved == 1
    assert find_entry_id(db, "pmid", "222") == "roe-2024-exercise"


def test_a_retraction_only_one_service_claims_for_another_title_is_not_stored(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    add_entry(
        db, "lee-2024-brain", doi="10.1000/pmc.article", title="Brain regional changes in ME/CFS"
    )
    claim = crossref_work(
        FakePaper(doi="10.1000/pmc.article", title="Some other paper entirely", retracted=True)
    )
    services.answer_next("crossref", httpx.Response(200, json={"status": "ok", "message": claim}))
    enrich(db, clients)
    assert entry_flags(db, "lee-2024-brain") == []


def test_a_retraction_from_a_record_with_the_entrys_title_is_stored(
    db: Database, clients: MetadataClients, services: FakeServices
) -> None:
    add_entry(
        db, "lee-2024-brain", doi="10.1000/pmc.article", title="Brain regional changes in ME/CFS"
    )
    claim = crossref_work(
        FakePaper(
            doi="10.1000/pmc.article", title="Brain regional changes in ME/CFS", retracted=True
        )
    )
    services.answer_next("crossref", httpx.Response(200, json={"status": "ok", "message": claim}))
    enrich(db, clients)
    assert [flag.kind for flag in entry_flags(db, "lee-2024-brain")] == ["retraction"]


def test_a_long_retry_after_never_waits_past_the_pass_deadline(
    db: Database, clock: FakeClock
) -> None:
    # Crossref's busy answer (its API docs: 429 with Retry-After) just under the 300 s cap.
    def busy(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "299"}, json={"status": "error"})

    for n in range(3):
        mention(db, "doi", f"10.1000/busy.{n}")
    built = clients_over(busy, db, clock, max_retries=3)
    start = clock.now
    try:
        summary = enrich(db, built, deadline_seconds=600, clock=clock)
    finally:
        built.close()
    assert clock.now - start <= 600
    assert summary.out_of_time
    # Running out of time is not the papers' failure: nothing counts against them.
    for n in range(3):
        paper = get_paper(db, f"doi:10.1000/busy.{n}").paper
        assert (paper.enrich_status, paper.enrich_attempts) == ("pending", 0)
