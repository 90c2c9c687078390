"""Fake Crossref, NCBI and Europe PMC answering from a small table of papers.

The same handler serves httpx.MockTransport (unit tests) and a real HTTP server on
127.0.0.1 (command-line tests). Services are told apart by path prefix, so base URLs look
like `<root>/crossref`. Failures can be queued per service to test retries.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

import httpx

from config.settings import EnrichSettings

SERVICES = ("crossref", "idconv", "eutils", "europepmc")


@dataclass
class FakePaper:
    """One paper as the services know it."""

    doi: str
    title: str
    pmid: str | None = None
    pmcid: str | None = None
    authors: list[tuple[str, str]] = field(default_factory=lambda: [("Lee", "Jin")])
    year: int = 2024
    journal: str = "Journal of Tests"
    retracted: bool = False
    corrected: bool = False
    open_access: bool = False
    # Where and by whom it was published, as Crossref and Europe PMC give it.
    affiliation: str | None = None
    journal_abbrev: str | None = None
    volume: str | None = None
    article_number: str | None = None
    keywords: list[str] = field(default_factory=list)


@dataclass
class FakeClock:
    """A monotonic clock that only moves when something sleeps."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def settings_for(root: str, **overrides: Any) -> EnrichSettings:
    """EnrichSettings pointing every service at the fake under `root`."""
    values: dict[str, Any] = {
        "crossref_url": f"{root}/crossref",
        "ncbi_idconv_url": f"{root}/idconv",
        "ncbi_eutils_url": f"{root}/eutils",
        "europepmc_url": f"{root}/europepmc",
        "mailto": "curators@example.org",
        "max_retries": 2,
        **overrides,
    }
    return EnrichSettings.model_validate(values)


