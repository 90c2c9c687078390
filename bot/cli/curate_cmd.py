"""`evidence-bot curate`: the records database in the browser, read-only, through Datasette."""

from __future__ import annotations

import importlib.util
import ipaddress
import json
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from bot.cli.context import AppContext, no_database, pass_app
from bot.cli.curate_server import DATABASE_NAME
from records.census import ReportMade, latest_report
from records.deployment import snapshot
from records.wording import counted

METADATA_FILE = Path(__file__).resolve().parents[2] / "config" / "datasette.yaml"
TEMPLATE_DATABASE = "records"  # the database's name inside config/datasette.yaml


def datasette_metadata(template: Path, database_name: str = DATABASE_NAME) -> dict[str, Any]:
    """The metadata file's settings, with its `records` section applied to `database_name`."""
    from datasette.utils import parse_metadata  # noqa: PLC0415 - optional extra

    metadata: dict[str, Any] = parse_metadata(template.read_text(encoding="utf-8"))
    databases = metadata.get("databases") or {}
    if TEMPLATE_DATABASE in databases:
        databases[database_name] = databases.pop(TEMPLATE_DATABASE)
    return metadata


def server_command(config_path: Path) -> list[str]:
    """The server process: our interpreter running bot.cli.curate_server."""
    return [sys.executable, "-m", "bot.cli.curate_server", str(config_path)]


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _warn_public(host: str, port: int) -> None:
    """Say loudly that the records are served beyond this machine."""
    for line in (
        "=" * 72,
        f"WARNING: serving the records database on {host}:{port}, which is NOT a loopback",
        "address: anyone who can reach it reads the unmatched-paper log, sightings with",
        "their links, wrong-match reports and the mod-log, without logging in.",
        "Bind to 127.0.0.1 (the default) and use an SSH tunnel or an authenticating proxy.",
        "=" * 72,
    ):
        click.secho(line, err=True, fg="red", bold=True)


def snapshot_path(records_path: Path) -> Path:
    """Where the view's snapshot of a PostgreSQL store lives: beside database.path."""
    return Path(records_path).with_name("curator-snapshot.db")


def _snapshot(app: AppContext, path: Path) -> None:
    """Copy the records (not the salt, not the HTTP cache) into the SQLite file at `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        moved = snapshot(app.db, path)
    finally:
        app.close()
    click.echo(
        f"curate: the records are on PostgreSQL ({app.settings.database.where()}); "
        f"snapshot of {counted(moved.rows, 'row')} written to {path}",
        err=True,
    )


def _serve(config_path: Path, refresh: float | None, make_snapshot: Callable[[], None]) -> int:
    """Run the server until it ends or curate is stopped; every `refresh` seconds make the
    snapshot again and start the server on it afresh (Datasette keeps the file it opened).
    The exit status of the server."""
    running = [subprocess.Popen(server_command(config_path))]  # noqa: S603 - our own module
    # Stopping `curate` (Ctrl-C or SIGTERM) must stop the server it started.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: running[0].terminate())
    try:
        while True:
            try:
                return running[0].wait(timeout=refresh)
            except subprocess.TimeoutExpired:
                make_snapshot()
                running[0].terminate()
                running[0].wait()
                running[0] = subprocess.Popen(server_command(config_path))  # noqa: S603
    except KeyboardInterrupt:
        running[0].terminate()
        return running[0].wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _served_report(report: ReportMade | None) -> dict[str, str] | None:
    """The latest census report to serve beside the records, if its page is still there."""
    if report is None or not (Path(report.folder) / "index.html").is_file():
        return None
    return {"folder": report.folder, "scope": report.scope, "made_at": report.made_at}


@click.command("curate")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="Another host name the view may be opened by (e.g. behind a proxy); repeatable.",
)
@click.option(
    "--metadata",
    "metadata_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=METADATA_FILE,
    show_default=True,
    help="Datasette metadata with canned queries and facets.",
)
@click.option(
    "--refresh-minutes",
    type=click.FloatRange(min=0, min_open=True),
    default=10.0,
    show_default=True,
    help="On a PostgreSQL store: how often the view's snapshot of the records is made again.",
)
@pass_app
def curate(  # noqa: PLR0917 - click passes every option
    app: AppContext,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    metadata_file: Path,
    refresh_minutes: float,
) -> None:
    """Browse the records database read-only: the curator tables and canned queries only,
    with facets and CSV/JSON (no arbitrary SQL, requests for other host names refused).

    Datasette reads SQLite: for records on PostgreSQL it serves a snapshot of them (an SQLite
    file beside database.path), made at the start and again every --refresh-minutes.
    Needs the optional extra: pip install 'evidence-bot[curate]'.
    """
    if importlib.util.find_spec("datasette") is None:
        raise click.ClickException(
            "Datasette is not installed; install the extra: pip install 'evidence-bot[curate]'"
        )
    database = app.settings.database
    on_postgres = database.url is not None
    db_path = snapshot_path(database.path) if on_postgres else Path(database.path)
    if not on_postgres and not db_path.is_file():
        raise no_database(db_path)
    report = latest_report(app.db)  # opening the database applies any pending migration
    if on_postgres:
        _snapshot(app, db_path)
    app.close()  # Datasette reads the file from here on
    if not is_loopback(host):
        _warn_public(host, port)
    config = {
        "db_path": str(db_path.resolve()),
        "metadata": datasette_metadata(metadata_file),
        "host": host,
        "port": port,
        "allowed_hosts": list(allowed_hosts),
        "report": _served_report(report),
    }
    refresh = refresh_minutes * 60 if on_postgres else None
    with tempfile.TemporaryDirectory(prefix="evidence-bot-curate-") as workdir:
        config_path = Path(workdir) / "curate.json"
        config_path.write_text(json.dumps(config), encoding="utf-8")
        click.echo(f"curate: serving {db_path} read-only on http://{host}:{port}/", err=True)
        returncode = _serve(config_path, refresh, lambda: _snapshot(app, db_path))
    if returncode not in (0, -signal.SIGINT, -signal.SIGTERM):
        raise click.ClickException(
            f"the web view stopped with exit code {returncode} (is port {port} in use?)"
        )
