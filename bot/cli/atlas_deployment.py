"""`atlas export --deployment` / `atlas import --deployment`: a whole deployment moved between
stores (SQLite and PostgreSQL, either way), every table, nothing lost (records.deployment)."""

from __future__ import annotations

from pathlib import Path

import click

from bot.cli.context import AppContext
from bot.files import private_text_file
from records.deployment import Moved, export_deployment, import_deployment
from records.errors import DeploymentFileError
from records.wording import counted


def export_whole_deployment(app: AppContext, file: Path) -> None:
    """Write every table to FILE (owner-only: it carries the salt of author hashes)."""
    with private_text_file(file) as handle:
        moved = export_deployment(app.db, handle)
    click.echo(f"atlas export --deployment: {_summary(moved)} written to {file}", err=True)


def import_whole_deployment(app: AppContext, file: Path) -> None:
    """Load FILE into the (new, empty) store, all or nothing."""
    try:
        with file.open(encoding="utf-8") as handle:
            moved = import_deployment(app.db, handle)
    except DeploymentFileError as exc:
        raise click.ClickException(f"{file}: {exc}") from exc
    click.echo(f"atlas import --deployment: {_summary(moved)} loaded from {file}", err=True)


def _summary(moved: Moved) -> str:
    tables = sum(1 for rows in moved.tables.values() if rows)
    return f"{counted(moved.rows, 'row')} of {counted(tables, 'table')}"