class FakeServices:
    """The four services over one list of papers, recording every request."""

    def __init__(self, papers: list[FakePaper]) -> None:
        self.papers = papers
        self.requests: list[httpx.Request] = []
        self._failures: dict[str, deque[str]] = defaultdict(deque)
        self._answers: dict[str, deque[httpx.Response]] = defaultdict(deque)
        self._lock = threading.Lock()

    def fail(self, service: str, how: str, times: int = 1) -> None:
        """Make the next `times` requests to `service` fail: timeout, 429, 503, malformed."""
        self._failures[service].extend([how] * times)

    def answer_next(self, service: str, response: httpx.Response, times: int = 1) -> None:
        """Answer the next `times` requests to `service` with `response` (a hostile answer)."""
        self._answers[service].extend([response] * times)

    def count(self, service: str) -> int:
        """Requests that reached `service`."""
        return sum(1 for r in self.requests if self.service_of(r) == service)

    @staticmethod
    def service_of(request: httpx.Request) -> str:
        return next(s for s in SERVICES if f"/{s}" in request.url.path)

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The MockTransport handler."""
        with self._lock:
            self.requests.append(request)
            service = self.service_of(request)
            failure = self._failures[service].popleft() if self._failures[service] else None
            scripted = self._answers[service].popleft() if self._answers[service] else None
        if scripted is not None:
            return scripted
        if failure == "timeout":
            raise httpx.ReadTimeout("timed out", request=request)
        if failure == "429":
            return httpx.Response(429, headers={"Retry-After": "7"}, text="slow down")
        if failure == "503":
            return httpx.Response(503, text="unavailable")
        if failure == "malformed":
            return httpx.Response(200, text='{"message": {"title": [', headers=_JSON)
        answer = getattr(self, f"_{service}")(request)
        if answer is None:
            return httpx.Response(404, json={"status": "error", "message": "not found"})
        return httpx.Response(200, json=answer)

    def _find(self, **where: str | None) -> FakePaper | None:
        for paper in self.papers:
            if all(
                getattr(paper, k) is not None and getattr(paper, k) == v for k, v in where.items()
            ):
                return paper
        return None

    def _crossref(self, request: httpx.Request) -> dict[str, Any] | None:
        path = request.url.path
        if path.endswith("/works"):
            words = request.url.params["query.bibliographic"].lower()
            items = [crossref_work(p) for p in self.papers if p.title.lower() in words]
            return {"status": "ok", "message": {"items": items}}
        doi = unquote(path.split("/works/", 1)[1]).lower()
        paper = self._find(doi=doi)
        return {"status": "ok", "message": crossref_work(paper)} if paper else None

    def _idconv(self, request: httpx.Request) -> dict[str, Any]:
        wanted = request.url.params["ids"]
        paper = self._find(doi=wanted) or self._find(pmid=wanted) or self._find(pmcid=wanted)
        if paper is None or paper.pmcid is None:  # the converter knows PMC articles only
            record: dict[str, Any] = {"requested-id": wanted, "status": "error",
                                      "errmsg": "invalid article id"}  # fmt: skip
        else:
            record = {"requested-id": wanted, "doi": paper.doi, "pmid": int(paper.pmid or 0),
                      "pmcid": paper.pmcid}  # fmt: skip
        return {"status": "ok", "records": [record]}

    def _eutils(self, request: httpx.Request) -> dict[str, Any]:
        params = request.url.params
        if request.url.path.endswith("esearch.fcgi"):
            doi = params["term"].removesuffix("[doi]")
            paper = self._find(doi=doi)
            ids = [paper.pmid] if paper and paper.pmid else []
            return {"esearchresult": {"count": str(len(ids)), "idlist": ids}}
        pmid = params["id"]
        paper = self._find(pmid=pmid)
        if paper is None:
            return {
                "result": {"uids": [], pmid: {"uid": pmid, "error": "cannot get document summary"}}
            }
        return {"result": {"uids": [pmid], pmid: eutils_summary(paper)}}

    def _europepmc(self, request: httpx.Request) -> dict[str, Any]:
        query = request.url.params["query"]
        paper = None
        if match := re.fullmatch(r'DOI:"(.+)"', query):
            paper = self._find(doi=match[1].lower())
        elif match := re.fullmatch(r"EXT_ID:(\d+) AND SRC:MED", query):
            paper = self._find(pmid=match[1])
        elif match := re.fullmatch(r"PMCID:(PMC\d+)", query):
            paper = self._find(pmcid=match[1])
        elif match := re.fullmatch(r'TITLE:"(.+)"', query):
            words = match[1].lower()
            found = [p for p in self.papers if words in p.title.lower()]
            paper = found[0] if found else None
        results = [europepmc_result(paper)] if paper else []
        return {"hitCount": len(results), "resultList": {"result": results}}


_JSON = {"content-type": "application/json"}


def crossref_work(paper: FakePaper) -> dict[str, Any]:
    work: dict[str, Any] = {
        "DOI": paper.doi.upper(),
        "type": "journal-article",
        "title": [f"<i>{paper.title}</i>"],
        "author": [{"family": f, "given": g, "sequence": "first"} for f, g in paper.authors],
        "container-title": [paper.journal],
        "issued": {"date-parts": [[paper.year, 5, 2]]},
    }
    # Crossref work fields (https://api.crossref.org/swagger-ui/index.html, `Work`):
    # `author[].affiliation[].name`, `short-container-title`, `volume`, `article-number`.
    if paper.affiliation:
        for author in work["author"]:
            author["affiliation"] = [{"name": paper.affiliation}]
    if paper.journal_abbrev:
        work["short-container-title"] = [paper.journal_abbrev]
    if paper.volume:
        work["volume"] = paper.volume
    if paper.article_number:
        work["article-number"] = paper.article_number
    updates = []
    if paper.retracted:
        updates.append({"DOI": f"{paper.doi}.retraction", "type": "retraction",
                        "label": "Retraction", "source": "retraction-watch",
                        "updated": {"date-parts": [[paper.year + 1, 3, 4]]}})  # fmt: skip
    if paper.corrected:
        updates.append({"DOI": f"{paper.doi}.erratum", "type": "correction",
                        "label": "Correction", "updated": {"date-parts": [[paper.year, 9]]}})  # fmt: skip
    if updates:
        work["updated-by"] = updates
    return work


def eutils_summary(paper: FakePaper) -> dict[str, Any]:
    pubtypes = ["Journal Article", *(["Retracted Publication"] if paper.retracted else [])]
    ids = [{"idtype": "pubmed", "value": paper.pmid}, {"idtype": "doi", "value": paper.doi}]
    if paper.pmcid:
        ids.append({"idtype": "pmc", "value": paper.pmcid})
    return {
        "uid": paper.pmid,
        "title": paper.title + ".",
        "authors": [{"name": f"{f} {g[0]}", "authtype": "Author"} for f, g in paper.authors],
        "fulljournalname": paper.journal,
        "pubdate": f"{paper.year} May 2",
        "pubtype": pubtypes,
        "articleids": ids,
    }


def europepmc_result(paper: FakePaper) -> dict[str, Any]:
    result: dict[str, Any] = {
        "id": paper.pmid or paper.doi,
        "source": "MED",
        "doi": paper.doi,
        "title": paper.title + ".",
        "authorString": ", ".join(f"{f} {g[0]}" for f, g in paper.authors) + ".",
        "journalInfo": {"journal": {"title": paper.journal}},
        "pubYear": str(paper.year),
        "pubTypeList": {"pubType": ["research-article", "Journal Article",
                                    *(["Retracted Publication"] if paper.retracted else [])]},
        "isOpenAccess": "Y" if paper.open_access else "N",
    }  # fmt: skip
    if paper.pmid:
        result["pmid"] = paper.pmid
    if paper.pmcid:
        result["pmcid"] = paper.pmcid
    # Europe PMC core result fields (https://europepmc.org/RestfulWebService, resultType=core):
    # journalInfo.volume / journal.isoabbreviation, keywordList, authorList with affiliations.
    if paper.volume:
        result["journalInfo"]["volume"] = paper.volume
    if paper.journal_abbrev:
        result["journalInfo"]["journal"]["isoabbreviation"] = paper.journal_abbrev
    if paper.keywords:
        result["keywordList"] = {"keyword": paper.keywords}
    if paper.affiliation:
        result["authorList"] = {"author": [
            {"lastName": f, "firstName": g, "authorAffiliationDetailsList": {
                "authorAffiliation": [{"affiliation": paper.affiliation}]}}
            for f, g in paper.authors
        ]}  # fmt: skip
    if paper.open_access and paper.pmcid:
        result["fullTextUrlList"] = {"fullTextUrl": [
            {"availability": "Subscription required", "documentStyle": "doi",
             "url": f"https://doi.org/{paper.doi}"},
            {"availability": "Open access", "documentStyle": "pdf",
             "url": f"https://europepmc.org/articles/{paper.pmcid}?pdf=render"},
            {"availability": "Open access", "documentStyle": "html",
             "url": f"https://europepmc.org/articles/{paper.pmcid}"},
        ]}  # fmt: skip
    if paper.retracted and paper.pmid:
        result["commentCorrectionList"] = {"commentCorrection": [
            {"id": str(int(paper.pmid) + 1), "source": "MED", "type": "Retraction in",
             "reference": f"J Tests. {paper.year + 1}", "orientation": "to"},
        ]}  # fmt: skip
    return result


@contextmanager
def serve_over_http(services: FakeServices) -> Iterator[str]:
    """Serve the fakes on a real 127.0.0.1 port; yield the root URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            request = httpx.Request("GET", f"http://{self.headers['Host']}{self.path}",
                                    headers=dict(self.headers.items()))  # fmt: skip
            response = services.handler(request)
            body = response.content
            self.send_response(response.status_code)
            for name, value in response.headers.items():
                if name.lower() not in ("content-length", "content-encoding"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
