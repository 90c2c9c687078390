"""`evidence-bot atlas import|export|stats`: keep the local copy of the atlas."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from bot.cli.atlas_sync_cmd import register_sync_commands
from bot.cli.context import AppContext, pass_app
from bot.cli.files import private_text_file
from bot.cli.progress import progress_bar
from bot.cli.tables import cell
from bot.core.cards import EVIDENCE_LEVELS, PEM_LABELS
from records.atlas_io import FORMATS, BadRecord, detect_format, read_records, write_jsonl
from records.atlas_store import (
    UpsertCounts,
    atlas_stats,
    count_entries,
    iter_entries,
    upsert_entries,
)
from records.models import AtlasEntry

BATCH_SIZE = 2000


@click.group("atlas")
def atlas() -> None:
    """Import, export and summarise the local atlas copy."""


register_sync_commands(atlas)


@atlas.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the extension.")
@click.option("--strict", is_flag=True, help="Exit 1 if any record is rejected.")
@pass_app
def import_(app: AppContext, file: Path, fmt: str | None, strict: bool) -> None:
    """Upsert entries from FILE (JSON Lines, JSON array or CSV), reporting every bad record."""
    fmt = fmt or detect_format(file)
    counts, rejected = import_file(app, file, fmt)
    click.echo(
        f"atlas import: {counts.added} added, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {rejected} rejected "
        f"({count_entries(app.db)} entries in the atlas)"
    )
    if rejected and (strict or counts.added + counts.updated + counts.unchanged == 0):
        sys.exit(1)


def import_file(app: AppContext, file: Path, fmt: str) -> tuple[UpsertCounts, int]:
    """Import in batches (one transaction each); print each bad record to stderr."""
    counts = UpsertCounts()
    rejected = 0
    batch: list[AtlasEntry] = []
    total = _count_lines(file) if fmt != "json" else None
    with progress_bar(f"Importing {file.name}", total) as progress:
        for record in read_records(file, fmt):
            progress.advance()
            if isinstance(record, BadRecord):
                rejected += 1
                click.echo(f"{file}:{record.line}: rejected: {record.reason}", err=True)
                continue
            batch.append(record.entry)
            if len(batch) >= BATCH_SIZE:
                counts += upsert_entries(app.db, batch)
                batch = []
        counts += upsert_entries(app.db, batch)
    return counts, rejected


def _count_lines(file: Path) -> int:
    with file.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@atlas.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@pass_app
def export(app: AppContext, file: Path | None) -> None:
    """Write every entry as JSON Lines to FILE (default: stdout)."""
    if file is None:
        write_jsonl(iter_entries(app.db), sys.stdout)
        return
    with private_text_file(file) as handle:
        written = write_jsonl(iter_entries(app.db), handle)
    click.echo(f"atlas export: {written} entries written to {file}", err=True)


@atlas.command("stats")
@pass_app
def stats(app: AppContext) -> None:
    """Entry counts by PEM badge, evidence level and year."""
    console = Console(highlight=False)
    total = count_entries(app.db)
    if total == 0:
        console.print("The atlas is empty: import one with `evidence-bot atlas import FILE`.")
        return
    console.print(f"[bold]{total}[/bold] atlas entries")
    titles = {"pem": "PEM badge", "evidence_level": "Evidence level", "year": "Year"}
    for column, rows in atlas_stats(app.db).items():
        table = Table(title=titles[column])
        table.add_column(titles[column])
        table.add_column("Entries", justify="right")
        for key, number in rows:
            table.add_row(cell(stat_label(column, key)), str(number))
        console.print(table)


def stat_label(column: str, value: str) -> str:
    """What a stored value means: `not_required` → `PEM not required`, `E1` → `E1 Replicated`."""
    if value == "unknown":
        return "not stated"
    if column == "pem":
        return PEM_LABELS.get(value, value)
    if column == "evidence_level" and value in EVIDENCE_LEVELS:
        return f"{value} {EVIDENCE_LEVELS[value]}"
    return value
