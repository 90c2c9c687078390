"""`evidence-bot curate`: the records database in the browser, read-only, through Datasette."""

from __future__ import annotations

import importlib.util
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from bot.cli.context import AppContext, pass_app

METADATA_FILE = Path(__file__).resolve().parents[2] / "config" / "datasette.yaml"
TEMPLATE_DATABASE = "records"  # the database's name inside config/datasette.yaml


def datasette_metadata(template: Path, database_name: str) -> dict[str, Any]:
    """The metadata file's settings, with its `records` section applied to `database_name`."""
    from datasette.utils import parse_metadata  # noqa: PLC0415 - optional extra

    metadata: dict[str, Any] = parse_metadata(template.read_text(encoding="utf-8"))
    databases = metadata.get("databases") or {}
    if TEMPLATE_DATABASE in databases:
        databases[database_name] = databases.pop(TEMPLATE_DATABASE)
    return metadata


def datasette_command(db_path: Path, metadata_path: Path, *, host: str, port: int) -> list[str]:
    """The `datasette serve` command line: read-only, no database download."""
    return [
        sys.executable, "-m", "datasette", "serve", str(db_path),
        "--metadata", str(metadata_path),
        "--host", host,
        "--port", str(port),
        "--setting", "allow_download", "off",
    ]  # fmt: skip


@click.command("curate")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option(
    "--metadata",
    "metadata_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=METADATA_FILE,
    show_default=True,
    help="Datasette metadata with canned queries and facets.",
)
@pass_app
def curate(app: AppContext, host: str, port: int, metadata_file: Path) -> None:
    """Browse the records database read-only (canned queries for curators, facets, CSV/JSON).

    Needs the optional extra: pip install 'evidence-bot[curate]'.
    """
    if importlib.util.find_spec("datasette") is None:
        raise click.ClickException(
            "Datasette is not installed; install the extra: pip install 'evidence-bot[curate]'"
        )
    db_path = Path(app.settings.database.path)
    if not db_path.is_file():
        raise click.ClickException(
            f"no records database at {db_path}; run `evidence-bot atlas import` or a bot first"
        )
    app.db  # noqa: B018 - opening it applies any pending migration
    app.close()  # Datasette reads the file from here on
    metadata = datasette_metadata(metadata_file, db_path.stem)
    with tempfile.TemporaryDirectory(prefix="evidence-bot-curate-") as workdir:
        metadata_path = Path(workdir) / "metadata.json"
        metadata_path.write_text(json.dumps(metadata), encoding="utf-8")
        click.echo(f"curate: serving {db_path} read-only on http://{host}:{port}/", err=True)
        server = subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
            datasette_command(db_path, metadata_path, host=host, port=port)
        )
        # Stopping `curate` (Ctrl-C or SIGTERM) must stop the server it started.
        previous = signal.signal(signal.SIGTERM, lambda signum, frame: server.terminate())
        try:
            returncode = server.wait()
        except KeyboardInterrupt:
            server.terminate()
            returncode = server.wait()
        finally:
            signal.signal(signal.SIGTERM, previous)
    if returncode not in (0, -signal.SIGINT, -signal.SIGTERM):
        raise click.ClickException(
            f"the web view stopped with exit code {returncode} (is port {port} in use?)"
        )
