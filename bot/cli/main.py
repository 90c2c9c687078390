"""`evidence-bot`: one program, one subcommand per job (see `evidence-bot --help`)."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from bot.cli.atlas_cmd import atlas
from bot.cli.cards_cmd import cards
from bot.cli.config_cmd import config_group
from bot.cli.context import AppContext
from bot.cli.curate_cmd import curate
from bot.cli.demo_cmd import demo
from bot.cli.enrich_cmd import enrich_command
from bot.cli.entry import INTERRUPTED_EXIT, stopped
from bot.cli.errors import Interrupted, explain_validation_error
from bot.cli.lookup_cmd import lookup
from bot.cli.report_cmd import report
from bot.cli.run_cmd import run
from bot.cli.scan_cmd import scan
from bot.cli.unmatched_cmd import unmatched
from bot.http.redaction import install_redaction
from config.errors import SettingsSourceError
from records.errors import DatabaseError, OperationalError


class _Program(click.Group):
    """The top-level group: an interrupt reaches `main` as itself, not as click's `Abort`
    (which prints a blank line, then "Aborted.", after whatever the command said)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise Interrupted from exc


@click.group(cls=_Program, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="SQLite records file [EVBOT_DATABASE__PATH, default data/evidence.db].",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TOML settings file [EVBOT_CONFIG].",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.pass_context
def cli(ctx: click.Context, db_path: Path | None, config_file: Path | None, verbose: int) -> None:
    """evidence-bot: ME/CFS Atlas evidence cards for community threads."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # Every address any client logs loses its secrets (issue 29); settings add their values.
    install_redaction(())
    app = AppContext(db_path=db_path, config_file=config_file)
    ctx.obj = app
    ctx.call_on_close(app.close)


for command in (
    atlas,
    cards,
    config_group,
    demo,
    unmatched,
    enrich_command,
    curate,
    lookup,
    run,
    scan,
    report,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point: turn expected failures into one clear line and exit 2."""
    try:
        # Without standalone mode click returns a command's exit code instead of exiting.
        code = cli.main(standalone_mode=False)
    except Interrupted:
        stopped()
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(INTERRUPTED_EXIT)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except SettingsSourceError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    except ValidationError as exc:
        click.echo(f"Error: invalid settings\n{explain_validation_error(exc)}", err=True)
        sys.exit(2)
    except DatabaseError as exc:
        if not _unusable_database(exc):
            raise  # a constraint or programming error is a bug: keep its traceback
        # Every write so far was committed; running the command again continues from there.
        click.echo(f"Error: the records database refused the command ({exc})", err=True)
        sys.exit(1)
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as other command-line tools do.
        sys.stderr.close()
        sys.exit(1)
    except OSError as exc:
        # A file that cannot be opened or written, a host that cannot be reached.
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


def _unusable_database(exc: DatabaseError) -> bool:
    """Locked past the busy timeout, disk full, read-only, or a file that is no database."""
    return type(exc) in {DatabaseError, OperationalError}
