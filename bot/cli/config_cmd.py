"""`evidence-bot config check`: the effective settings, secrets masked."""

from __future__ import annotations

import json

import click

from bot.cli.context import AppContext, pass_app
from config.settings import settings_read


@click.group("config")
def config_group() -> None:
    """Inspect the settings."""


@config_group.command("check")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of TOML-like text.")
@pass_app
def check(app: AppContext, as_json: bool) -> None:
    """Validate the settings and print them with every secret masked."""
    # SecretStr dumps as '**********' in JSON mode, so secrets cannot leak from here.
    dumped = app.settings.model_dump(mode="json")
    if as_json:
        click.echo(json.dumps(dumped, indent=2, sort_keys=True))
        return
    for section, values in dumped.items():
        click.echo(f"[{section}]")
        for name, value in values.items():
            click.echo(f"{name} = {json.dumps(value)}")
        click.echo()
    for line in settings_read(app.config_file):
        click.echo(f"read {line}", err=True)
    click.echo("settings OK", err=True)
