"""`evidence-bot enrich` (one pass) and the long-running `enricher` process command."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import click

from bot.cli import bounds
from bot.cli.context import AppContext, pass_app
from bot.cli.progress import progress_bar
from bot.enrich.clients import build_clients
from bot.enrich.worker import DEFAULT_ENTRY_BATCH, EnrichSummary, enrich, plan_pass, run_forever
from config.settings import EnrichSettings
from records.wording import counted

log = logging.getLogger(__name__)
SHOWN_ERRORS = 5


@click.command("enrich")
@click.option(
    "--limit",
    type=bounds.COUNT,
    help=f"At most N papers and N atlas entries [all papers, {DEFAULT_ENTRY_BATCH} entries].",
)
@pass_app
def enrich_command(app: AppContext, limit: int | None) -> None:
    """One enrichment pass: metadata for pending unmatched papers, retraction checks for the atlas.

    A service that cannot be reached is asked no more this pass (one line says so) and the
    papers that needed it stay pending, without counting a failed attempt. Exits 1 when
    every look-up failed; the papers stay pending for the next pass either way.
    """
    plan = plan_pass(
        app.db, limit=limit, entry_limit=DEFAULT_ENTRY_BATCH if limit is None else limit
    )
    _warn_without_contact(app.settings.enrich)
    clients = build_clients(app.settings.enrich, app.db)
    try:
        with _own_report(), progress_bar("Enriching", plan.total, min_total=1) as progress:
            summary = enrich(app.db, clients, plan=plan, advance=progress.advance)
    finally:
        clients.close()
    click.echo(summary.line())
    for line in summary.unreachable_lines():
        click.echo(line, err=True)
    _show_errors(summary)
    succeeded = summary.enriched + summary.not_found + summary.entries_checked
    if (summary.errors or summary.unreachable) and succeeded - summary.entries_failed <= 0:
        raise click.exceptions.Exit(1)


@contextmanager
def _own_report() -> Iterator[None]:
    """Keep the worker's per-failure warnings off the terminal (this command prints each
    failure once itself) unless -v asked for more."""
    worker_log = logging.getLogger("bot.enrich.worker")
    if worker_log.getEffectiveLevel() < logging.WARNING:
        yield
        return
    previous = worker_log.level
    worker_log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        worker_log.setLevel(previous)


def _warn_without_contact(settings: EnrichSettings) -> None:
    """Crossref and NCBI ask for a contact address; say so rather than fail."""
    if not settings.mailto:
        click.echo(
            "Warning: EVBOT_ENRICH__MAILTO is not set; Crossref and NCBI ask API users for a "
            "contact address (and serve polite users better).",
            err=True,
        )


def _show_errors(summary: EnrichSummary) -> None:
    for error in summary.errors[:SHOWN_ERRORS]:
        click.echo(f"  failed: {error}", err=True)
    if len(summary.errors) > SHOWN_ERRORS:
        click.echo(f"  ... and {len(summary.errors) - SHOWN_ERRORS} more", err=True)


@click.command("enricher")
@click.option("--limit", type=bounds.COUNT, help="At most N papers per pass.")
@click.option(
    "--interval",
    type=bounds.seconds(1),
    help="Seconds between passes [EVBOT_ENRICH__INTERVAL_SECONDS].",
)
@pass_app
def run_enricher(app: AppContext, limit: int | None, interval: float | None) -> None:
    """The enricher process: a pass every few minutes until SIGTERM or Ctrl-C."""
    settings = app.settings.enrich
    interval = interval or settings.interval_seconds
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        log.warning("enricher: signal %d received, stopping after the current look-up", signum)
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    _warn_without_contact(settings)
    clients = build_clients(settings, app.db)
    click.echo(f"enricher: a pass every {interval:.0f}s (Ctrl-C to stop)", err=True)
    try:
        passes = run_forever(
            app.db,
            clients,
            interval_seconds=interval,
            stop=stop,
            limit=limit,
            on_pass=lambda summary: click.echo(summary.line(), err=True),
        )
    finally:
        clients.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    click.echo(f"enricher: stopped after {counted(passes, 'pass')}", err=True)
