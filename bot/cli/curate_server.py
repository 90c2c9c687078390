"""The curators' web view: Datasette over the records database, fenced in.

Run by `evidence-bot curate` as `python -m bot.cli.curate_server CONFIG.json` so that stopping
the command stops the server. What it adds to a plain `datasette serve`:

- the database is always named `evidence`, whatever its file is called;
- only the curator tables can be browsed; every other table (opt-outs, reply log, crawl
  state, caches) is hidden and refused, and no arbitrary SQL runs: only canned queries;
- a request whose Host header names another host is refused, so a web page cannot reach the
  view through DNS rebinding (https://en.wikipedia.org/wiki/DNS_rebinding);
- times are shown as dates, each paper links to its sightings, the home page lists the
  canned queries, and a canned query's SQL is folded below its results.
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from records.db import table_names as table_names  # noqa: PLC0414 - re-exported

DATABASE_NAME = "evidence"
PLUGIN_NAME = "evidence_bot_curate"
CURATOR_TABLES = frozenset(
    {
        "unmatched_papers",
        "sightings",
        "wrong_match_reports",
        "entry_flags",
        "atlas_entries",
        "aliases",
        "mod_log",
    }
)
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# Datasette shows a canned query's SQL above its results; curators want the results first.
# Moves the SQL form into a closed <details> after the results (a page without scripts
# keeps Datasette's layout).
FOLD_SQL_SCRIPT = """
(function () {
  var form = document.querySelector("form.sql");
  if (!form || !/(^|\\s)query-/.test(document.body.className)) { return; }
  var after = document.querySelector(".table-wrapper") || document.querySelector(".zero-results");
  var folded = document.createElement("details");
  folded.className = "evidence-sql";
  var summary = document.createElement("summary");
  summary.textContent = "The SQL of this query";
  folded.appendChild(summary);
  (after || form).insertAdjacentElement("afterend", folded);
  folded.appendChild(form);
})();
"""
_ISO_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)?")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]


REPORT_MOUNT = "census"  # the latest `evidence-bot report` is served under /census/


def fenced_metadata(
    metadata: dict[str, Any], table_names: list[str], report: dict[str, str] | None = None
) -> dict[str, Any]:
    """`metadata` (with its database section under DATABASE_NAME) made safe to serve.

    Every table that is not a curator table is hidden and refused (`allow: false`), arbitrary
    SQL is off for the database (canned queries still run), and the home page links to every
    canned query. (FOLD_SQL_SCRIPT folds each query's SQL below its results.)
    """
    fenced: dict[str, Any] = json.loads(json.dumps(metadata))
    fenced["allow_sql"] = False
    database = fenced.setdefault("databases", {}).setdefault(DATABASE_NAME, {})
    database["allow_sql"] = False
    tables = database.setdefault("tables", {})
    for name in table_names:
        if name not in CURATOR_TABLES:
            tables[name] = {**tables.get(name, {}), "hidden": True, "allow": False}
    queries = database.get("queries", {})
    links = "".join(
        f'<li><a href="/{DATABASE_NAME}/{quote(name)}">{_html(query.get("title", name))}</a>'
        f"{': ' + _html(query['description']) if query.get('description') else ''}</li>"
        for name, query in queries.items()
    )
    intro = _html(fenced.get("description", ""))
    fenced.pop("description", None)
    census = (
        f'<p><a href="/{REPORT_MOUNT}/index.html">The latest citation census</a> '
        f"({_html(report['scope'])}, made {_html(readable_time(report['made_at']))}): charts, "
        f'the <a href="/{REPORT_MOUNT}/atlas-queue.csv">atlas queue</a> and its numbers.</p>'
        if report
        else ""
    )
    fenced["description_html"] = (
        f"<p>{intro}</p>{census}<h2>Start here</h2><ul>{links}</ul>"
        f'<p>Or browse the tables of <a href="/{DATABASE_NAME}">{DATABASE_NAME}</a>.</p>'
    )
    return fenced


def _html(text: str) -> str:
    from markupsafe import escape  # noqa: PLC0415 - comes with the optional extra

    return str(escape(text))


def allowed_host_names(host: str, extra: list[str]) -> frozenset[str]:
    """Host names a request may carry: the bound address, loopback names, and `extra`."""
    names = {host.lower().strip("[]"), *(name.lower() for name in extra)}
    if host in LOOPBACK_NAMES or host.startswith("127."):
        names |= LOOPBACK_NAMES
    return frozenset(names)


def host_name(header: str) -> str:
    """`example.org` from `example.org:8001`, `::1` from `[::1]:8001`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostCheck:
    """ASGI middleware: answer 421 to any request whose Host is not an allowed name."""

    def __init__(self, app: App, allowed: frozenset[str]) -> None:
        self._app = app
        self._allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass allowed requests (and lifespan events) on; refuse the rest."""
        if scope["type"] in ("http", "websocket"):
            headers = dict(scope.get("headers") or [])
            name = host_name(headers.get(b"host", b"").decode("latin-1"))
            if name not in self._allowed:
                await _refuse(send, name)
                return
        await self._app(scope, receive, send)


async def _refuse(send: Send, name: str) -> None:
    body = (
        f"This curator view does not answer for host {name!r}. Open it by the address it "
        "was started on (evidence-bot curate --allowed-host NAME adds a name).\n"
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 421,
            "headers": [(b"content-type", b"text/plain; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body})


def render_cell(row: Any, value: Any, column: str, table: str | None) -> str | None:
    """HTML for a cell, or None for Datasette's own rendering.

    ISO times become `2026-03-21 10:00 UTC`; in canned queries a paper's key links to its
    row and its mention count to its sightings.
    """
    from markupsafe import Markup  # noqa: PLC0415 - comes with the optional extra

    if isinstance(value, str) and _ISO_TIME.fullmatch(value):
        return Markup('<time datetime="{}">{}</time>').format(value, readable_time(value))
    key = _row_value(row, "key")
    if table is None and isinstance(key, str) and key:
        if column == "key":
            url = f"/{DATABASE_NAME}/unmatched_papers/{_tilde(key)}"
            return Markup('<a href="{}">{}</a>').format(url, key)
        if column in ("mentions", "mention_count"):
            url = f"/{DATABASE_NAME}/sightings?paper_key={quote(key, safe='')}"
            return Markup('<a href="{}" title="every sighting">{}</a>').format(url, value)
    if table == "unmatched_papers" and column == "mention_count" and isinstance(key, str):
        url = f"/{DATABASE_NAME}/sightings?paper_key={quote(key, safe='')}"
        return Markup('<a href="{}" title="every sighting">{}</a>').format(url, value)
    return None


def readable_time(value: str) -> str:
    """`2026-03-21T10:00:00+00:00` → `2026-03-21 10:00 UTC` (naive times are UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _row_value(row: Any, column: str) -> Any:
    try:
        return row[column]
    except (KeyError, IndexError, TypeError):
        return None


def _tilde(value: str) -> str:
    from datasette.utils import tilde_encode  # noqa: PLC0415 - comes with the optional extra

    return str(tilde_encode(value))


def _plugin() -> type:
    """A plugin class carrying the render_cell hook, for Datasette's plugin manager."""
    from datasette import hookimpl  # noqa: PLC0415 - comes with the optional extra

    class EvidenceBotCurate:
        @staticmethod
        @hookimpl  # type: ignore[untyped-decorator]
        def render_cell(row: Any, value: Any, column: str, table: str | None) -> str | None:
            return render_cell(row, value, column, table)

        @staticmethod
        @hookimpl  # type: ignore[untyped-decorator]
        def extra_body_script(template: str) -> str | None:
            return FOLD_SQL_SCRIPT if template == "query.html" else None

    return EvidenceBotCurate


def build_app(
    db_path: Path,
    metadata: dict[str, Any],
    *,
    host: str,
    allowed_hosts: list[str],
    report: dict[str, str] | None = None,
) -> App:
    """The fenced Datasette application for `db_path`."""
    from datasette.app import Datasette  # noqa: PLC0415 - comes with the optional extra
    from datasette.database import Database  # noqa: PLC0415
    from datasette.plugins import pm  # noqa: PLC0415

    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(_plugin(), name=PLUGIN_NAME)
    fenced = fenced_metadata(metadata, table_names(db_path), report)
    datasette = Datasette(
        [],
        metadata=fenced,
        settings={"allow_download": False, "default_allow_sql": False},
        static_mounts=[(REPORT_MOUNT, report["folder"])] if report else None,
    )
    datasette.add_database(Database(datasette, path=str(db_path)), name=DATABASE_NAME)
    asyncio.run(datasette.invoke_startup())
    app: App = datasette.app()
    return HostCheck(app, allowed_host_names(host, allowed_hosts))


def main(argv: list[str]) -> None:
    """`python -m bot.cli.curate_server CONFIG.json`: serve until stopped."""
    import uvicorn  # noqa: PLC0415 - comes with the optional extra

    config = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    app = build_app(
        Path(config["db_path"]),
        config["metadata"],
        host=config["host"],
        allowed_hosts=config["allowed_hosts"],
        report=config.get("report"),
    )
    uvicorn.run(app, host=config["host"], port=config["port"], log_level="info", lifespan="on")


if __name__ == "__main__":
    main(sys.argv[1:])
