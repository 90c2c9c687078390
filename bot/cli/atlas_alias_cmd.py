"""`evidence-bot atlas alias add|remove|list`: the names people use for a study.

Trial names, acronyms and nicknames ("the RIVERA trial", "PACE") live in an entry's `aliases`
(exported and imported with it); search and description matching read them.
"""

from __future__ import annotations

import click

from bot.cli.context import AppContext, pass_app
from records.atlas_store import change_entry_names, entry_names, get_entry
from records.errors import UnknownEntry


@click.group("alias")
def alias() -> None:
    """Names people use for a study: trial names, acronyms, nicknames."""


def _change(
    app: AppContext, slug: str, *, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()
) -> None:
    try:
        names = change_entry_names(app.db, slug, add=add, remove=remove)
    except UnknownEntry:
        raise click.ClickException(f"no atlas entry with slug {slug!r}") from None
    click.echo(f"{slug}: " + ("; ".join(names) if names else "no aliases"))


@alias.command("add")
@click.argument("slug")
@click.argument("names", nargs=-1, required=True)
@pass_app
def add(app: AppContext, slug: str, names: tuple[str, ...]) -> None:
    """Add NAMES (each one quoted) to the study SLUG."""
    if not any(name.strip() for name in names):
        raise click.UsageError("NAMES are empty.")
    _change(app, slug, add=names)


@alias.command("remove")
@click.argument("slug")
@click.argument("names", nargs=-1, required=True)
@pass_app
def remove(app: AppContext, slug: str, names: tuple[str, ...]) -> None:
    """Remove NAMES from the study SLUG (case does not matter)."""
    _change(app, slug, remove=names)


@alias.command("list")
@click.argument("slug", required=False)
@pass_app
def list_(app: AppContext, slug: str | None) -> None:
    """The aliases of SLUG, or of every study that has some."""
    if slug is not None:
        entry = get_entry(app.db, slug.strip().lower())
        if entry is None:
            raise click.ClickException(f"no atlas entry with slug {slug!r}")
        rows = [(entry.id, list(entry.aliases))]
    else:
        rows = list(entry_names(app.db))
    if not rows or not any(names for _, names in rows):
        click.echo("No aliases." if slug is None else f"{slug}: no aliases")
        return
    for entry_id, names in rows:
        click.echo(f"{entry_id}: " + "; ".join(names))
