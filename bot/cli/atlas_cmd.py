"""`evidence-bot atlas import|export|stats`: keep the local copy of the atlas."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from bot.cli.atlas_alias_cmd import alias
from bot.cli.atlas_deployment import export_whole_deployment, import_whole_deployment
from bot.cli.atlas_sync_cmd import register_sync_commands
from bot.cli.context import AppContext, pass_app
from bot.cli.progress import progress_bar
from bot.cli.tables import cell
from bot.core.cards import EVIDENCE_LEVELS, PEM_LABELS
from bot.core.factory import build_service
from bot.core.refresh import out_of_date
from bot.files import private_text_file
from records import posted_cards
from records.atlas_io import FORMATS, BadRecord, detect_format, read_records, write_jsonl
from records.atlas_store import (
    IDENTIFIER_KINDS,
    UpsertCounts,
    atlas_stats,
    count_entries,
    iter_entries,
    other_entry_with,
    shared_identifiers,
    upsert_entries,
)
from records.models import AtlasEntry
from records.wording import counted

BATCH_SIZE = 2000


@click.group("atlas")
def atlas() -> None:
    """Import, export and summarise the local atlas copy."""


register_sync_commands(atlas)
atlas.add_command(alias)


@atlas.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Default: from the extension.")
@click.option(
    "--strict",
    is_flag=True,
    help="Reject records whose DOI, PMID or PMCID another entry carries; exit 1 if any record "
    "is rejected.",
)
@click.option(
    "--replace",
    is_flag=True,
    help="Overwrite stored entries whole; by default fields a record lacks keep their values.",
)
@click.option(
    "--deployment",
    is_flag=True,
    help="FILE is a whole deployment (atlas export --deployment): load every table into this "
    "new, empty store.",
)
@pass_app
def import_(  # noqa: PLR0917 - click passes every option
    app: AppContext, file: Path, fmt: str | None, strict: bool, replace: bool, deployment: bool
) -> None:
    """Add entries from FILE (JSON Lines, JSON array or CSV) and merge changes into stored
    ones field by field (new values win; fields a record lacks keep theirs), reporting every
    bad record and the fields each updated entry changed."""
    if deployment:
        if fmt or strict or replace:
            raise click.UsageError("--deployment takes no --format, --strict or --replace.")
        import_whole_deployment(app, file)
        return
    fmt = fmt or detect_format(file)
    counts, rejected = import_file(app, file, fmt, strict=strict, replace=replace)
    for entry_id, fields in counts.changed_fields:
        click.echo(f"  updated {entry_id}: {', '.join(fields)}")
    click.echo(
        f"atlas import: {counts.added} added, {counts.updated} updated, "
        f"{counts.unchanged} unchanged, {rejected} rejected "
        f"({counted(count_entries(app.db), 'entry')} in the atlas)"
    )
    if rejected and (strict or counts.added + counts.updated + counts.unchanged == 0):
        sys.exit(1)


def import_file(
    app: AppContext, file: Path, fmt: str, *, strict: bool = False, replace: bool = False
) -> tuple[UpsertCounts, int]:
    """Import in batches (one transaction each); print each bad record to stderr.

    A record sharing a DOI, PMID or PMCID with another entry is imported with a warning
    naming both, or rejected with `strict`.
    """
    counts = UpsertCounts()
    rejected = 0
    batch: list[AtlasEntry] = []
    claimed: dict[tuple[str, str], str] = {}
    total = _count_lines(file) if fmt != "json" else None
    with progress_bar(f"Importing {file.name}", total) as progress:
        for record in read_records(file, fmt):
            progress.advance()
            if isinstance(record, BadRecord):
                rejected += 1
                click.echo(f"{file}:{record.line}: rejected: {record.reason}", err=True)
                continue
            shared = _shared_with_others(app, record.entry, claimed)
            if shared and strict:
                rejected += 1
                click.echo(f"{file}:{record.line}: rejected: {shared}", err=True)
                continue
            if shared:
                click.echo(f"{file}:{record.line}: warning: {shared}", err=True)
            batch.append(record.entry)
            if len(batch) >= BATCH_SIZE:
                counts += upsert_entries(app.db, batch, replace=replace)
                batch = []
        counts += upsert_entries(app.db, batch, replace=replace)
    return counts, rejected


def _shared_with_others(
    app: AppContext, entry: AtlasEntry, claimed: dict[tuple[str, str], str]
) -> str:
    """Why `entry` clashes with another entry (same DOI, PMID or PMCID), or ""."""
    clashes = []
    for kind in IDENTIFIER_KINDS:
        value = getattr(entry, kind)
        if not value:
            continue
        other = claimed.setdefault((kind, value), entry.id)
        if other == entry.id:
            other = other_entry_with(app.db, kind, value, entry.id) or entry.id
        if other != entry.id:
            clashes.append(f"{kind.upper()} {value} is also entry {other}")
    if not clashes:
        return ""
    return (
        f"{entry.id}: {'; '.join(clashes)} (a post citing it gets one of their cards, "
        "a lookup lists both; merge or correct the entries)"
    )


def _count_lines(file: Path) -> int:
    with file.open("rb") as handle:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))


@atlas.command("export")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--deployment",
    is_flag=True,
    help="Every table of the records (replies, logs, settings, the author-hash salt), to move "
    "the whole deployment to another store with atlas import --deployment.",
)
@pass_app
def export(app: AppContext, file: Path | None, deployment: bool) -> None:
    """Write every entry as JSON Lines to FILE (default: stdout)."""
    if deployment:
        if file is None:
            raise click.UsageError("--deployment needs a FILE (it holds the deployment's salt).")
        export_whole_deployment(app, file)
        return
    if file is None:
        write_jsonl(iter_entries(app.db), sys.stdout)
        return
    with private_text_file(file) as handle:
        written = write_jsonl(iter_entries(app.db), handle)
    click.echo(f"atlas export: {counted(written, 'entry')} written to {file}", err=True)


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
    _posted_cards_line(app, console)
    shared = shared_identifiers(app.db)
    if shared:
        console.print(
            f"Warning: {counted(len(shared), 'identifier')} carried by several entries "
            "(a post citing one gets only one card; merge or correct the entries):"
        )
        for kind, value, ids in shared:
            console.print(cell(f"  {kind.upper()} {value}: {', '.join(ids)}"))


def _posted_cards_line(app: AppContext, console: Console) -> None:
    """How many posted cards show a study that changed since (`cards refresh` edits them)."""
    if not posted_cards.posted_cards(app.db):
        return
    stale = out_of_date(build_service(app.db, app.settings))
    console.print(
        f"{counted(len(stale), 'posted card')} out of date"
        + (" (`evidence-bot cards refresh` edits them)" if stale else "")
    )


def stat_label(column: str, value: str) -> str:
    """What a stored value means: `not_required` → `PEM not required`, `E1` → `E1 Replicated`."""
    if value == "unknown":
        return "not stated"
    if column == "pem":
        return PEM_LABELS.get(value, value)
    if column == "evidence_level" and value in EVIDENCE_LEVELS:
        return f"{value} {EVIDENCE_LEVELS[value]}"
    return value
