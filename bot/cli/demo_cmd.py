"""`evidence-bot demo`: the bundled sample atlas in a fresh demo database."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import click

from bot.cli.atlas_cmd import import_file, stats
from bot.cli.context import AppContext, pass_app

DEMO_DB = Path("data/demo.db")


def sample_path(name: str) -> Path:
    """A file bundled in config/sample/."""
    return Path(str(resources.files("config") / "sample" / name))


@click.command("demo")
@click.pass_context
@pass_app
def demo(app: AppContext, ctx: click.Context) -> None:
    """Import the sample atlas into a fresh demo database and summarise it."""
    db_path = app.db_path or DEMO_DB
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    app.db_path = db_path
    atlas_file = sample_path("atlas.jsonl")
    counts, rejected = import_file(app, atlas_file, "jsonl")
    click.echo(f"Imported the sample atlas: {counts.added} entries, {rejected} rejected.")
    ctx.invoke(stats)
